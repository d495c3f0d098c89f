/**
 * The guard: the rules that stand between a known PIN and the funds, kept together (Coldcard's spending policy,
 * and further): the spending policy and its ledger, verification codes, the emergency stop, pending changes and
 * the app's time. The signing methods ask it before anything is shown; the approval flow asks it again (frozen?
 * code?) and has it record the spend before the signature leaves. The screens and the link ask it what a change
 * needs (a code, a wait, nothing) and carry out what it says.
 *
 * The attacker it is built against holds the device and knows the PIN, sometimes the bound phone too, never the
 * owner's authenticator. So anything that weakens a guard needs the owner's verification code, or waits 24 hours
 * of device time as a pending change (pending.ts), announced to the bound app and cancellable from it or the
 * device: a looser policy, codes set up where none were (while spending rules exist), codes removed without a
 * code, unfreezing with the PIN alone (no codes), a new app while no codes are enrolled and spending rules exist.
 * Tightening takes effect at once. A frozen device changes nothing, and pending waits stand still while frozen.
 */
import { LatchError } from '../errors.js';
import { decodeCbor, encodeCbor } from '../protocol/cbor.js';
import type { PsbtPlan } from '../bitcoin/psbt.js';
import type { Call } from '../ethereum/calldata.js';
import type { EthTx } from '../ethereum/tx.js';
import type { DeviceClock } from '../vault/device-clock.js';
import { RecordKey, type VaultRecords } from '../vault/records.js';
import { wipe } from '../bytes.js';
import { sameHmacKey, VerificationCodes } from './codes.js';
import { isLoosening } from './coverage.js';
import { Freeze, frozenBy } from './freeze.js';
import { SpendLedger } from './ledger.js';
import { PendingChanges, PENDING_WAIT_MS, describeChange, type BindHow, type ChangeKind, type ChangePayload, type PendingChange } from './pending.js';
import { EMPTY_POLICY, parsePolicy, policyToPlain, ruleFor, scopeOf, type Policy } from './policy.js';
import { btcOutflows, duration, ethTxOutflows, judge, type Outflow, type Outflows, type Verdict } from './spending.js';
import { messageVerdict, typedDataVerdict, type MessageShape } from './unmetered.js';
import { WorldTime } from './world-time.js';

export { PENDING_WAIT_MS };

/** Notices the bound app hears (the device also records each as an event of the same name). */
export type GuardNotice = 'policy-changed' | 'change-pending' | 'change-cancelled' | 'change-applied' | 'frozen' | 'unfrozen';

/** Events the guard's parts report (never a code, a secret or the PIN). */
export type GuardReport = 'code-enrolled' | 'code-removed' | 'code-wrong' | 'world-time-set' | 'world-time-refused';

export interface GuardEffects {
  /** a pending binding's wait is over: bind that app (the old one loses access) */
  bindApp?(app: { publicKey: Uint8Array; label: string }, how: BindHow): void;
}

/** A policy held in memory instead of the policy record (the decoy's, in duress mode): encoded as the record. */
export interface PolicyHold {
  held: Uint8Array | undefined;
}

/** Who cancelled a pending change (`replaced`: a new policy put in force made a waiting one moot). */
export type CancelledBy = 'app' | 'device' | 'replaced';

export class Guard {
  readonly freeze: Freeze;
  readonly codes: VerificationCodes;
  readonly world: WorldTime;
  readonly changes: PendingChanges;
  /**
   * The fingerprint of the wallet that signs now (the device sets it; undefined: none known, and what is signed
   * is then counted for every wallet's own rules too). Its own rules bind in addition to those for every wallet.
   */
  activeWallet: () => string | undefined = () => undefined;

  constructor(
    private readonly records: VaultRecords,
    private readonly clock: DeviceClock,
    /** the app hears these as notices; the device also records them as events */
    private readonly notify: (notice: GuardNotice, data: Record<string, unknown>) => void,
    report: (kind: GuardReport, details: Record<string, unknown>) => void = () => {},
    private readonly effects: GuardEffects = {},
  ) {
    this.freeze = new Freeze(records, clock);
    this.world = new WorldTime(clock, report);
    this.codes = new VerificationCodes(records, clock, this.world, report);
    this.changes = new PendingChanges(records);
  }

