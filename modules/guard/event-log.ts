/**
 * The event log: every security-relevant thing the device does, recorded by the device, so the owner notices
 * what they did not do. Tamper-evident and power-loss safe.
 *
 *  - Events, the hash chain and the signed head are in event-format.ts. The head is signed with Ed25519 under a
 *    key derived from the chip key and the device id (only this device has it). The app pins the public key,
 *    keeps the last head it verified, and checks that what it receives continues it (event-verify.ts).
 *  - Kept in flash as a ring of EVENT_SLOTS records (record key EVENT_KEY_BASE + seq % EVENT_SLOTS), each sealed
 *    under the device key with its previous hash: one record write per event, so a power cut loses at most the
 *    event being written, never the chain. The oldest are overwritten; the drop is counted (seq - kept).
 *  - Security events (SECURITY_KINDS) are never overwritten before the bound app acknowledged them (events_ack,
 *    kept in RecordKey.eventsAcked): a lesser event that would overwrite one is not written (counted as held), and
 *    signing is refused ('events-unread') while fewer than EVENTS_RESERVE slots are left before the oldest unread
 *    one, so no signature is made that the owner cannot see; the reserve keeps room for the owner's own security
 *    events (a freeze). Bind requests are coalesced before they get here (stranger-tally.ts).
 *  - The newest security event's seq and the chain hash after it are kept in RecordKey.eventsMark, which the vault
 *    head covers: a flash clip that retires the ring's newest records cannot cut an unread security event off
 *    its end. At load a ring that ends before the mark continues from the mark, so the missing events show as
 *    damaged (the app's check fails) instead of the chain closing over them.
 *  - The duress alarm (issue 23) is also kept apart from the ring (kept-alarm.ts), so an app bound in duress mode
 *    acknowledges what it reads as on any device and the decoy signs on like one, while the owner's alarm survives
 *    the ring's wrap, with a count of what the owner's app did not see.
 *  - A factory reset keeps one last event: the head is carried in the wipe marker, and "reset-done" continues
 *    the chain after the erase.
 */
import { ed25519 } from '../crypto/curve25519.js';
import { concatBytes, wipe } from '../bytes.js';
import { LatchError } from '../errors.js';
import { decodeCbor, encodeCbor } from '../protocol/cbor.js';
import {
  chainHash, decodeEvent, eventBytes, GENESIS, headMessage, SECURITY_KINDS, WIPE_KINDS, type EventKind, type EventsAnswer, type LatchEvent, type SignedHead,
} from './event-format.js';
import { decodeMs, encodeMs, type DeviceClock } from '../vault/device-clock.js'; // the vault's u64 codec
import { EVENT_SLOTS, RecordKey, type VaultRecords } from '../vault/records.js';
import { StrangerTally } from './stranger-tally.js';
import { KeptDuressAlarm } from './kept-alarm.js';

export { EVENT_SLOTS };
export type { EventKind, EventsAnswer, LatchEvent, SignedHead };
const EVENT_KEY_BASE = RecordKey.eventsFirst;
/** slots kept for the owner's security events once signing is refused for unread ones */
export const EVENTS_RESERVE = 8;

/** The head as carried across a wipe in the wipe marker: seq (u64) || hash (32). */
export function encodeCarry(head: { seq: number; hash: Uint8Array }): Uint8Array {
  return concatBytes(encodeMs(head.seq), head.hash);
}

export function decodeCarry(carried: Uint8Array | undefined): { seq: number; hash: Uint8Array } | undefined {
  if (!carried || carried.length !== 40) return undefined;
  return { seq: decodeMs(carried), hash: carried.slice(8) };
}

/** An event's bytes at most: 64 of them fit a quarter of the 64 KiB vault, whatever a transaction holds. */
export const MAX_EVENT_BYTES = 320;

/**
 * Details cut to fit: text to 66 characters (a taproot address is 62), lists to 3 items and a count of the
 * rest, maps 3 deep; if that is still too long, only the top level's numbers and short text are kept.
 */
