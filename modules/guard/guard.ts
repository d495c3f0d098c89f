/**
 * The guard: the rules that stand between a known PIN and the funds, kept together (Coldcard's spending policy,
 * and further): the spending policy and its ledger, verification codes, the emergency stop, and the app's time.
 * The signing methods ask it before anything is shown; the approval flow asks it again (frozen? code?) and has
 * it record the spend before the signature leaves.
 *
 * Policy changes: tightening takes effect at once; loosening (a rule removed or widened, an address added, the
 * code override turned on) needs a verification code when one is enrolled, and otherwise waits 24 hours of
 * device time as a pending change, shown on the device, announced to the app and cancellable from either.
 */
import { LatchError } from '../errors.js';
import { decodeCbor, encodeCbor } from '../protocol/cbor.js';
import type { PsbtPlan } from '../bitcoin/psbt.js';
import type { Call } from '../ethereum/calldata.js';
import type { EthTx } from '../ethereum/tx.js';
import type { DeviceClock } from '../vault/device-clock.js';
import { RecordKey, type VaultRecords } from '../vault/records.js';
import { VerificationCodes } from './codes.js';
import { Freeze, frozenBy } from './freeze.js';
import { DAY_MS, SpendLedger } from './ledger.js';
import { EMPTY_POLICY, isLoosening, parsePolicy, policyToPlain, ruleFor, type Policy } from './policy.js';
import { btcOutflows, chainHasRules, ethTxOutflows, judge, type Outflow, type Outflows, type Verdict } from './spending.js';
import { WorldTime } from './world-time.js';

export const PENDING_WAIT_MS = DAY_MS;

export interface PendingPolicy {
  policy: Policy;
  /** device time at which it takes effect */
  effectiveAt: number;
}

export type GuardNotice = 'policy-pending' | 'policy-changed' | 'policy-pending-cancelled' | 'otp-removal-pending' | 'otp-removed' | 'otp-removal-cancelled' | 'frozen' | 'unfrozen';

export class Guard {
  readonly freeze: Freeze;
  readonly codes: VerificationCodes;
  readonly world: WorldTime;

  constructor(
    private readonly records: VaultRecords,
    private readonly clock: DeviceClock,
    /** the app hears these as notices; the device also records them as events */
    private readonly notify: (notice: GuardNotice, data: Record<string, unknown>) => void,
    report: (kind: 'code-enrolled' | 'code-removed' | 'code-wrong', details: Record<string, unknown>) => void = () => {},
  ) {
    this.freeze = new Freeze(records, clock);
    this.world = new WorldTime(clock);
    this.codes = new VerificationCodes(records, clock, this.world, report);
  }

  // --- policy ---

  get policy(): Policy {
    const raw = this.records.getSealed(RecordKey.policy);
    if (!raw) return EMPTY_POLICY;
    try {
      return parsePolicy(decodeCbor(raw));
    } catch {
      throw new LatchError('record-damaged', 'the spending policy record is damaged: the device signs nothing until it is reset');
    }
  }

  get pending(): PendingPolicy | undefined {
    const raw = this.records.getSealed(RecordKey.policyPending);
    if (!raw) return undefined;
    const v = decodeCbor(raw) as { policy: unknown; effectiveAt: number };
    return { policy: parsePolicy(v.policy), effectiveAt: v.effectiveAt };
  }

  /** How a proposed policy compares with the one in force. */
  compare(next: Policy): 'same' | 'tighter' | 'looser' {
    const current = this.policy;
    if (JSON.stringify(policyToPlain(current)) === JSON.stringify(policyToPlain(next))) return 'same';
    return isLoosening(current, next) ? 'looser' : 'tighter';
  }

  /** Put `next` in force now (tightening, or loosening proven with a code). A pending change is dropped. */
  apply(next: Policy): void {
    this.records.setSealed(RecordKey.policy, encodeCbor(policyToPlain(next)), 'spending policy');
    if (this.records.get(RecordKey.policyPending)) this.records.delete(RecordKey.policyPending);
    this.notify('policy-changed', { policy: policyToPlain(next) });
  }

  /** A loosening without a code: in force after 24 hours of device time. */
  schedule(next: Policy): PendingPolicy {
    if (this.pending) throw new LatchError('policy-pending', 'another policy change is already waiting: cancel it first');
    const p = { policy: next, effectiveAt: this.clock.now() + PENDING_WAIT_MS };
    this.records.setSealed(RecordKey.policyPending, encodeCbor({ policy: policyToPlain(next), effectiveAt: p.effectiveAt }), 'pending policy');
    this.notify('policy-pending', { policy: policyToPlain(next), inMs: PENDING_WAIT_MS });
    return p;
  }