  // --- policy ---

  /**
   * Where the policy is held instead of written, while the device says so (vault-listeners.ts: in duress mode, the
   * decoy's memory until the lock, vault/decoy-session.ts), else undefined.
   */
  policyHold: () => PolicyHold | undefined = () => undefined;

  get policy(): Policy {
    const raw = this.policyHold()?.held ?? this.records.getSealed(RecordKey.policy);
    if (!raw) return EMPTY_POLICY;
    try {
      return parsePolicy(decodeCbor(raw));
    } catch {
      throw new LatchError('record-damaged', 'the spending policy record is damaged: the device signs nothing until it is reset');
    }
  }

  /** The looser policy waiting out its 24 hours, if any. */
  get pendingPolicy(): (PendingChange & { kind: 'policy' }) | undefined {
    return this.changes.get('policy') as (PendingChange & { kind: 'policy' }) | undefined;
  }

  /** How a proposed policy compares with the one in force. */
  compare(next: Policy): 'same' | 'tighter' | 'looser' {
    const current = this.policy;
    if (JSON.stringify(policyToPlain(current)) === JSON.stringify(policyToPlain(next))) return 'same';
    return isLoosening(current, next) ? 'looser' : 'tighter';
  }

  /**
   * Put `next` in force now (a tightening, or a loosening proven with a code). A looser policy still waiting was
   * asked against the old one: it is cancelled first, so a cut between the two writes leaves the old limits
   * without it (tighter than before, never looser), and the app hears it.
   */
  apply(next: Policy): void {
    const waiting = this.pendingPolicy;
    if (waiting) this.cancel(waiting.id, 'replaced');
    this.setPolicy(next);
  }

  private setPolicy(next: Policy): void {
    const encoded = encodeCbor(policyToPlain(next));
    const hold = this.policyHold();
    if (hold) {
      // held (duress mode): the owner's record is written again unchanged, the flash work and counter bit of a change
      this.records.setSealed(RecordKey.policy, this.records.getSealed(RecordKey.policy) ?? encodeCbor(policyToPlain(EMPTY_POLICY)), 'spending policy');
      hold.held = encoded;
    } else this.records.setSealed(RecordKey.policy, encoded, 'spending policy');
    this.notify('policy-changed', { policy: policyToPlain(next) });
  }

  // --- pending changes ---

  /** Start the 24-hour wait for a loosening, announced to the app. Throws `change-pending` if one of its kind waits. */
  schedule(payload: ChangePayload): PendingChange {
    const change = this.changes.add(payload, this.clock.now());
    this.notify('change-pending', { ...this.describe(change), inMs: PENDING_WAIT_MS });
    return change;
  }

  /** Cancel the pending change `id` (only tightens: anyone on the device or the app may). */
  cancel(id: number, by: CancelledBy): boolean {
    const change = this.changes.remove(id);
    if (!change) return false;
    this.notify('change-cancelled', { id: change.id, kind: change.kind, text: describeChange(change), by });
    return true;
  }

  cancelKind(kind: ChangeKind, by: CancelledBy): boolean {
    const c = this.changes.get(kind);
    return c ? this.cancel(c.id, by) : false;
  }

  /** A pending change for the app and the screen: id, kind, words, the wait left, and what it would set. */
  describe(c: PendingChange): Record<string, unknown> {
    const frozenAt = this.freeze.state?.at;
    return {
      id: c.id, kind: c.kind, text: describeChange(c),
      inMs: this.changes.remainingMs(c, this.clock.now(), frozenAt),
      ...(frozenAt !== undefined && c.kind !== 'unfreeze' ? { paused: true } : {}),
      ...(c.kind === 'policy' ? { policy: policyToPlain(c.policy) } : {}),
      ...(c.kind === 'bind' ? { app: c.label, how: c.how } : {}),
    };
  }

  // --- what a change needs ---