export function boundDetails(details: Record<string, unknown>): Record<string, unknown> {
  const cut = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return v.length > 66 ? `${v.slice(0, 63)}...` : v;
    if (typeof v === 'bigint') return v.toString();
    if (typeof v !== 'object' || v === null || v instanceof Uint8Array) return v;
    if (depth >= 3) return '...';
    if (Array.isArray(v)) {
      const kept = v.slice(0, 3).map((x) => cut(x, depth + 1));
      return v.length > 3 ? [...kept, `+${v.length - 3} more`] : kept;
    }
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = cut((v as Record<string, unknown>)[k], depth + 1);
    return out;
  };
  const bounded = cut(details, 0) as Record<string, unknown>;
  if (encodeCbor(bounded).length <= MAX_EVENT_BYTES - 32) return bounded;
  const flat: Record<string, unknown> = { cut: true };
  for (const k of Object.keys(bounded)) {
    const v = bounded[k];
    if (typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && v.length <= 24)) flat[k] = v;
  }
  return encodeCbor(flat).length <= MAX_EVENT_BYTES - 32 ? flat : { cut: true };
}

interface Slot {
  event: LatchEvent;
  bytes: Uint8Array;
  prev: Uint8Array;
}

export interface EventLogKeys {
  /** the device id (16 bytes), made on first use */
  deviceId(): Uint8Array;
  /** the Ed25519 secret key for heads (a copy the caller wipes) */
  signingSeed(): Uint8Array;
}

export class EventLog {
  private headSeq = 0;
  private headHash: Uint8Array = GENESIS;
  /** the first event this log holds since a wipe (the wipe's own event), or 1 */
  private startSeq = 1;
  private loaded = false;
  /** the last seq the bound app acknowledged, and security events lost unread (RecordKey.eventsAcked) */
  private acked = 0;
  private lostUnread = 0;
  /** the oldest security event after `acked` still in the ring, or undefined */
  private firstUnread: number | undefined;
  /** lesser events not written since boot (they would have overwritten unread security events) */
  private held = 0;
  private readonly tally = new StrangerTally();
  private readonly kept: KeptDuressAlarm;

  constructor(
    private readonly records: VaultRecords,
    private readonly clock: DeviceClock,
    private readonly keys: EventLogKeys,
    /** a new event: the session pushes it live, with the signed head (signed only if asked: it costs) */
    private readonly onEvent: (bytes: Uint8Array, head: () => SignedHead) => void = () => {},
  ) {
    this.kept = new KeptDuressAlarm(records, keys);
  }

  /** Find the head among the ring's records (after the vault is open). */
  load(): void {
    this.headSeq = 0;
    this.headHash = GENESIS;
    this.startSeq = 1;
    for (let slot = 0; slot < EVENT_SLOTS; slot++) {
      const s = this.readSlot(EVENT_KEY_BASE + slot);
      if (!s) continue;
      if (s.event.seq > this.headSeq) {
        this.headSeq = s.event.seq;
        this.headHash = chainHash(s.prev, s.bytes);
      }
      if (WIPE_KINDS.has(s.event.kind) && s.event.seq > this.startSeq) this.startSeq = s.event.seq;
    }
    const mark = this.records.get(RecordKey.eventsMark);
    if (mark?.length === 40 && decodeMs(mark) > this.headSeq) {
      this.headSeq = decodeMs(mark);
      this.headHash = mark.slice(8);
    }
    const ack = this.records.get(RecordKey.eventsAcked);
    this.acked = ack?.length === 12 ? Math.min(decodeMs(ack), this.headSeq) : 0;
    this.lostUnread = ack?.length === 12 ? ((ack[8] << 24) | (ack[9] << 16) | (ack[10] << 8) | ack[11]) >>> 0 : 0;
    this.kept.load();
    this.loaded = true;
    this.findFirstUnread();
  }

