/**
 * The vault's head: what a flash clip cannot set back. NOR flash lets anyone clear bits without a key, so a
 * record's state byte can be cleared (the record "retired", read as absent) and an older image programmed back.
 * The head record commits to the current version of every guard-critical record (a SHA-256 over their stored
 * bytes, present or absent), holds the PIN failure count itself, and carries a generation number equal to the
 * monotonic counter (MonotonicCounterPort: eFuse bits on the board). It is MACed under a key derived from the
 * device key, so only this chip writes it. At boot:
 *  - a head whose MAC fails, or whose digest does not match the records, means a record was retired, replaced or
 *    put back: tampered;
 *  - a head whose generation is below the counter is an older image: tampered;
 *  - a head one above the counter is a bump cut by power (the head is written first, then the bit burned): the
 *    bump is finished;
 *  - no head while guarded records exist is tampered, except once: firmware from before the head, on a chip whose
 *    counter was never bumped (the first head burns a bit, so this cannot be replayed).
 * Covered writes go with the new head in one journal batch (journal.ts), so a power cut never shows a mismatch.
 * Only writes whose rollback would help an attacker burn a bit (BUMPING_KEYS, and every PIN attempt, before the
 * PIN is checked); the rest are chained by the digest, so they cannot be retired, only rolled back together with
 * everything since the last bump (README: the eFuse budget and what a rollback can still do).
 *
 * Why every PIN attempt, right or wrong, costs a bit (no cheaper scheme keeps the 10-try limit): an image the
 * clip read before an attempt stays valid until the counter moves. If an attempt did not move it, the attacker
 * programs that image back and tries again, for ever. That holds for any attempt left unburned: the first of a
 * streak, those under a threshold, or the right PIN's (the device cannot know which an attempt is before it
 * checks). Burning only after a check said "wrong" fails too: the burn (or its absence) shows on the supply
 * before it completes, so the attacker cuts power, programs the image back and has his answer for free. So the
 * budget saves on everything else: no bit on a success (the reset of the count only loosens, so its rollback
 * only tightens), a signature, a bind attempt, a binding code, or any write its caller marks as only loosening
 * (VaultRecords.set `loosens`: a verification code's answer after its counted attempt, guard/codes.ts). When the
 * counter is spent (`spent`), PIN attempts are refused (vault.ts): the limit then holds by refusing, and the
 * owner moves the wallet with the recovery words (README: the eFuse budget).
 * A counter of capacity 0 (a board without one) is no counter: the head chains records but tells no older image.
 *
 * Layout: version 2 | generation (u32) | PIN failures (low nibble), guesses - failures (high nibble) | digest (32) | MAC (32)
 * `guesses` counts what could have been a guess at the real PIN since the real PIN last opened the vault: wrong
 * PINs, and PIN changes made with the duress PIN (vault.ts). The duress PIN resets `failures` like the real PIN
 * (what the screen shows), never `guesses`: otherwise whoever knows only the duress PIN could try the real PIN
 * for ever, one wrong PIN and one duress unlock at a time. `guesses` is never below `failures`, and the nibble holds
 * the difference: without duress-mode activity it is 0, so the byte is the one firmware before it wrote and reads
 * (heads written before it hold failures <= 10 there: their high nibble reads as 0).
 * Version 1 (firmware before the event log's acknowledgement record) committed to V1_KEYS: it is still accepted
 * once, checked against those, and rewritten as version 2 with a counter bit burned (so it cannot be put back).
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, constantTimeEqual, utf8Encode } from '../bytes.js';
import type { MonotonicCounterPort } from '../ports.js';
import type { RecordLog } from '../storage/record-log.js';
import { commitBatch, type BatchEntry } from './journal.js';
import { RecordKey } from './records.js';

const VERSION = 2;
const BODY_SIZE = 1 + 4 + 1 + 32;
export const HEAD_SIZE = BODY_SIZE + 32;

/** what a version 1 head committed to */
const V1_KEYS: readonly number[] = [
  RecordKey.bindingCode, RecordKey.appKey, RecordKey.pin, RecordKey.bindFailures, RecordKey.preferences, RecordKey.freeze,
  RecordKey.otpSecret, RecordKey.otpState, RecordKey.policy, RecordKey.pendingChanges, RecordKey.spendLedger,
];

/**
 * The records the head commits to: retiring or replacing any of them is noticed. The event log's acknowledgement
 * and mark (issue 18) are: plaintext, a clip that forged a higher acknowledgement, or retired it, would let the
 * ring overwrite security events the owner's app never read, or hide how many were lost; the mark keeps the
 * newest security event from being cut off the ring's end (guard/event-log.ts).
 */
export const COVERED_KEYS: readonly number[] = [...V1_KEYS, RecordKey.eventsAcked, RecordKey.eventsMark];

