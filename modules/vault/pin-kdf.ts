/**
 * PIN -> keys. PBKDF2-HMAC-SHA256 over a random salt with a stored iteration count gives 64 bytes: the first
 * 32 wrap the data key (DEK), the last 32 make the PIN-check value HMAC-SHA256(checkKey, "latch/pin-check").
 * A wrong PIN is told by the check value (constant-time compare) before any unwrap is tried.
 *
 * PIN record layout (version 1):
 *   0 version | 1-4 iterations (u32) | 5-20 salt (16) | 21-52 check (32) | 53.. wrapped DEK (nonce+ct+tag = 60)
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { constantTimeEqual, utf8Encode, wipe } from '../bytes.js';
import { pbkdf2 } from '../crypto/pbkdf2.js';
import { LatchError } from '../errors.js';
import type { HashPort } from '../ports.js';
import { open, seal } from './seal.js';

export const PIN_RECORD_VERSION = 1;
export const SALT_SIZE = 16;
export const DEK_SIZE = 32;
const CHECK_LABEL = utf8Encode('latch/pin-check');

export interface PinRecord {
  iterations: number;
  salt: Uint8Array;
  check: Uint8Array;
  wrappedDek: Uint8Array;
}

export function isValidPin(pin: string): boolean {
  return /^[0-9]{6,8}$/.test(pin);
}

interface PinKeys {
  kek: Uint8Array;
  check: Uint8Array;
}

export function derivePinKeys(pin: string, salt: Uint8Array, iterations: number, hash?: HashPort): PinKeys {
  const pinBytes = utf8Encode(pin);
  const out = pbkdf2(hash, 'SHA-256', pinBytes, salt, iterations, 64);
  const kek = out.slice(0, 32);
  const checkKey = out.slice(32, 64);
  const check = hmac(sha256, checkKey, CHECK_LABEL);
  wipe(out, checkKey, pinBytes);
  return { kek, check };
}

export function makePinRecord(pin: string, dek: Uint8Array, salt: Uint8Array, iterations: number, nonce: Uint8Array, recordKey: number, hash?: HashPort): PinRecord {
  if (!isValidPin(pin)) throw new LatchError('bad-pin-format', 'a PIN is 6 to 8 digits');
  const { kek, check } = derivePinKeys(pin, salt, iterations, hash);
  const wrappedDek = seal(kek, recordKey, dek, nonce);
  wipe(kek);
  return { iterations, salt, check, wrappedDek };
}

/** The DEK if `pin` is right, undefined if it is wrong. */
export function unwrapWithPin(record: PinRecord, pin: string, recordKey: number, hash?: HashPort): Uint8Array | undefined {
  const { kek, check } = derivePinKeys(pin, record.salt, record.iterations, hash);
  try {
    if (!constantTimeEqual(check, record.check)) return undefined;
    return open(kek, recordKey, record.wrappedDek);
  } finally {
    wipe(kek, check);
  }
}

export function encodePinRecord(r: PinRecord): Uint8Array {
  const out = new Uint8Array(1 + 4 + SALT_SIZE + 32 + r.wrappedDek.length);
  out[0] = PIN_RECORD_VERSION;
  out[1] = r.iterations >>> 24;
  out[2] = (r.iterations >>> 16) & 0xff;
  out[3] = (r.iterations >>> 8) & 0xff;
  out[4] = r.iterations & 0xff;
  out.set(r.salt, 5);
  out.set(r.check, 5 + SALT_SIZE);
  out.set(r.wrappedDek, 5 + SALT_SIZE + 32);
  return out;
}

export function decodePinRecord(b: Uint8Array): PinRecord {
  if (b.length !== 1 + 4 + SALT_SIZE + 32 + 60 || b[0] !== PIN_RECORD_VERSION) {
    throw new LatchError('record-damaged', `the PIN record has an unknown format (version ${b[0]}, ${b.length} bytes)`);
  }
  const iterations = ((b[1] << 24) | (b[2] << 16) | (b[3] << 8) | b[4]) >>> 0;
  return { iterations, salt: b.slice(5, 5 + SALT_SIZE), check: b.slice(5 + SALT_SIZE, 37 + SALT_SIZE), wrappedDek: b.slice(37 + SALT_SIZE) };
}