  /** Slots left before the next write would overwrite an unread security event (Infinity: none unread). */
  get unreadRoom(): number {
    this.ensure();
    return this.firstUnread === undefined ? Infinity : this.firstUnread + EVENT_SLOTS - this.headSeq - 1;
  }

  /** Why a signature must wait for the app to read the log, if it must. */
  mustReadFirst(): string | undefined {
    const room = this.unreadRoom;
    if (room > EVENTS_RESERVE) return undefined;
    return `the event log is nearly full of security events the app has not read (${this.headSeq - this.acked} unread): read the log (latch events) so the device can go on signing`;
  }

  /** The bound app has read and kept every event up to `seq` (events_ack). */
  ack(seq: number): number {
    this.ensure();
    if (!Number.isSafeInteger(seq) || seq < 0 || seq > this.headSeq) throw new LatchError('bad-message', `events up to ${seq} cannot be acknowledged: the newest is ${this.headSeq}`);
    if (seq > this.acked) {
      this.acked = seq;
      this.saveAck();
      this.findFirstUnread();
    }
    return this.acked;
  }

  /**
   * The app bound in duress mode has read every event up to `seq` (events_ack there). `alarmSeq` is the alarm it
   * reads after (app/history.ts lastDuressSeq). Kept in the alarm's record, never the owner's acknowledgement; it
   * frees the ring from the alarm on, once the alarm is kept apart (kept now if a power cut stopped that at the
   * alarm). Without a kept alarm nothing is kept, and the answer is the one any device gives.
   */
  ackDecoy(seq: number, alarmSeq: number): number {
    this.ensure();
    if (!Number.isSafeInteger(seq) || seq < 0 || seq > this.headSeq) throw new LatchError('bad-message', `events up to ${seq} cannot be acknowledged: the newest is ${this.headSeq}`);
    if ((this.kept.seq ?? 0) < alarmSeq) {
      const s = this.readSlot(EVENT_KEY_BASE + (alarmSeq % EVENT_SLOTS));
      if (!s || s.event.seq !== alarmSeq || s.event.kind !== 'duress-pin-entered') return seq;
      this.keepAlarm(s.event.seq, s.bytes, s.prev);
    }
    if (this.kept.seq !== alarmSeq) return seq;
    if (this.kept.ackDecoy(seq, alarmSeq)) this.findFirstUnread();
    return Math.max(seq, this.kept.decoyAcked);
  }

  /** The last seq the app bound in duress mode acknowledged, or 0. */
  get decoyAcked(): number {
    this.ensure();
    return this.kept.decoyAcked;
  }

  /** The seq of the duress alarm kept apart from the ring, if any. */
  get keptAlarmSeq(): number | undefined {
    this.ensure();
    return this.kept.seq;
  }

  get head(): { seq: number; hash: Uint8Array } {
    this.ensure();
    return { seq: this.headSeq, hash: this.headHash };
  }

  /** Record an event: one sealed record write (read back), then the live push. A flash failure throws (the
   * caller's flow stops with it: nothing happens unrecorded). */
  record(kind: EventKind, details: Record<string, unknown> = {}): LatchEvent | undefined {
    this.ensure();
    this.writeTally(true);
    const security = SECURITY_KINDS.has(kind);
    if (this.unreadRoom <= 0) {
      if (!security) {
        this.held++;
        return undefined;
      }
      // The owner's own security event (a freeze) after ignoring every refusal: it is written, and the loss said.
      this.lostUnread++;
      this.saveAck();
    }
    const event: LatchEvent = { seq: this.headSeq + 1, at: Math.floor(this.clock.now()), kind, details: boundDetails(details) };
    const bytes = eventBytes(event);
    const prev = this.headHash;
    const value = encodeCbor([bytes, prev]);
    this.countOverwritten(event.seq - EVENT_SLOTS);
    this.records.setSealed(EVENT_KEY_BASE + (event.seq % EVENT_SLOTS), value, 'event');
    this.headHash = chainHash(this.headHash, bytes);
    this.headSeq = event.seq;
    if (this.unreadRoom < 0) this.findFirstUnread();
    if (security && this.firstUnread === undefined) this.firstUnread = event.seq;
    // (not the wipe's own event: the erase took the head, and a reset is announced by the new device id anyway)
    if (security && !WIPE_KINDS.has(kind)) this.records.set(RecordKey.eventsMark, concatBytes(encodeMs(event.seq), this.headHash), 'event mark');
    // after the ring's record and the mark: a power cut before this leaves the alarm in the ring, unread (ackDecoy)
    if (kind === 'duress-pin-entered') this.keepAlarm(event.seq, bytes, prev);
    this.onEvent(bytes, () => this.signHead());
    return event;
  }