/**
 * Covered records added after the version 2 head: the digest takes each only while it exists, so a head written
 * before them (when none existed) still verifies, and one written since notices it retired, replaced or put back.
 * The stored passphrase (issue 23): putting back one the owner forgot would reopen a wallet they closed. The duress
 * PIN and its decoy (issue 23; filler while none is set, so always present since): putting back the filler, another
 * device's pair or none would take the owner's duress PIN away silently, found out only when it is needed. The
 * kept duress alarm (guard/event-log.ts): retired or put back older, it would take the alarm, or the count of what
 * the decoy signed, from the owner, or stretch the decoy's acknowledgement over events the owner never read.
 */
export const COVERED_WHEN_PRESENT: readonly number[] = [RecordKey.passphrase, RecordKey.duressPin, RecordKey.decoy, RecordKey.duressAlarm];

/**
 * Covered records whose every write burns a counter bit, because an older version would loosen a guard: a new PIN
 * (the old one may be known), the bound app, the freeze, codes and their counter, the policy, pending changes (a
 * cancel), the preferences (blind signing). Not the spend ledger (each signature; the app pins the event log),
 * the binding failures, or the binding code (rotated often, and an old code is no one's to know).
 */
export const BUMPING_KEYS: ReadonlySet<number> = new Set([
  RecordKey.appKey, RecordKey.pin, RecordKey.preferences, RecordKey.freeze, RecordKey.otpSecret, RecordKey.otpState,
  RecordKey.policy, RecordKey.pendingChanges,
  // a kept passphrase: an older image would bring back one the owner had the device forget, to a PIN holder
  RecordKey.passphrase,
  // the duress PIN: an older image would take away the one the owner set (vault-duress.ts writes them with a bump)
  RecordKey.duressPin, RecordKey.decoy,
]);

const COVERED = new Set([...COVERED_KEYS, ...COVERED_WHEN_PRESENT]);

export function isCovered(key: number): boolean {
  return COVERED.has(key);
}

export type HeadCheck = { ok: true; finishedBump: boolean; migrated: boolean } | { ok: false; why: string };

interface HeadState {
  generation: number;
  failures: number;
  guesses: number;
}

export class VaultHead {
  private state: HeadState | undefined;
  /** a bump was due but the counter had no bits left (README: what then) */
  exhausted = false;
  private readonly counter: MonotonicCounterPort | undefined;

  constructor(
    private readonly log: RecordLog,
    private readonly journalKey: number,
    counter: MonotonicCounterPort | undefined,
    /** the device key, once the identity is loaded */
    private readonly deviceKey: () => Uint8Array | undefined,
  ) {
    this.counter = counter && counter.capacity > 0 ? counter : undefined;
  }

  /** Whether a rollback counter stands behind the head (a board with capacity 0 has none). */
  get counted(): boolean {
    return this.counter !== undefined;
  }

  /** Bits left to burn (Infinity without a counter: nothing to run out). */
  get remaining(): number {
    return this.counter ? Math.max(0, this.counter.capacity - this.counter.read()) : Infinity;
  }

  /** Every bit is burned: a PIN attempt can no longer be counted where a flash clip cannot undo it. */
  get spent(): boolean {
    return this.remaining === 0;
  }

  get failures(): number {
    return this.state?.failures ?? 0;
  }

  /** Possible guesses at the real PIN since it last opened the vault (the layout above). */
  get guesses(): number {
    return this.state?.guesses ?? 0;
  }

  get generation(): number {
    return this.state?.generation ?? 0;
  }

  /** After a wipe: no head until the next covered write. */
  forget(): void {
    this.state = undefined;
  }

