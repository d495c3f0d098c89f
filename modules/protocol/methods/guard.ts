/**
 * The guard's methods (the bound app's session):
 *   freeze              {}            -> {frozen: true, by, label?}     anytime, no confirmation: written first
 *   policy_get          {}            -> {policy, pending?, spent, frozen?, codes}
 *   policy_set          {policy}      -> {status: 'applied' | 'pending' | 'unchanged', inMs?}   after the owner
 *                                        confirms on the device (loosening: a code, or 24 h pending)
 *   policy_cancel       {}            -> {cancelled}                    a pending loosening (only tightens)
 *   otp_status          {}            -> {enrolled, removalInMs?, lockedForMs?}
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
      const s = guard.freeze.state!;
      return ok({ frozen: true, by: s.by, ...(s.label !== undefined ? { label: s.label } : {}) });
    },
  });

  rpc.register('policy_get', {
    run: (params) => {
      const bad = onlyParams(params, []);
      if (bad) return bad;
      const now = vault.clock.now();
      const policy = guard.policy;
      const pending = guard.pending;
      const ledger = guard.ledger;
      const f = guard.freeze.state;
      return ok({
        policy: policyToPlain(policy),
        ...(pending ? { pending: { policy: policyToPlain(pending.policy), inMs: Math.max(0, pending.effectiveAt - now) } } : {}),
        spent: policy.rules.filter((r) => r.daily !== undefined).map((r) => {
          const spent = ledger.spent(r.asset, now);
          const release = ledger.nextRelease(r.asset, now);
          return { asset: r.asset, spent: spent.toString(), left: (r.daily! > spent ? r.daily! - spent : 0n).toString(), ...(release !== undefined ? { freesInMs: release - now } : {}) };
        }),
        ...(f ? { frozen: { by: f.by, ...(f.label !== undefined ? { label: f.label } : {}), text: frozenBy(f) } } : {}),
        codes: { enrolled: guard.codes.enrolled },
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
      if (kind === 'looser' && guard.pending && !guard.codes.enrolled) return fail('policy-pending', 'another loosening is already waiting: cancel it first (policy_cancel)');
      const answer = m.later(() => deps.cancelProposal());
      const outcome = deps.proposePolicy(next, kind, (result, detail) => {
        if (result === 'applied') answer(ok({ status: 'applied' }));
        else if (result === 'pending') answer(ok({ status: 'pending', inMs: guard.pending ? guard.pending.effectiveAt - vault.clock.now() : 0 }));
        else if (result === 'bad-code') answer(fail('bad-code', detail ?? 'the verification code was not accepted'));
        else if (result === 'expired') answer(fail('timeout', 'the owner did not answer on the device in time'));
        else answer(fail(guard.freeze.frozen ? 'frozen' : 'refused', detail ?? 'refused on the device'));
      });
      if (outcome === 'busy') return fail('busy', 'the owner is using the device and another request is waiting: try again later');
      return undefined;
    },
  });

  rpc.register('policy_cancel', {
    run: (params) => onlyParams(params, []) ?? ok({ cancelled: guard.cancelPending() }),
  });

  rpc.register('otp_status', {
    run: (params): RpcReply => {
      const bad = onlyParams(params, []);
      if (bad) return bad;
      const removal = guard.codes.removalAt;
      const wait = guard.codes.waitMs;
      return ok({
        enrolled: guard.codes.enrolled,
        ...(removal !== undefined ? { removalInMs: Math.max(0, removal - vault.clock.now()) } : {}),
        ...(wait > 0 ? { lockedForMs: wait } : {}),
      });
    },
  });

  rpc.register('otp_cancel_removal', {
    run: (params) => onlyParams(params, []) ?? ok({ cancelled: guard.cancelCodeRemoval() }),
  });
}