  cancelPending(): boolean {
    if (!this.records.get(RecordKey.policyPending)) return false;
    this.records.delete(RecordKey.policyPending);
    this.notify('policy-pending-cancelled', {});
    return true;
  }

  // --- the emergency stop ---

  /** Freeze (written first), then the device's reaction (`onFrozen`: requests cancelled, keys forgotten). */
  freezeNow(by: 'app' | 'owner', label?: string): void {
    const already = this.freeze.frozen;
    const s = this.freeze.freeze(by, label);
    if (!already) this.notify('frozen', { by: s.by, ...(s.label !== undefined ? { label: s.label } : {}) });
  }

  /** The owner unfroze it on the device (the caller checked the PIN and the code). */
  unfreeze(): void {
    if (!this.freeze.frozen) return;
    this.freeze.unfreeze();
    this.notify('unfrozen', {});
  }

  // --- verification codes: removal without a code (PIN checked by the caller) ---

  requestCodeRemoval(): number {
    const at = this.codes.requestRemoval();
    this.notify('otp-removal-pending', { inMs: at - this.clock.now() });
    return at;
  }

  cancelCodeRemoval(): boolean {
    const cancelled = this.codes.cancelRemoval();
    if (cancelled) this.notify('otp-removal-cancelled', {});
    return cancelled;
  }

  // --- checks before signing ---

  /** Why nothing may be signed or changed now, if so. */
  get frozenReason(): string | undefined {
    const f = this.freeze.state;
    return f ? `frozen by ${frozenBy(f)}: unfreeze on the device with your PIN${this.codes.enrolled ? ' and a verification code' : ''}` : undefined;
  }

  checkEthTx(tx: EthTx, call: Call): Verdict {
    return this.judgeOutflows(() => ethTxOutflows(this.policy, tx, call));
  }

  /** Typed data for `chainId` (undefined when the domain names none: then any Ethereum rule applies). */
  checkEthTyped(chainId: bigint | undefined): Verdict {
    const frozen = this.frozenReason;
    if (frozen) return { kind: 'refuse', why: frozen };
    const policy = this.policy;
    const covered = chainId === undefined ? policy.rules.some((r) => r.asset.startsWith('eth:')) : chainHasRules(policy, chainId);
    if (!covered) return { kind: 'allow', outflows: [], notes: [] };
    const why = 'typed data can hand over tokens (permits) and is not limited by amount: while spending limits are on for its chain it needs a verification code';
    if (policy.overLimitWithCode && this.codes.enrolled) return { kind: 'code', outflows: [], notes: ['Spending limits are on for this chain.', 'A verification code is needed to sign typed data.'], why };
    return { kind: 'refuse', why: `${why}, and over-limit signing with a code is not allowed by the policy` };
  }

  /** Messages are not limited; only the freeze stops them. */
  checkMessage(): Verdict {
    const frozen = this.frozenReason;
    return frozen ? { kind: 'refuse', why: frozen } : { kind: 'allow', outflows: [], notes: [] };
  }

  checkBtc(plan: PsbtPlan, networkName: string): Verdict {
    return this.judgeOutflows(() => btcOutflows(this.policy, plan, networkName));
  }

  /** Write the spend before the signature leaves (read back: a cut may lose a signature, never its record). */
  record(outflows: Outflow[]): void {
    const policy = this.policy;
    const limited = outflows.filter((o) => ruleFor(policy, o.asset)?.daily !== undefined);
    if (!limited.length) return;
    const next = this.ledger.with(limited, this.clock.now(), (asset) => ruleFor(policy, asset) !== undefined);
    this.records.setSealed(RecordKey.spendLedger, encodeCbor(next.toPlain()), 'spend ledger');
  }

  get ledger(): SpendLedger {
    const raw = this.records.getSealed(RecordKey.spendLedger);
    return raw ? SpendLedger.fromPlain(decodeCbor(raw)) : new SpendLedger();
  }

  // --- time ---

  /** From the tick: pending changes and removals whose wait is over take effect (a pending loosening waits out a
   * freeze: a frozen device changes no policy). */
  tick(): void {
    const p = this.pending;
    if (p && this.clock.now() >= p.effectiveAt && !this.freeze.frozen) this.apply(p.policy);
    this.codes.removeIfDue();
  }

  private judgeOutflows(make: () => Outflows): Verdict {
    const frozen = this.frozenReason;
    if (frozen) return { kind: 'refuse', why: frozen };
    const o = make();
    if ('refuse' in o) return { kind: 'refuse', why: o.refuse };
    return judge(this.policy, this.ledger, this.clock.now(), o.outflows, this.codes.enrolled);
  }
}
