/**
 * The app's check of what the device says it did (event-format.ts has the format). Portable: the app-side client
 * runs it on Node, the tests on both engines.
 *
 * A reply to `events_since` holds: the events' exact bytes (oldest first), the chain hash just before the first
 * (the anchor), the head (seq, hash) signed by the device's event key, the key, and what the ring no longer holds.
 * It holds when:
 *  - the key is the one the app pinned for this device (first reply: pinned now, inside a session that is itself
 *    authenticated by the binding);
 *  - the head's Ed25519 signature verifies over the device id, seq and hash;
 *  - the events are consecutive, start where they should, and hash from the anchor to the signed head (so none
 *    was altered, reordered, removed or added: the signature covers them all through the chain);
 *  - the log continues the last head this app verified: the same hash at that seq, and not shorter (a flash
 *    image rolled back, or a truncated log, ends before it).
 * Events the ring overwrote before the app saw them are a warning, not a failure: the chain is checked from what
 * is left, and the count says how many went unseen.
 */
import { ed25519 } from '../crypto/curve25519.js';
import { constantTimeEqual, toHex } from '../bytes.js';
import { EVENT_SLOTS } from '../vault/records.js';
import { chainHash, decodeEvent, GENESIS, WIPE_KINDS, headMessage, keptAlarmMessage, type EventsAnswer, type KeptAlarm, type LatchEvent } from './event-format.js';

export interface KnownHead {
  seq: number;
  hash: Uint8Array;
}

export interface VerifyOptions {
  /** the device id (16 bytes) the head is signed for */
  deviceId: Uint8Array;
  /** the `since` the app asked for */
  since: number;
  /** the event key pinned for this device; absent on the first reply (then this reply's key is pinned) */
  key?: Uint8Array;
  /** the last head this app verified */
  last?: KnownHead;
}

export interface EventsCheck {
  /** every check held */
  ok: boolean;
  /** what failed, in words (empty when ok) */
  problems: string[];
  /** the events, decoded, oldest first (whatever their check: show them with the problems) */
  events: LatchEvent[];
  /** the head this reply proves (store it as the last head only when ok) */
  head: KnownHead;
  /** the key to pin */
  key: Uint8Array;
  /** events between the last head seen and the oldest still kept: overwritten in the ring before this app saw them */
  unseenOverwritten: number;
}