  /** A bind request (anyone can send one): counted, and written coalesced (stranger-tally.ts). */
  noteBindRequest(app: string, refused?: string): void {
    this.tally.note(Math.floor(this.clock.now()), app, refused);
  }

  /** Write the bind requests' tally if one is due (the device's tick), or now (`force`: another event follows). */
  writeTally(force = false): void {
    const t = this.tally.take(Math.floor(this.clock.now()), force);
    if (t) this.record('bind-requested', { ...t });
  }

  /** Events with seq >= `since` (at most `limit`, oldest first), the anchor before them and the signed head. */
  since(since: number, limit = EVENT_SLOTS): EventsAnswer {
    this.ensure();
    const oldest = this.oldest();
    const first = Math.max(since, oldest, 1);
    const last = Math.min(this.headSeq, first + limit - 1);
    const events: Uint8Array[] = [];
    const damaged: number[] = [];
    let anchor: Uint8Array | undefined = first === 1 ? GENESIS : undefined;
    for (let seq = first; seq <= last; seq++) {
      const s = this.readSlot(EVENT_KEY_BASE + (seq % EVENT_SLOTS));
      if (!s || s.event.seq !== seq) { damaged.push(seq); continue; }
      if (anchor === undefined && events.length === 0) anchor = s.prev;
      events.push(s.bytes);
    }
    const head = last === this.headSeq ? this.signHead() : this.signAt(last);
    if (events.length === 0 && damaged.length === 0) anchor = head.hash; // nothing new: the head is the anchor
    const alarm = this.kept.answer(this.acked);
    return {
      events, anchor: anchor ?? GENESIS, head, key: this.publicKey(), dropped: oldest - 1, damaged, more: last < this.headSeq,
      acked: this.acked, lostUnread: this.lostUnread, held: this.held, ...(alarm ? { alarm } : {}),
    };
  }

  /** the oldest event the ring still holds */
  get oldestKept(): number {
    this.ensure();
    return this.oldest();
  }

  /** The newest events after skipping `skip` of them, newest first (the History screen's pages). */
  latest(count: number, skip = 0): LatchEvent[] {
    this.ensure();
    const out: LatchEvent[] = [];
    for (let seq = this.headSeq - skip; seq >= this.oldest() && out.length < count; seq--) {
      const s = this.readSlot(EVENT_KEY_BASE + (seq % EVENT_SLOTS));
      if (s && s.event.seq === seq) out.push(s.event);
    }
    return out;
  }

  publicKey(): Uint8Array {
    const seed = this.keys.signingSeed();
    try {
      return ed25519.getPublicKey(seed);
    } finally {
      wipe(seed);
    }
  }

  /** After a wipe erased everything: continue the chain from `carried` with one event saying so ("reset-done", or
   * "wiped" after too many wrong PINs). */
  continueAfterReset(carried: { seq: number; hash: Uint8Array } | undefined, kind: 'reset-done' | 'wiped', details: Record<string, unknown>): void {
    this.headSeq = carried?.seq ?? 0;
    this.headHash = carried?.hash ?? GENESIS;
    this.startSeq = this.headSeq + 1;
    this.loaded = true;
    this.acked = this.headSeq; // the erase took the ack record: what came before is gone anyway
    this.lostUnread = 0;
    this.firstUnread = undefined;
    this.kept.forget(); // the erase took it too
    this.record(kind, { ...details, ...(carried ? { erasedEvents: carried.seq } : {}) });
  }

