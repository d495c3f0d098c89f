/**
 * The guard's methods (the bound app's session):
 *   freeze              {}            -> {frozen: true, by, label?}     anytime, no confirmation: written first;
 *                                        on a frozen device it also cancels a pending PIN-only unfreeze
 *   unfreeze            {}            -> {unfrozen: true}               without codes only, on an unlocked device
 *                                        (the PIN was entered), after the owner holds C: the phone vouches, so
 *                                        the PIN-only unfreeze takes effect at once
 *   pending_list        {}            -> {changes: [{id, kind, text, inMs, paused?, policy?, app?}], frozen}
 *   pending_cancel      {id?}         -> {cancelled: [id]}              one pending change, or all (anytime)
 *   policy_get          {}            -> {policy, pending?, spent, frozen?, codes, pendingChanges}
 *   policy_set          {policy}      -> {status: 'applied' | 'pending' | 'unchanged', inMs?}   after the owner
 *                                        confirms on the device (loosening: a code, or 24 h pending)
 *   policy_cancel       {}            -> {cancelled}                    the pending policy (only tightens)
 *   otp_status          {}            -> {enrolled, removalInMs?, setupInMs?, lockedForMs?}
 *   otp_cancel_removal  {}            -> {cancelled}                    keep the codes (only tightens)
 * Amounts travel as decimal strings of base units (wei, satoshis, token units).
 */
import { LatchError } from '../../errors.js';
import { frozenBy } from '../../guard/freeze.js';
import type { Guard } from '../../guard/guard.js';
import { parsePolicy, policyToPlain, type Policy } from '../../guard/policy.js';
import type { Vault } from '../../vault/vault.js';
import { fail, ok, onlyParams, type RpcReply, type RpcServer, walletClosed } from '../rpc.js';

export interface GuardMethodDeps {
  guard: Guard;
  vault: Vault;
  /** the device reacts to a freeze (cancels what waits, forgets the keys, shows it) */
  frozen(): void;
  /** review a policy change on the device (now or once the owner is free); `answer` hears the outcome */
  proposePolicy(next: Policy, kind: 'tighter' | 'looser', answer: (outcome: string, detail?: string) => void): 'shown' | 'waiting' | 'busy';
  /** the app cancelled its policy request */
  cancelProposal(): void;
  /** ask the owner (hold C) to unfreeze at the app's request; `answer` hears the choice, or 'expired' */
  confirmUnfreeze(label: string, answer: (yes: boolean | 'expired') => void): 'shown' | 'waiting' | 'busy';
  /** the app cancelled its unfreeze request */
  cancelUnfreeze(): void;
}