export function verifyEvents(answer: EventsAnswer, o: VerifyOptions): EventsCheck {
  const problems: string[] = [];
  const head = { seq: answer.head.seq, hash: answer.head.hash };
  if (o.key && !constantTimeEqual(o.key, answer.key)) {
    problems.push(`the event key ${toHex(answer.key).slice(0, 16)}... is not the one pinned for this device: the log is not this device's`);
  }
  let signed = false;
  try {
    signed = ed25519.verify(answer.head.signature, headMessage(o.deviceId, head.seq, head.hash), answer.key);
  } catch {
    signed = false;
  }
  if (!signed) problems.push(`the signature on the log's head (event ${head.seq}) does not verify: the reply was altered or is not from this device`);
  if (answer.damaged.length > 0) {
    problems.push(`the device could not open event${answer.damaged.length > 1 ? 's' : ''} ${answer.damaged.join(', ')} (damaged flash): the chain cannot be checked across ${answer.damaged.length > 1 ? 'them' : 'it'}`);
  }

  // The chain, from the anchor to the signed head.
  const first = Math.max(o.since, answer.dropped + 1, 1);
  if (first === 1 && !constantTimeEqual(answer.anchor, GENESIS)) problems.push('the log does not start from the beginning of the chain');
  const events: LatchEvent[] = [];
  const hashAt = new Map<number, Uint8Array>([[first - 1, answer.anchor]]);
  let hash = answer.anchor;
  let seq = first - 1;
  let broken = false;
  for (const bytes of answer.events) {
    let event: LatchEvent;
    try {
      event = decodeEvent(bytes);
    } catch (err) {
      problems.push(`event ${seq + 1} is not a well-formed event: ${(err as Error).message}`);
      broken = true;
      break;
    }
    events.push(event);
    if (event.seq !== seq + 1) {
      problems.push(event.seq > seq + 1 ? `events ${seq + 1} to ${event.seq - 1} are missing from the reply` : `event ${event.seq} is out of order (expected ${seq + 1})`);
      broken = true;
      break;
    }
    hash = chainHash(hash, bytes);
    seq = event.seq;
    hashAt.set(seq, hash);
  }
  if (!broken) {
    if (seq !== head.seq) problems.push(`the events end at ${seq} but the signed head is event ${head.seq}: the reply was cut short or padded`);
    else if (!constantTimeEqual(hash, head.hash)) problems.push('the events do not hash to the signed head: an event was altered, replaced or reordered');
  }

  // Continuity with what this app saw before.
  let unseenOverwritten = 0;
  if (o.last) {
    if (head.seq < o.last.seq) {
      // A flash clip programming back an older image (issue 17) lands here: the spend ledger may be older too.
      problems.push(`the device's storage was rolled back: its log ends at event ${head.seq}, before event ${o.last.seq} that this app already saw (an older flash image programmed back, or a truncated log); do not trust its spending limits until it is reset`);
    } else {
      const then = hashAt.get(o.last.seq) ?? (o.last.seq === head.seq ? head.hash : undefined);
      if (then) {
        if (!constantTimeEqual(then, o.last.hash)) problems.push(`the device's storage was rolled back or rewritten: the log no longer holds the event ${o.last.seq} this app saw`);
      } else if (o.last.seq < first - 1) {
        // Only a full ring, or a wipe (its event comes first), drops what the app has not seen: the count is not
        // signed, so a reply that claims a drop the ring cannot have made is hiding events.
        const wipedFirst = events.length > 0 && WIPE_KINDS.has(events[0].kind);
        if (head.seq - first + 1 < EVENT_SLOTS && !wipedFirst) {
          problems.push(`the reply says events ${o.last.seq + 1} to ${first - 1} are gone, but the device's ring keeps the newest ${EVENT_SLOTS}: events were withheld`);
        } else {
          unseenOverwritten = first - 1 - o.last.seq;
        }
      } else if (!broken) {
        problems.push(`the reply does not reach back to event ${o.last.seq}, the last this app saw: ask from ${o.last.seq + 1}`);
      }
    }
  }
  return { ok: problems.length === 0, problems, events, head, key: answer.key, unseenOverwritten };
}

export interface KeptAlarmCheck {
  ok: boolean;
  problems: string[];
  /** the alarm, decoded (undefined when it is not one) */
  event?: LatchEvent;
  /** security events (the signatures among them) the ring overwrote before the owner's app acknowledged them */
  securityUnseen: number;
  signedUnseen: number;
}

/**
 * The duress alarm kept apart from the ring (event-log.ts): it holds when the device's event key signed it with
 * the count (keptAlarmMessage), the key is the pinned one, and the event is a duress alarm at the seq it claims.
 * Where the ring still holds the alarm too, the app checks it there; here it learns of one the ring overwrote.
 */
export function verifyKeptAlarm(kept: KeptAlarm | undefined, o: { deviceId: Uint8Array; key: Uint8Array }): KeptAlarmCheck {
  if (!kept) return { ok: false, problems: ['no kept alarm in the reply'], securityUnseen: 0, signedUnseen: 0 };
  let event: LatchEvent | undefined;
  try {
    event = decodeEvent(kept.event);
  } catch (err) {
    return { ok: false, problems: [`the kept alarm is not a well-formed event: ${(err as Error).message}`], securityUnseen: 0, signedUnseen: 0 };
  }
  const problems: string[] = [];
  let signed = false;
  try {
    const count = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
    signed = count(kept.securityUnseen) && count(kept.signedUnseen)
      && ed25519.verify(kept.signature, keptAlarmMessage(o.deviceId, event.seq, chainHash(kept.anchor, kept.event), kept.securityUnseen, kept.signedUnseen), o.key);
  } catch {
    signed = false;
  }
  if (!signed) problems.push('the kept duress alarm\'s signature does not verify: the reply was altered or is not from this device');
  if (event.kind !== 'duress-pin-entered') problems.push(`the kept alarm is a "${event.kind}" event, not a duress alarm`);
  return { ok: problems.length === 0, problems, event, securityUnseen: kept.securityUnseen, signedUnseen: kept.signedUnseen };
}
