/**
 * The duress alarm kept apart from the event ring (issue 23; event-log.ts uses it): RecordKey.duressAlarm, sealed
 * under the device key and covered by the vault head, holds the newest `duress-pin-entered` event (its bytes and the
 * chain hash before it), the acknowledgement of the app bound in duress mode, and a count of the security events
 * (the signatures among them) the ring overwrote before the owner's app acknowledged them.
 *
 * Why: in duress mode the decoy's app must acknowledge what it reads as any app does, or the ring fills with
 * events it cannot free and the decoy refuses to sign (`events-unread`) where no device would; but the owner's
 * alarm must never be lost. Kept here, the alarm no longer holds the ring, and what the decoy's app read frees it;
 * what goes unseen by the owner is counted before it goes. The owner's app gets it all signed with the event key
 * (keptAlarmMessage, a domain of its own) and checks it with the key it pinned (event-verify.ts verifyKeptAlarm).
 */
import { ed25519 } from '../crypto/curve25519.js';
import { wipe } from '../bytes.js';
import { decodeCbor, encodeCbor } from '../protocol/cbor.js';
import { chainHash, decodeEvent, keptAlarmMessage, SECURITY_KINDS, type KeptAlarm, type LatchEvent } from './event-format.js';
import { RecordKey, type VaultRecords } from '../vault/records.js';

interface Kept {
  seq: number;
  bytes: Uint8Array;
  prev: Uint8Array;
  /** the last seq the app bound in duress mode acknowledged (the alarm's own seq until it does) */
  decoyAcked: number;
  /** the newest overwritten event already counted (a power cut between the count and the overwrite counts once) */
  countedTo: number;
  securityUnseen: number;
  signedUnseen: number;
}

export class KeptDuressAlarm {
  private kept: Kept | undefined;

  constructor(
    private readonly records: VaultRecords,
    private readonly keys: { deviceId(): Uint8Array; signingSeed(): Uint8Array },
  ) {}

  /** Read the record (damaged or absent: none kept, the alarm is then only what the ring still holds). */
  load(): void {
    this.kept = undefined;
    try {
      const raw = this.records.getSealed(RecordKey.duressAlarm);
      if (!raw) return;
      const [bytes, prev, decoyAcked, countedTo, securityUnseen, signedUnseen] = decodeCbor(raw) as [Uint8Array, Uint8Array, number, number, number, number];
      this.kept = { seq: decodeEvent(bytes).seq, bytes, prev, decoyAcked, countedTo, securityUnseen, signedUnseen };
    } catch {
      this.kept = undefined;
    }
  }

  /** After a wipe: the erase took the record. */
  forget(): void {
    this.kept = undefined;
  }

  /** The kept alarm's seq, if any. */
  get seq(): number | undefined {
    return this.kept?.seq;
  }

  /** The last seq the decoy's app acknowledged, or 0. */
  get decoyAcked(): number {
    return this.kept && this.kept.decoyAcked > this.kept.seq ? this.kept.decoyAcked : 0;
  }

  /** Keep the alarm (a new episode's replaces the last), its own record written. */
  keep(seq: number, bytes: Uint8Array, prev: Uint8Array): void {
    this.kept = { seq, bytes, prev, decoyAcked: seq, countedTo: 0, securityUnseen: 0, signedUnseen: 0 };
    this.save();
  }

  /** The decoy's app acknowledged up to `seq` (after the alarm `alarmSeq`): true when that freed more of the ring. */
  ackDecoy(seq: number, alarmSeq: number): boolean {
    const k = this.kept;
    if (!k || k.seq !== alarmSeq || seq <= k.decoyAcked) return false;
    k.decoyAcked = seq;
    this.save();
    return true;
  }

  /**
   * Whether event `seq` no longer holds the ring for the owner: the kept alarm itself, and, once the decoy's app
   * acknowledged events after it, everything up to there, as on any device whose app read them.
   */
  frees(seq: number): boolean {
    const k = this.kept;
    return k !== undefined && seq <= k.decoyAcked && (seq >= k.seq || k.decoyAcked > k.seq);
  }

  /** Whether the ring overwriting event `seq` must be counted first (read it then, and call `counted`). */
  mustCount(seq: number, ownerAcked: number): boolean {
    const k = this.kept;
    return k !== undefined && seq !== k.seq && seq > ownerAcked && seq > k.countedTo;
  }

  /** Event `e`, about to be overwritten unread by the owner's app: counted if a security event. */
  counted(e: LatchEvent): void {
    const k = this.kept!;
    if (!SECURITY_KINDS.has(e.kind)) return;
    k.countedTo = e.seq;
    k.securityUnseen++;
    if (e.kind === 'signed') k.signedUnseen++;
    this.save();
  }

  /** For the owner's app, while it has something it did not acknowledge: the alarm and the counts, signed. */
  answer(ownerAcked: number): KeptAlarm | undefined {
    const k = this.kept;
    if (!k || (k.seq <= ownerAcked && k.countedTo <= ownerAcked)) return undefined;
    const seed = this.keys.signingSeed();
    try {
      const message = keptAlarmMessage(this.keys.deviceId(), k.seq, chainHash(k.prev, k.bytes), k.securityUnseen, k.signedUnseen);
      return { event: k.bytes, anchor: k.prev, securityUnseen: k.securityUnseen, signedUnseen: k.signedUnseen, signature: ed25519.sign(message, seed) };
    } finally {
      wipe(seed);
    }
  }

  private save(): void {
    const k = this.kept!;
    this.records.setSealed(RecordKey.duressAlarm, encodeCbor([k.bytes, k.prev, k.decoyAcked, k.countedTo, k.securityUnseen, k.signedUnseen]), 'duress alarm');
  }
}