export function registerGuardMethods(rpc: RpcServer, deps: GuardMethodDeps): void {
  const { guard, vault } = deps;

  rpc.register('freeze', {
    anytime: true,
    run: (params, m) => {
      const bad = onlyParams(params, []);
      if (bad) return bad;
      guard.freezeNow('app', m.appLabel);
      deps.frozen();
      // a duress freeze stays in force and hidden (guard/freeze.ts): the app is answered as for its own freeze
      const s = guard.freeze.state ?? { by: 'app', label: m.appLabel };
      return ok({ frozen: true, by: s.by, ...(s.label !== undefined ? { label: s.label } : {}) });
    },
  });

  rpc.register('unfreeze', {
    run: (params, m) => {
      const bad = onlyParams(params, []);
      if (bad) return bad;
      if (!guard.freeze.frozen) return ok({ unfrozen: true });
      if (guard.codes.enrolled) return fail('needs-code', 'verification codes are set up: unfreeze on the device with the PIN and a verification code');
      // the duress PIN's freeze: the app (perhaps in other hands) cannot lift it, nor shorten its wait
      if (guard.freeze.state?.by === 'duress') return fail('needs-code', 'frozen by the duress PIN: unfreeze on the device with the PIN and a verification code');
      if (!vault.isUnlocked) return fail('locked', 'the device is locked: unlock it with its PIN on the device, then ask again (the PIN and this request unfreeze it at once)');
      const answer = m.later(() => deps.cancelUnfreeze());
      const outcome = deps.confirmUnfreeze(m.appLabel, (yes) => {
        if (yes === true) {
          guard.unfreeze(`the request of the app "${m.appLabel}" and the PIN`);
          answer(ok({ unfrozen: true }));
        } else if (yes === 'expired') answer(fail('timeout', 'the owner did not answer on the device in time'));
        else answer(fail('refused', 'refused on the device'));
      });
      if (outcome === 'busy') return fail('busy', 'the owner is using the device and another request is waiting: try again later');
      return undefined;
    },
  });

  rpc.register('pending_list', {
    run: (params) => onlyParams(params, []) ?? ok({ changes: guard.changes.list().map((c) => guard.describe(c)), frozen: guard.freeze.frozen }),
  });

  rpc.register('pending_cancel', {
    anytime: true,
    run: (params) => {
      const bad = onlyParams(params, ['id']);
      if (bad) return bad;
      if (params.id !== undefined && (typeof params.id !== 'number' || !Number.isSafeInteger(params.id))) return fail('bad-params', '"id" must be the number of a pending change (pending_list)');
      const ids = params.id !== undefined ? [params.id as number] : guard.changes.list().map((c) => c.id);
      return ok({ cancelled: ids.filter((id) => guard.cancel(id, 'app')) });
    },
  });

  rpc.register('policy_get', {
    run: (params) => {
      const bad = onlyParams(params, []);
      if (bad) return bad;
      const now = vault.clock.now();
      const policy = guard.policy;
      const pending = guard.pendingPolicy;
      const ledger = guard.ledger;
      const f = guard.freeze.state;
      return ok({
        policy: policyToPlain(policy),
        ...(pending ? { pending: { policy: policyToPlain(pending.policy), inMs: guard.describe(pending).inMs } } : {}),
        spent: policy.rules.filter((r) => r.daily !== undefined).map((r) => {
          const counted = ledger.scope(r.wallet); // a wallet's own rule counts that wallet's signatures
          const spent = counted.spent(r.asset, now);
          const release = counted.nextRelease(r.asset, now);
          return { asset: r.asset, ...(r.wallet !== undefined ? { wallet: r.wallet } : {}), spent: spent.toString(), left: (r.daily! > spent ? r.daily! - spent : 0n).toString(), ...(release !== undefined ? { freesInMs: release - now } : {}) };
        }),
        ...(f ? { frozen: { by: f.by, ...(f.label !== undefined ? { label: f.label } : {}), text: frozenBy(f) } } : {}),
        codes: { enrolled: guard.codes.enrolled },
        pendingChanges: guard.changes.list().length,
      });
    },
  });

  rpc.register('policy_set', {
    run: (params, m) => {
      const bad = onlyParams(params, ['policy']);
      if (bad) return bad;
      const closed = walletClosed(vault);
      if (closed) return closed;
      const frozen = guard.frozenReason;
      if (frozen) return fail('frozen', frozen);
      let next: Policy;
      try {
        next = parsePolicy(params.policy);
      } catch (err) {
        if (err instanceof LatchError) return fail('bad-params', err.message);
        throw err;
      }
      const kind = guard.compare(next);
      if (kind === 'same') return ok({ status: 'unchanged' });
      if (kind === 'looser' && guard.pendingPolicy && !guard.codes.enrolled) return fail('policy-pending', 'another loosening is already waiting: cancel it first (policy_cancel)');
      const answer = m.later(() => deps.cancelProposal());
      const outcome = deps.proposePolicy(next, kind, (result, detail) => {
        if (result === 'applied') answer(ok({ status: 'applied' }));
        else if (result === 'pending') {
          const waiting = guard.pendingPolicy;
          answer(ok({ status: 'pending', inMs: waiting ? guard.describe(waiting).inMs : 0 }));
        }
        else if (result === 'bad-code') answer(fail('bad-code', detail ?? 'the verification code was not accepted'));
        else if (result === 'expired') answer(fail('timeout', 'the owner did not answer on the device in time'));
        else answer(fail(guard.freeze.frozen ? 'frozen' : 'refused', detail ?? 'refused on the device'));
      });
      if (outcome === 'busy') return fail('busy', 'the owner is using the device and another request is waiting: try again later');
      return undefined;
    },
  });

  rpc.register('policy_cancel', {
    run: (params) => onlyParams(params, []) ?? ok({ cancelled: guard.cancelKind('policy', 'app') }),
  });

  rpc.register('otp_status', {
    run: (params): RpcReply => {
      const bad = onlyParams(params, []);
      if (bad) return bad;
      const removal = guard.changes.get('codes-off');
      const setup = guard.changes.get('codes-on');
      const wait = guard.codes.waitMs;
      return ok({
        enrolled: guard.codes.enrolled,
        ...(removal ? { removalInMs: guard.describe(removal).inMs } : {}),
        ...(setup ? { setupInMs: guard.describe(setup).inMs } : {}),
        ...(wait > 0 ? { lockedForMs: wait } : {}),
      });
    },
  });

  rpc.register('otp_cancel_removal', {
    run: (params) => onlyParams(params, []) ?? ok({ cancelled: guard.cancelKind('codes-off', 'app') }),
  });
}
