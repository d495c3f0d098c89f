/**
 * The event log's format, shared by the device that writes it (event-log.ts) and the app that checks it
 * (event-verify.ts):
 *  - an event is the CBOR array [seq, at, kind, details]: a sequence number from 1, the device-clock time (ms),
 *    a kind (EVENT_KINDS) and its details (amounts, addresses, chain, the app's label, the reason; never a
 *    secret). Those exact bytes travel to the app, so it hashes what the device hashed;
 *  - hash_n = SHA-256("latch/events/v1" || hash_(n-1) || event_n bytes), hash_0 = 32 zero bytes;
 *  - the head (seq, hash) is signed with Ed25519 over "latch/events/head/v1" || device id (16) || seq (u64 BE)
 *    || hash.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8Encode } from '../bytes.js';
import { LatchError } from '../errors.js';
import { checkCbor, decodeCbor, encodeCbor } from '../protocol/cbor.js';
import { encodeMs } from '../vault/device-clock.js'; // the vault's u64 big-endian codec

export const GENESIS = new Uint8Array(32);

export const EVENT_KINDS = [
  'sign-requested', 'signed', 'sign-refused', 'policy-refused',
  'bind-requested', 'bind-wrong-code', 'bind-locked', 'app-bound', 'app-replaced',
  'pin-wrong', 'wiped',
  'frozen', 'unfrozen',
  'policy-changed', 'change-pending', 'change-cancelled', 'change-applied',
  'code-enrolled', 'code-removed', 'code-wrong',
  'world-time-set', 'world-time-refused',
  'backup-code-made', 'backup-code-used', 'backup-code-expired', 'backup-code-refused',
  'binding-code-shown', 'binding-code-changed',
  'authenticator-added', 'authenticator-removed',
  'reset-requested', 'reset-done',
  // written by firmware 0.3 (pending changes had kinds of their own then): still read in older logs
  'policy-pending', 'policy-pending-cancelled', 'code-removal-pending', 'code-removal-cancelled',
  // the duress PIN (issue 23): entered at unlock (the alarm), set, removed
  'duress-pin-entered', 'duress-pin-set', 'duress-pin-removed',
  // passphrase wallets (issue 23): which wallet is in use (its fingerprint, never the passphrase)
  'wallet-switched', 'wallet-passphrase-stored', 'wallet-passphrase-forgotten', 'wallet-app-passphrase',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** events that start the log afresh after an erase (what came before is gone with the wipe) */
export const WIPE_KINDS: ReadonlySet<string> = new Set<string>(['reset-done', 'wiped']);

export interface LatchEvent {
  seq: number;
  at: number;
  kind: EventKind;
  details: Record<string, unknown>;
}

export interface SignedHead {
  seq: number;
  hash: Uint8Array;
  signature: Uint8Array;
}

export interface EventsAnswer {
  /** CBOR [seq, at, kind, details] of each event, oldest first */
  events: Uint8Array[];
  /** the chain hash just before the first event returned (for `since` 1: 32 zero bytes) */
  anchor: Uint8Array;
  head: SignedHead;
  /** the Ed25519 key the head is signed with */
  key: Uint8Array;
  /** events the ring no longer holds (the oldest kept has seq dropped + 1) */
  dropped: number;
  /** sequence numbers whose record did not open (damaged in flash) */
  damaged: number[];
  /** the reply stopped at `limit`: ask again from head.seq + 1 */
  more: boolean;
  /** the last seq the bound app acknowledged (events_ack); absent from firmware before 0.4 */
  acked?: number;
  /** security events overwritten before the app acknowledged them (only when the owner ignored the refusals) */
  lostUnread?: number;
  /** lesser events not written because they would have overwritten unread security events */
  held?: number;
  /** the duress alarm kept apart from the ring (event-log.ts), for the owner's app; absent when none is kept */
  alarm?: KeptAlarm;
}

/**
 * The duress alarm as kept apart from the ring (event-log.ts, RecordKey.duressAlarm): the event's bytes, the chain
 * hash before it, and the security events (the signatures among them) the ring overwrote, once the decoy's app
 * acknowledged them, before the owner's app did, all signed with the event key (keptAlarmMessage), so the owner's app checks it as it checks a head.
 */
export interface KeptAlarm {
  event: Uint8Array;
  anchor: Uint8Array;
  securityUnseen: number;
  signedUnseen: number;
  signature: Uint8Array;
}

/**
 * Events the bound app must have seen before the ring may overwrite them (event-log.ts): signatures, policy
 * changes, freezes, binds, backup codes, code changes, resets, a kept passphrase, the app allowed to send one.
 */
export const SECURITY_KINDS: ReadonlySet<string> = new Set<string>([
  'signed', 'policy-changed', 'change-pending', 'change-cancelled', 'change-applied', 'frozen', 'unfrozen',
  'app-bound', 'app-replaced', 'backup-code-made', 'backup-code-used', 'binding-code-changed',
  'code-enrolled', 'code-removed', 'reset-requested', 'reset-done', 'wiped',
  'duress-pin-entered', 'duress-pin-set', 'duress-pin-removed',
  // a passphrase kept in flash, or the app let send one: the owner's app must see each
  'wallet-passphrase-stored', 'wallet-app-passphrase',
]);

export function eventBytes(e: LatchEvent): Uint8Array {
  return encodeCbor([e.seq, e.at, e.kind, e.details]);
}

export function chainHash(prev: Uint8Array, event: Uint8Array): Uint8Array {
  return sha256(concatBytes(utf8Encode('latch/events/v1'), prev, event));
}

export function headMessage(deviceId: Uint8Array, seq: number, hash: Uint8Array): Uint8Array {
  return concatBytes(utf8Encode('latch/events/head/v1'), deviceId, encodeMs(seq), hash);
}

/** What the device signs for a kept alarm: its own domain, so it can never pass for a head (nor a head for it). */
export function keptAlarmMessage(deviceId: Uint8Array, seq: number, hash: Uint8Array, securityUnseen: number, signedUnseen: number): Uint8Array {
  return concatBytes(utf8Encode('latch/events/kept-alarm/v1'), deviceId, encodeMs(seq), hash, encodeMs(securityUnseen), encodeMs(signedUnseen));
}

/** An event's bytes back to the event; throws bad-params when they are not one. */
export function decodeEvent(bytes: Uint8Array): LatchEvent {
  checkCbor(bytes);
  const value = decodeCbor(bytes);
  if (!Array.isArray(value) || value.length !== 4) throw new LatchError('bad-params', 'an event is [seq, at, kind, details]');
  const [seq, at, kind, details] = value as unknown[];
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) throw new LatchError('bad-params', 'event seq is not a number from 1');
  if (typeof at !== 'number' || !Number.isSafeInteger(at) || at < 0) throw new LatchError('bad-params', 'event time is not a device time');
  if (typeof kind !== 'string') throw new LatchError('bad-params', 'event kind is not text');
  if (typeof details !== 'object' || details === null || Array.isArray(details) || details instanceof Uint8Array) {
    throw new LatchError('bad-params', 'event details are not a map');
  }
  return { seq, at, kind: kind as EventKind, details: details as Record<string, unknown> };
}
