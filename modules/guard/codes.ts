/**
 * Verification codes (TOTP, RFC 6238: SHA1, 6 digits, 30 s) from the owner's authenticator app, asked for on the
 * device's own keypad before the guard lets something through: loosening the policy, an over-limit transaction
 * (when allowed), unfreezing, removing the enrolment, making a backup code.
 *
 *  - The secret is 160 bits from the health-tested RNG, sealed under the device key (records.ts: otpSecret).
 *  - The time comes from the bound app (world-time.ts); the device has no clock of the world. A code is accepted
 *    for the current step or one step either side, and only for a step later than the last accepted one: a code
 *    already used, or older, is refused (so is an app that winds its clock back to replay one).
 *  - Failures are counted in flash before the check, like the PIN: after 5 wrong codes in a row, entry locks
 *    for 5 minutes, doubling with each further failure up to 24 hours of device time (it holds across reboots).
 *  - A code typed on the device is checked against the world time fixed when its entry screen opened (advanced
 *    by the device clock only): an app cannot move the time while the owner types (code-entry.ts).
 *  - Setting codes up where none were, and removing them without a code (a lost authenticator: the PIN only),
 *    are loosenings: the guard makes them wait (guard.ts, pending.ts). Replacing them needs a current code.
 *
 * State record (plaintext, nothing secret): version 1 | last step (u64) | failures (u8) | locked until (u64 ms)
 * | 8 zero bytes (firmware 0.3 kept a pending removal there; pending.ts keeps it now)
 */
import { constantTimeEqual, utf8Encode, wipe } from '../bytes.js';
import { LatchError } from '../errors.js';
import type { DeviceClock } from '../vault/device-clock.js';
import { decodeMs, encodeMs } from '../vault/device-clock.js';
import { RecordKey, type VaultRecords } from '../vault/records.js';
import { timeStep, totp } from './otp.js';
import type { WorldTime } from './world-time.js';

export const SECRET_SIZE = 20;
export const FREE_FAILURES = 5;
const MAX_LOCK_MS = 24 * 60 * 60 * 1000;

/** Lock-out after `failures` consecutive wrong codes: none for the first 4, then 5 min doubling, at most 24 h. */
export function codeLockMs(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(MAX_LOCK_MS, 5 * 60_000 * Math.pow(2, Math.min(failures - FREE_FAILURES, 20)));
}

export type CodeResult =
  | { ok: true }
  | { ok: false; reason: 'wrong'; failures: number; lockMs: number }
  | { ok: false; reason: 'used'; failures: number; lockMs: number }
  | { ok: false; reason: 'locked'; waitMs: number }
  | { ok: false; reason: 'no-time' }
  | { ok: false; reason: 'not-enrolled' };

interface State {
  lastStep: number;
  failures: number;
  lockedUntil: number;
}

const EMPTY: State = { lastStep: 0, failures: 0, lockedUntil: 0 };
/** HMAC pads a key shorter than its block with zeros (64 bytes for SHA-1 and SHA-256): compared at that width,
 * a secret and the same secret with zeros appended, which give the same codes, are equal */
const KEY_WIDTH = 64;

/** Words for a refused code, for the screen and the link. */
export function codeProblem(r: Exclude<CodeResult, { ok: true }>): string {
  switch (r.reason) {
    case 'wrong': return `That code is not right.${r.lockMs ? ` Code entry is locked for ${Math.ceil(r.lockMs / 60_000)} min.` : ` ${FREE_FAILURES - r.failures} more wrong codes lock code entry.`}`;
    case 'used': return `That code was already used (or is older than the last one): wait for the next one.${r.lockMs ? ` Code entry is locked for ${Math.ceil(r.lockMs / 60_000)} min.` : ''}`;
    case 'locked': return `Too many wrong codes: code entry is locked for ${Math.ceil(r.waitMs / 60_000)} more min.`;
    case 'no-time': return 'The device does not know the time: open the bound app (it sends the time), then try again.';
    case 'not-enrolled': return 'No verification codes are set up on this device.';
  }
}

export class VerificationCodes {
  constructor(
    private readonly records: VaultRecords,
    private readonly clock: DeviceClock,
    private readonly world: WorldTime,
    /** the event log hears enrolments, removals and wrong codes (never a code or the secret) */
    private readonly report: (kind: 'code-enrolled' | 'code-removed' | 'code-wrong', details: Record<string, unknown>) => void = () => {},
  ) {}

  get enrolled(): boolean {
    return this.records.get(RecordKey.otpSecret) !== undefined;
  }

  /** Milliseconds of device time before another code is accepted. */
  get waitMs(): number {
    return Math.max(0, this.state().lockedUntil - this.clock.now());
  }