  /** Why nothing may be changed now (frozen), if so. */
  private refuseWhileFrozen(what: string): void {
    const frozen = this.frozenReason;
    if (frozen) throw new LatchError('frozen', `${what} is not possible while the device is ${frozen}`);
  }

  /**
   * Codes set up where none were (the owner proved the authenticator with a current code): at once while no
   * spending rule exists, else after the 24-hour wait. Refused while frozen: a code of the attacker's own must
   * not become his way to unfreeze.
   */
  setUpCodes(secret: Uint8Array, step: number): 'enrolled' | 'pending' {
    this.refuseWhileFrozen('setting up verification codes');
    if (this.codes.enrolled) throw new LatchError('codes-enrolled', 'verification codes are already set up: replacing them needs a current code');
    if (!this.policy.rules.length) {
      this.codes.enrol(secret, step);
      return 'enrolled';
    }
    this.schedule({ kind: 'codes-on', secret: secret.slice(), step });
    return 'pending';
  }

  /** New codes for old, after a current code was typed on the device (the caller checked it). */
  replaceCodes(secret: Uint8Array, step: number): void {
    this.refuseWhileFrozen('replacing verification codes');
    this.codes.enrol(secret, step, 'a current code');
    this.cancelKind('codes-off', 'device'); // the owner just proved the authenticator: a pending removal is moot
  }

  /** Remove the codes after a current code was typed on the device (the caller checked it). */
  removeCodesWithCode(): void {
    this.refuseWhileFrozen('removing verification codes');
    this.codes.remove('a code');
    this.cancelKind('codes-off', 'device'); // (a cut before this leaves it moot: the tick drops it)
  }

  /** A lost authenticator: the codes go after the 24-hour wait (the caller checked the PIN). Refused while frozen. */
  requestCodeRemoval(): PendingChange {
    this.refuseWhileFrozen('removing verification codes');
    if (!this.codes.enrolled) throw new LatchError('not-enrolled', 'no verification codes are set up');
    return this.schedule({ kind: 'codes-off' });
  }

  /**
   * Unfreezing with the PIN alone (no codes enrolled; the caller checked the PIN): after the 24-hour wait,
   * announced to the bound app, which can refuse it (or vouch for it: `unfreeze('the bound app')`).
   */
  requestUnfreeze(): PendingChange {
    if (!this.freeze.frozen) throw new LatchError('not-frozen', 'the device is not frozen');
    if (this.freeze.state?.by === 'duress' && this.codes.enrolled) throw new LatchError('needs-code', 'unfreezing needs a verification code on the device');
    if (this.codes.enrolled) throw new LatchError('needs-code', 'unfreezing needs a verification code on the device');
    return this.changes.get('unfreeze') ?? this.schedule({ kind: 'unfreeze' });
  }

  /** True for the secret of the verification codes, enrolled or waiting to be (constant-time compares). */
  isCodeSecret(secret: Uint8Array): boolean {
    const waiting = this.changes.get('codes-on');
    const pending = waiting?.kind === 'codes-on' && sameHmacKey(waiting.secret, secret);
    if (waiting?.kind === 'codes-on') wipe(waiting.secret);
    return this.codes.isEnrolledSecret(secret) || pending;
  }

  /** What binding a new app needs now: a verification code (codes enrolled), the 24-hour wait (spending rules
   * and no codes), or nothing. A first app on a device holding a wallet is a new app like any other. */
  newAppNeeds(): 'code' | 'wait' | 'nothing' {
    if (this.codes.enrolled) return 'code';
    return this.policy.rules.length ? 'wait' : 'nothing';
  }

  // --- the emergency stop ---

  /**
   * Freeze (written first), then the device's reaction (`onFrozen`: requests cancelled, keys forgotten). The bound
   * app freezing a frozen device says "stay frozen": a pending PIN-only unfreeze is cancelled.
   */
  freezeNow(by: 'app' | 'owner', label?: string): void {
    const already = this.freeze.frozen;
    const s = this.freeze.freeze(by, label);
    if (!already) this.notify('frozen', { by: s.by, ...(s.label !== undefined ? { label: s.label } : {}) });
    else if (by === 'app') this.cancelKind('unfreeze', 'app');
  }