  /** Check the head against the records and the counter (after the journal was replayed). */
  verify(): HeadCheck {
    this.state = undefined;
    const raw = this.log.get(RecordKey.head);
    if (!raw) {
      // a seed alone is a setup cut before its PIN record (the vault drops it): not a guarded record
      if (!COVERED_KEYS.some((k) => this.log.has(k))) return { ok: true, finishedBump: false, migrated: false };
      if (!this.deviceKey()) return { ok: false, why: 'guarded records exist but the device identity does not' };
      if (this.counter && this.counter.read() > 0) return { ok: false, why: 'the vault head is missing while guarded records exist' };
      // Firmware from before the head: its failure count was a record of its own. Taken over once (this burns a bit).
      const legacy = this.log.get(RecordKey.pinFailures)?.[0] ?? 0;
      this.commit(this.log.has(RecordKey.pinFailures) ? [{ key: RecordKey.pinFailures }] : [], { bump: true, failures: legacy });
      return { ok: true, finishedBump: false, migrated: true };
    }
    const key = this.deviceKey();
    if (!key) return { ok: false, why: 'the vault head exists but the device identity does not' };
    if (raw.length !== HEAD_SIZE || (raw[0] !== VERSION && raw[0] !== 1)) return { ok: false, why: `the vault head has an unknown format (${raw.length} bytes)` };
    const body = raw.subarray(0, BODY_SIZE);
    if (!constantTimeEqual(mac(key, body), raw.subarray(BODY_SIZE))) return { ok: false, why: 'the vault head was not written by this device' };
    const generation = ((raw[1] << 24) | (raw[2] << 16) | (raw[3] << 8) | raw[4]) >>> 0;
    let finishedBump = false;
    if (this.counter) {
      const c = this.counter.read();
      if (generation === c + 1) {
        if (!this.counter.increment()) return { ok: false, why: 'the vault head is ahead of a spent counter' };
        finishedBump = true;
      } else if (generation !== c) {
        return { ok: false, why: `the storage is an older image (generation ${generation}, counter ${c})` };
      }
    }
    const v1 = raw[0] === 1;
    if (!constantTimeEqual(this.digest([], v1 ? V1_KEYS : COVERED_KEYS), raw.subarray(6, 38))) return { ok: false, why: 'a guarded record was removed, replaced or put back' };
    this.state = { generation, failures: raw[5] & 0x0f, guesses: (raw[5] & 0x0f) + (raw[5] >>> 4) };
    if (!v1) return { ok: true, finishedBump, migrated: false };
    // A version 1 head (firmware before the acknowledgement record, which therefore never wrote one): rewritten
    // as version 2, a bit burned so the old head is an older image from now on. An acknowledgement or mark record
    // beside a version 1 head was not written by firmware: dropped (the app's events are then read again).
    this.commit([RecordKey.eventsAcked, RecordKey.eventsMark].filter((k) => this.log.has(k)).map((key) => ({ key })), { bump: true });
    return { ok: true, finishedBump, migrated: true };
  }

  /**
   * Write `entries` and the head that commits to them as one atomic batch; with `bump`, the head takes the next
   * generation and the counter's bit is burned after it is written (boot finishes a bump cut in between).
   */
  commit(entries: BatchEntry[], options: { bump: boolean; failures?: number; guesses?: number }): void {
    const key = this.deviceKey();
    if (!key) throw new Error('the vault head needs the device identity');
    let generation = this.state?.generation ?? this.counter?.read() ?? 0;
    let burn = this.counter !== undefined && (options.bump || this.state === undefined);
    if (burn && this.counter!.read() >= this.counter!.capacity) {
      burn = false; // every bit is spent: the head still chains the records, but an older image is no longer told
      this.exhausted = true;
    }
    if (burn) generation = this.counter!.read() + 1;
    const failures = Math.min(15, options.failures ?? this.failures);
    const guesses = Math.max(failures, Math.min(failures + 15, options.guesses ?? this.guesses));
    const body = new Uint8Array(BODY_SIZE);
    body[0] = VERSION;
    body.set([generation >>> 24, (generation >>> 16) & 0xff, (generation >>> 8) & 0xff, generation & 0xff], 1);
    body[5] = failures | ((guesses - failures) << 4);
    body.set(this.digest(entries), 6);
    const head = concatBytes(body, mac(key, body));
    if (entries.length === 0) this.log.set(RecordKey.head, head);
    else commitBatch(this.log, this.journalKey, [...entries, { key: RecordKey.head, value: head }]);
    this.state = { generation, failures, guesses };
    if (burn && !this.counter!.increment()) this.exhausted = true;
  }

  /** SHA-256 over every covered record as it will stand once `entries` are written. */
  private digest(entries: BatchEntry[], keys: readonly number[] = COVERED_KEYS): Uint8Array {
    const h = sha256.create();
    for (const k of keys) {
      const e = entries.find((x) => x.key === k);
      const value = e ? e.value : this.log.get(k);
      h.update(Uint8Array.of(k >> 8, k & 0xff, value ? 1 : 0, value ? value.length >> 8 : 0, value ? value.length & 0xff : 0));
      if (value) h.update(value);
    }
    if (keys !== V1_KEYS) {
      for (const k of COVERED_WHEN_PRESENT) {
        const e = entries.find((x) => x.key === k);
        const value = e ? e.value : this.log.get(k);
        if (!value) continue;
        h.update(Uint8Array.of(k >> 8, k & 0xff, 2, value.length >> 8, value.length & 0xff));
        h.update(value);
      }
    }
    return h.digest();
  }
}

function mac(deviceKey: Uint8Array, body: Uint8Array): Uint8Array {
  return hmac(sha256, deviceKey, concatBytes(utf8Encode('latch/v2/vault-head'), body));
}
