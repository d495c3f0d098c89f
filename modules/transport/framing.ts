/**
 * Messages over GATT packets. Every ATT packet (RX write or TX notification) carries one header byte:
 *   bit 7 START (first packet of a message) | bit 6 END (last packet) | bits 0-5 sequence (mod 64)
 * followed by up to MTU-4 bytes of the message. A message is `kind(1) || body`, at most MAX_MESSAGE bytes.
 * The sequence starts at 0 with each message and counts up by one per packet, so a lost, repeated or reordered
 * packet is noticed. Works at any MTU from 23 (19 payload bytes per packet) up.
 */
import { LatchError } from '../errors.js';

export const START = 0x80;
export const END = 0x40;
export const SEQ_MASK = 0x3f;
/**
 * 16 KiB: room for a PSBT or typed data of a few inputs and fields, while the reassembly buffers, the decrypted
 * copy and the decoded request stay well inside the signing memory budget. Bigger data is refused clearly.
 */
export const MAX_MESSAGE = 16384;
/**
 * a message in progress is dropped when no packet of it arrives for this long (a slow link at MTU 23 may take
 * longer than this for a whole 16 KiB message; a peer that never finishes is dropped by the link's idle timer)
 */
export const REASSEMBLY_TIMEOUT_MS = 5000;

/** Split `message` into packets for a link with this ATT MTU. */
export function fragment(message: Uint8Array, mtu: number): Uint8Array[] {
  if (message.length === 0) throw new LatchError('frame-empty', 'a message has at least its kind byte');
  if (message.length > MAX_MESSAGE) throw new LatchError('frame-too-large', `a message is at most ${MAX_MESSAGE} bytes, not ${message.length}`);
  const room = mtu - 3 - 1; // ATT header is 3 bytes, ours 1
  if (!Number.isInteger(mtu) || room < 1) throw new LatchError('frame-mtu', `MTU ${mtu} is too small`);
  const packets: Uint8Array[] = [];
  for (let at = 0, seq = 0; at < message.length; at += room, seq++) {
    const chunk = message.subarray(at, Math.min(at + room, message.length));
    const p = new Uint8Array(1 + chunk.length);
    p[0] = (at === 0 ? START : 0) | (at + room >= message.length ? END : 0) | (seq & SEQ_MASK);
    p.set(chunk, 1);
    packets.push(p);
  }
  return packets;
}

export type FrameErrorCode = 'frame-empty' | 'frame-sequence' | 'frame-too-large' | 'frame-timeout' | 'frame-no-start';

export interface ReassemblerEvents {
  message(message: Uint8Array): void;
  /** the partial message was dropped; the reassembler is ready for the next START */
  error(code: FrameErrorCode, message: string): void;
}

/**
 * Rebuilds messages from packets; a broken message is dropped with one error and never delivered in part, and
 * the rest of its packets are skipped quietly until the next START.
 */
export class Reassembler {
  private parts: Uint8Array[] = [];
  private size = 0;
  private nextSeq = 0;
  private startedAt = -1;
  private lastPacketAt = -1;
  /** after a failure mid-message: skip continuation packets without further errors */
  private skipping = false;

  constructor(
    private readonly events: ReassemblerEvents,
    private readonly now: () => number,
    /** the largest message taken now (a function: the link allows less before a session, link-handler.ts) */
    private readonly maxMessage: number | (() => number) = MAX_MESSAGE,
  ) {}

  get busy(): boolean {
    return this.startedAt >= 0;
  }

  push(packet: Uint8Array): void {
    if (packet.length === 0) return this.fail('frame-empty', 'an empty packet carries no header');
    const header = packet[0];
    const seq = header & SEQ_MASK;
    if (header & START) {
      if (this.busy) this.fail('frame-sequence', 'a new message started before the previous one ended; the previous one was dropped');
      this.skipping = false;
      this.startedAt = this.now();
      this.nextSeq = 0;
    } else if (!this.busy) {
      if (this.skipping) return;
      return this.fail('frame-no-start', 'a continuation packet arrived with no message in progress');
    }
    if (seq !== this.nextSeq) return this.fail('frame-sequence', `packet ${seq} arrived where ${this.nextSeq} was expected: a packet was lost or reordered`);
    this.nextSeq = (this.nextSeq + 1) & SEQ_MASK;
    this.lastPacketAt = this.now();
    this.size += packet.length - 1;
    const max = typeof this.maxMessage === 'number' ? this.maxMessage : this.maxMessage();
    if (this.size > max) return this.fail('frame-too-large', `the message exceeds ${max} bytes`);
    this.parts.push(packet.slice(1));
    if (header & END) {
      const out = new Uint8Array(this.size);
      let at = 0;
      for (const p of this.parts) { out.set(p, at); at += p.length; }
      this.reset();
      if (out.length === 0) return this.events.error('frame-empty', 'a message has at least its kind byte');
      this.events.message(out);
    }
  }

  /** Call periodically: a message still incomplete after the timeout is dropped. */
  tick(): void {
    if (this.busy && this.now() - this.lastPacketAt > REASSEMBLY_TIMEOUT_MS) {
      this.fail('frame-timeout', `no packet of the message in progress for ${REASSEMBLY_TIMEOUT_MS / 1000} s: it was dropped`);
    }
  }

  reset(): void {
    for (const p of this.parts) p.fill(0);
    this.parts = [];
    this.size = 0;
    this.nextSeq = 0;
    this.startedAt = -1;
    this.lastPacketAt = -1;
  }

  private fail(code: FrameErrorCode, message: string): void {
    this.reset();
    this.skipping = true;
    this.events.error(code, message);
  }
}