  /**
   * Unfreeze: the owner's code on the device, the bound app's request, or a PIN-only unfreeze whose wait is over
   * (the caller decided which). The paused waits get the frozen time added first, then the freeze goes.
   */
  unfreeze(after: string): void {
    const f = this.freeze.state;
    if (!f) return;
    this.changes.creditFreeze(f.at, this.clock.now());
    this.freeze.unfreeze();
    const pinOnly = this.changes.get('unfreeze');
    if (pinOnly) this.changes.remove(pinOnly.id); // a cut before this leaves it to the tick, which drops it
    this.notify('unfrozen', { after });
  }

  // --- checks before signing ---

  /** Why nothing may be signed or changed now, if so. */
  get frozenReason(): string | undefined {
    const f = this.freeze.state;
    if (!f) return undefined;
    const how = this.codes.enrolled
      ? 'unfreeze on the device with your PIN and a verification code'
      : `unfreeze on the device with your PIN (after ${duration(PENDING_WAIT_MS)} of device time, or at once when the bound app asks for it)`;
    return `frozen by ${frozenBy(f)}: ${how}`;
  }

  checkEthTx(tx: EthTx, call: Call): Verdict {
    return this.judgeOutflows((p) => ethTxOutflows(p, tx, call));
  }

  /** Typed data, on the chain id its hash commits to (undefined: none, valid on every chain): unmetered.ts. */
  checkEthTyped(chainId: bigint | undefined): Verdict {
    const frozen = this.frozenReason;
    if (frozen) return { kind: 'refuse', why: frozen };
    return both(this.scopes().map(({ policy }) => typedDataVerdict(policy, chainId, this.codes.enrolled)));
  }

  /** personal_sign: text is not limited; anything else needs a code while limits are on (unmetered.ts). */
  checkMessage(shape: MessageShape): Verdict {
    const frozen = this.frozenReason;
    if (frozen) return { kind: 'refuse', why: frozen };
    return both(this.scopes().map(({ policy }) => messageVerdict(policy, shape, this.codes.enrolled)));
  }

  checkBtc(plan: PsbtPlan, networkName: string): Verdict {
    return this.judgeOutflows((p) => btcOutflows(p, plan, networkName));
  }

  /** Write the spend before the signature leaves (read back: a cut may lose a signature, never its record). */
  record(outflows: Outflow[]): void {
    const policy = this.policy;
    const scoped = (wallet: string | undefined, asset: string) => ruleFor(scopeOf(policy, wallet), asset);
    const limited = outflows.filter((o) => scoped(o.scope?.scoped ? o.scope.wallet : undefined, o.asset)?.daily !== undefined);
    if (!limited.length) return;
    // an entry stays while a rule of its scope limits its asset (one naming no wallet: while any rule does)
    const next = this.ledger.with(limited, this.clock.now(), (e) => e.wallet === undefined
      ? ruleFor(policy, e.asset) !== undefined
      : scoped(e.scoped ? e.wallet : undefined, e.asset) !== undefined);
    this.records.setSealed(RecordKey.spendLedger, encodeCbor(next.toPlain()), 'spend ledger');
  }

  get ledger(): SpendLedger {
    const raw = this.records.getSealed(RecordKey.spendLedger);
    return raw ? SpendLedger.fromPlain(decodeCbor(raw)) : new SpendLedger();
  }

  // --- time ---