  /** True when `code` is the secret's code for the app's current time (±1 step): the owner proved the enrolment. */
  static matches(secret: Uint8Array, code: string, unixSeconds: number): number | undefined {
    const step = Number(timeStep(unixSeconds));
    for (const s of [step, step - 1, step + 1]) {
      if (s >= 0 && constantTimeEqual(utf8Encode(totp(secret, s * 30)), utf8Encode(code))) return s;
    }
    return undefined;
  }

  /**
   * Enrol `secret` after the owner typed a matching code (the caller checked with `matches`): where none were
   * (once the guard let it: at once, or after the wait), or replacing the codes after a current code.
   */
  enrol(secret: Uint8Array, acceptedStep: number, after = 'its setup'): void {
    if (secret.length !== SECRET_SIZE) throw new LatchError('bad-params', `a verification-code secret is ${SECRET_SIZE} bytes`);
    this.records.setSealed(RecordKey.otpSecret, secret, 'verification code secret');
    this.write({ ...EMPTY, lastStep: acceptedStep });
    this.report('code-enrolled', { after });
  }

  /**
   * True when `secret` gives the enrolled secret's codes (the same key to HMAC: equal once zero-padded to the
   * block), whatever digest, period or digit count it is used with. Constant time; false when none is enrolled.
   */
  isEnrolledSecret(secret: Uint8Array): boolean {
    const mine = this.records.getSealed(RecordKey.otpSecret);
    if (!mine) return false;
    try {
      return sameHmacKey(mine, secret);
    } finally {
      wipe(mine);
    }
  }

  /**
   * Check a code typed on the device at the world time `unix` (fixed when the entry opened; now by default):
   * counted before the check, replay-proof.
   */
  verify(code: string, unix: number | undefined = this.world.now()): CodeResult {
    const secret = this.records.getSealed(RecordKey.otpSecret);
    if (!secret) return { ok: false, reason: 'not-enrolled' };
    try {
      const wait = this.waitMs;
      if (wait > 0) return { ok: false, reason: 'locked', waitMs: wait };
      if (unix === undefined) return { ok: false, reason: 'no-time' };
      const st = this.state();
      const failures = Math.min(255, st.failures + 1);
      const lockMs = codeLockMs(failures);
      const lockedUntil = lockMs ? this.clock.now() + lockMs : 0;
      // Counted first (a rollback-counter bit burned): pulling the plug after seeing the answer, or programming back
      // the flash from before, gives no free try. The write also marks every step this code could match as used,
      // so the answer's write below only loosens (a lower count, a step given back) and burns no bit: an attacker
      // who programs back the image between the two finds the code he watched refused as used.
      const usedStep = Number(timeStep(unix)) + 1;
      this.write({ ...st, lastStep: Math.max(st.lastStep, usedStep), failures, lockedUntil });
      const step = VerificationCodes.matches(secret, code, unix);
      if (step === undefined || step <= st.lastStep) {
        const reason = step === undefined ? 'wrong' : 'used';
        this.write({ ...st, failures, lockedUntil }, true); // the window back: the owner may still type this step's code
        this.report('code-wrong', { reason, failures, ...(lockMs ? { lockedForMs: lockMs } : {}) });
        return { ok: false, reason, failures, lockMs };
      }
      this.write({ ...st, lastStep: step, failures: 0, lockedUntil: 0 }, true);
      return { ok: true };
    } finally {
      wipe(secret);
    }
  }

  /** Forget the enrolment (after a code, or when a pending removal's wait is over). */
  remove(after = 'a code'): void {
    this.records.delete(RecordKey.otpSecret);
    this.records.delete(RecordKey.otpState);
    this.report('code-removed', { after });
  }

  private state(): State {
    const raw = this.records.get(RecordKey.otpState);
    if (!raw || raw.length !== 26 || raw[0] !== 1) return { ...EMPTY, failures: raw ? FREE_FAILURES : 0 }; // damaged: treat as locked-ish
    return { lastStep: decodeMs(raw, 1), failures: raw[9], lockedUntil: decodeMs(raw, 10) };
  }

  /** `loosens`: every field at or below what is stored (no rollback-counter bit: VaultRecords.set). */
  private write(s: State, loosens = false): void {
    const out = new Uint8Array(26);
    out[0] = 1;
    out.set(encodeMs(s.lastStep), 1);
    out[9] = s.failures;
    out.set(encodeMs(s.lockedUntil), 10);
    this.records.set(RecordKey.otpState, out, 'verification code counter', { loosens });
  }
}

/** Equal HMAC keys: both zero-padded to KEY_WIDTH and compared in constant time (longer keys compare as they are). */
export function sameHmacKey(a: Uint8Array, b: Uint8Array): boolean {
  const width = Math.max(KEY_WIDTH, a.length, b.length);
  const pa = new Uint8Array(width);
  const pb = new Uint8Array(width);
  pa.set(a);
  pb.set(b);
  try {
    return constantTimeEqual(pa, pb);
  } finally {
    wipe(pa);
    wipe(pb);
  }
}
