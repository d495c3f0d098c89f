/**
 * Latch link messages: `kind(1) || body`, carried by modules/transport/framing.ts. Binding and session set-up are
 * fixed binary layouts (sizes below); inside a session every message is a Noise transport message carrying a
 * CBOR RPC map. Nothing here ever carries the binding code or the PIN.
 *
 *   BIND_REQUEST     app -> device  nonceA(16) | app static pub(32) | label (UTF-8, 1-32 bytes)
 *   BIND_CHALLENGE   device -> app  nonceB(16) | device static pub(32) | device id(16)
 *   BIND_SHARE_A     app -> device  Ya(32)
 *   BIND_SHARE_B     device -> app  Yb(32) | Tb(64)
 *   BIND_CONFIRM_A   app -> device  Ta(64) [| the app's Unix time, u64 seconds: the device may not know the time yet]
 *   BIND_RESULT      device -> app  status(1): 0 allowed on the device, 1 refused on the device, 2 pending:
 *                    allowed, bound after the guard's wait | the wait (u64 ms of device time); the bound app is
 *                    told and can refuse it
 *   BIND_REQUEST_BACKUP app -> device  as BIND_REQUEST, to bind with the one-time backup code; the device answers
 *                    BIND_CHALLENGE with the code's salt(16) appended, and CPace's password is then the code's
 *                    salted hash (binding/backup-code.ts), on the context "latch-bind-backup-v1"
 *   SESSION_INIT     app -> device  app static pub(32) | Noise KK message 1
 *   SESSION_ACCEPT   device -> app  Noise KK message 2
 *   SESSION_DATA     both ways      Noise transport message (CBOR inside)
 *   ERROR            device -> app  code(1) | message (UTF-8)
 */
import { concatBytes, utf8Decode, utf8Encode } from '../bytes.js';
import { LatchError } from '../errors.js';
import { lvCat } from '../binding/cpace.js';

export const Kind = {
  bindRequest: 0x01,
  bindChallenge: 0x02,
  bindShareA: 0x03,
  bindShareB: 0x04,
  bindConfirmA: 0x05,
  bindResult: 0x06,
  bindRequestBackup: 0x07,
  sessionInit: 0x10,
  sessionAccept: 0x11,
  sessionData: 0x12,
  error: 0x7f,
} as const;

export const ErrorCode = {
  badFrame: 1,
  badMessage: 2,
  unexpected: 3,
  bindFailed: 4,
  bindLocked: 5,
  notBound: 6,
  boundToOtherApp: 7,
  sessionFailed: 8,
  noSession: 9,
  refused: 10,
  deviceFault: 11,
  unknownKind: 12,
  busy: 13,
  /** a device holding a wallet binds a new app only while it is unlocked with its PIN */
  locked: 14,
  /** the link or the session was idle too long and was closed */
  timeout: 15,
  /** the device is frozen (emergency stop): no new app binds until the owner unfreezes it */
  frozen: 16,
  /** no backup code is valid on the device (none made, used, expired, or voided by a reboot) */
  backupCode: 17,
} as const;

export const ERROR_NAMES: Record<number, string> = Object.fromEntries(Object.entries(ErrorCode).map(([k, v]) => [v, k]));

export const NONCE_SIZE = 16;
export const KEY_SIZE = 32;
export const DEVICE_ID_SIZE = 16;
export const TAG_SIZE = 64;
export const MAX_LABEL = 32;

export function message(kind: number, ...parts: Uint8Array[]): Uint8Array {
  return concatBytes(Uint8Array.of(kind), ...parts);
}

export function errorMessage(code: number, text: string): Uint8Array {
  return message(Kind.error, Uint8Array.of(code), utf8Encode(text.slice(0, 200)));
}

export function parseError(body: Uint8Array): { code: number; name: string; message: string } {
  const code = body[0] ?? 0;
  let text = '';
  try { text = utf8Decode(body.subarray(1)); } catch { text = '(undecodable message)'; }
  return { code, name: ERROR_NAMES[code] ?? `error-${code}`, message: text };
}

export function bad(text: string): LatchError {
  return new LatchError('bad-message', text);
}

export function parseBindRequest(body: Uint8Array): { nonceA: Uint8Array; appPub: Uint8Array; label: string } {
  if (body.length < NONCE_SIZE + KEY_SIZE + 1 || body.length > NONCE_SIZE + KEY_SIZE + MAX_LABEL) {
    throw bad(`a bind request is ${NONCE_SIZE + KEY_SIZE + 1} to ${NONCE_SIZE + KEY_SIZE + MAX_LABEL} bytes, not ${body.length}`);
  }
  let label: string;
  try {
    label = utf8Decode(body.subarray(NONCE_SIZE + KEY_SIZE));
  } catch {
    throw bad('the app label is not valid UTF-8');
  }
  // The label is the app's claim, shown on the LCD: printable ASCII only, so nothing can hide or mimic device text.
  if (!/^[\x20-\x7e]+$/.test(label)) throw bad('the app label must be printable ASCII (letters, digits, spaces, punctuation)');
  if (!label.trim()) throw bad('the app label must not be blank');
  return { nonceA: body.slice(0, NONCE_SIZE), appPub: body.slice(NONCE_SIZE, NONCE_SIZE + KEY_SIZE), label };
}

/** The CPace inputs both sides derive from the exchanged values (design section 6). */
export function bindContext(deviceId: Uint8Array, nonceA: Uint8Array, nonceB: Uint8Array, appPub: Uint8Array, label: string, devicePub: Uint8Array, withBackupCode = false) {
  return {
    // A separate context for the backup code: a transcript with one password can never pass for the other.
    ci: lvCat(utf8Encode(withBackupCode ? 'latch-bind-backup-v1' : 'latch-bind-v1'), deviceId),
    sid: concatBytes(nonceA, nonceB),
    adApp: lvCat(appPub, utf8Encode(label)),
    adDevice: lvCat(devicePub, deviceId),
  };
}

/** Noise prologue: binds a session to this protocol version and device. */
export function sessionPrologue(deviceId: Uint8Array): Uint8Array {
  return concatBytes(utf8Encode('latch-session-v1'), deviceId);
}