  private saveAck(): void {
    const lost = this.lostUnread;
    this.records.set(RecordKey.eventsAcked, concatBytes(encodeMs(this.acked), Uint8Array.of(lost >>> 24, (lost >>> 16) & 0xff, (lost >>> 8) & 0xff, lost & 0xff)), 'event acknowledgement');
  }

  /** The alarm kept apart from the ring, with what the decoy's app read after it, and its own record written. */
  private keepAlarm(seq: number, bytes: Uint8Array, prev: Uint8Array): void {
    this.kept.keep(seq, bytes, prev);
    this.findFirstUnread();
  }

  /** Before the ring overwrites event `seq`: a security event the owner's app has not acknowledged (which only the
   * decoy's acknowledgement lets the ring overwrite) is counted first (a power cut between counts it once: `countedTo`). */
  private countOverwritten(seq: number): void {
    if (!this.kept.mustCount(seq, this.acked)) return;
    const s = this.readSlot(EVENT_KEY_BASE + (seq % EVENT_SLOTS));
    if (s && s.event.seq === seq) this.kept.counted(s.event);
  }

  /**
   * The oldest unread security event the ring holds (a scan of at most EVENT_SLOTS records). The kept alarm does
   * not hold the ring (it is kept apart), nor, once the decoy's app acknowledged events after it, anything up to
   * there: as on any device whose app read them (those the owner's app had not read are counted: countOverwritten).
   */
  private findFirstUnread(): void {
    this.firstUnread = undefined;
    for (let seq = Math.max(this.acked + 1, this.oldest()); seq <= this.headSeq; seq++) {
      if (this.kept.frees(seq)) continue;
      const s = this.readSlot(EVENT_KEY_BASE + (seq % EVENT_SLOTS));
      if (s && s.event.seq === seq && SECURITY_KINDS.has(s.event.kind)) {
        this.firstUnread = seq;
        return;
      }
    }
  }

  /** the oldest event the ring still holds: the newest EVENT_SLOTS, none from before the last wipe */
  private oldest(): number {
    return Math.max(1, this.startSeq, this.headSeq - EVENT_SLOTS + 1);
  }

  private signHead(): SignedHead {
    return { seq: this.headSeq, hash: this.headHash, signature: this.sign(this.headSeq, this.headHash) };
  }

  /** A head at `seq` below the newest (a reply cut short by `limit`): its hash from the next event's record. */
  private signAt(seq: number): SignedHead {
    const next = this.readSlot(EVENT_KEY_BASE + ((seq + 1) % EVENT_SLOTS));
    if (!next || next.event.seq !== seq + 1) throw new LatchError('record-damaged', `event ${seq + 1} does not open`);
    return { seq, hash: next.prev, signature: this.sign(seq, next.prev) };
  }

  private sign(seq: number, hash: Uint8Array): Uint8Array {
    const seed = this.keys.signingSeed();
    try {
      return ed25519.sign(headMessage(this.keys.deviceId(), seq, hash), seed);
    } finally {
      wipe(seed);
    }
  }

  private ensure(): void {
    if (!this.loaded) this.load();
  }

  private readSlot(key: number): Slot | undefined {
    let raw: Uint8Array | undefined;
    try {
      raw = this.records.getSealed(key);
    } catch {
      return undefined; // damaged: reported by since() as a gap
    }
    if (!raw) return undefined;
    try {
      const [bytes, prev] = decodeCbor(raw) as [Uint8Array, Uint8Array];
      return { event: decodeEvent(bytes), bytes, prev };
    } catch {
      return undefined;
    }
  }
}