  /**
   * From the tick: pending changes whose wait is over take effect, oldest first. While frozen only a PIN-only
   * unfreeze does (the others' waits stand still). Each is applied, then dropped from the pending record: a cut
   * between applies it again, which changes nothing the second time.
   */
  tick(): void {
    const now = this.clock.now();
    const frozen = this.freeze.inForce !== undefined; // a hidden duress freeze holds the waits too
    for (const t of this.changes.times()) {
      // a change that no longer means anything (left by a power cut in the middle of another) is dropped
      const moot = (t.kind === 'unfreeze' && !frozen) || (t.kind === 'codes-off' && !this.codes.enrolled) || (t.kind === 'codes-on' && this.codes.enrolled);
      if (moot) {
        this.changes.remove(t.id);
        continue;
      }
      if (now < t.dueAt || (frozen && t.kind !== 'unfreeze')) continue;
      if (t.kind === 'unfreeze') {
        this.unfreeze(`the ${duration(PENDING_WAIT_MS)} wait`);
        continue;
      }
      if (t.kind === 'bind' && !this.effects.bindApp) continue;
      const c = this.changes.list().find((x) => x.id === t.id);
      if (!c) continue;
      // a new app replaces the bound one, whose session ends with it: that app hears it first
      if (c.kind === 'bind') this.notify('change-applied', { id: c.id, kind: c.kind, text: describeChange(c) });
      this.applyDue(c);
      if (c.kind !== 'bind') this.notify('change-applied', { id: c.id, kind: c.kind, text: describeChange(c) });
      if (c.kind === 'codes-on') wipe(c.secret);
    }
  }

  private applyDue(c: PendingChange): void {
    const after = `the ${duration(PENDING_WAIT_MS)} wait`;
    switch (c.kind) {
      case 'policy':
        this.setPolicy(c.policy); // then dropped below: a cut between puts the same policy in force again
        break;
      case 'codes-on':
        this.codes.enrol(c.secret, c.step, after);
        break;
      case 'codes-off':
        this.codes.remove(after);
        break;
      case 'bind':
        this.effects.bindApp!({ publicKey: c.publicKey, label: c.label }, c.how);
        break;
    }
    this.changes.remove(c.id);
  }

  /** The scopes that bind a request now: the rules for every wallet, and the signing wallet's own if it has any. */
  private scopes(): { wallet: string | undefined; scoped: boolean; policy: Policy }[] {
    const policy = this.policy;
    const wallet = this.activeWallet();
    const own = wallet !== undefined ? scopeOf(policy, wallet) : undefined;
    return [
      { wallet, scoped: false, policy: scopeOf(policy, undefined) },
      ...(own && own.rules.length ? [{ wallet, scoped: true, policy: own }] : []),
    ];
  }

  /** Each scope judged on its own, with its own ledger (a wallet's rules count only its signatures): both must pass. */
  private judgeOutflows(make: (p: Policy) => Outflows): Verdict {
    const frozen = this.frozenReason;
    if (frozen) return { kind: 'refuse', why: frozen };
    const ledger = this.ledger;
    const now = this.clock.now();
    return both(this.scopes().map(({ wallet, scoped, policy }) => {
      const o = make(policy);
      if ('refuse' in o) return { kind: 'refuse', why: scoped ? `wallet ${wallet}'s own rules: ${o.refuse}` : o.refuse };
      const outflows = o.outflows.map((f) => (wallet !== undefined ? { ...f, scope: { wallet, scoped } } : f));
      const v = judge(policy, ledger.scope(scoped ? wallet : undefined), now, outflows, this.codes.enrolled);
      if (!scoped) return v;
      if (v.kind === 'refuse') return { kind: 'refuse', why: `wallet ${wallet}'s own rules: ${v.why}` };
      return { ...v, notes: v.notes.map((n) => `Wallet ${wallet}: ${n}`) };
    }));
  }
}

/** Verdicts of every scope as one: refused if any refuses, a code if any needs one; the outflows of all recorded. */
function both(verdicts: Verdict[]): Verdict {
  if (verdicts.length === 1) return verdicts[0];
  const refused = verdicts.find((v) => v.kind === 'refuse');
  if (refused) return refused;
  const outflows: Outflow[] = [];
  const notes: string[] = [];
  for (const v of verdicts) if (v.kind !== 'refuse') { outflows.push(...v.outflows); notes.push(...v.notes); }
  const code = verdicts.find((v) => v.kind === 'code');
  return code && code.kind === 'code' ? { kind: 'code', outflows, notes: [...new Set(notes)], why: code.why } : { kind: 'allow', outflows, notes: [...new Set(notes)] };
}
