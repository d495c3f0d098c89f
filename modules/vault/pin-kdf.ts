/**
 * PIN -> keys (format 2). One 32-byte block of PBKDF2-HMAC-SHA256 over a random salt with a stored iteration
 * count, then through the chip key (chip-keys.ts): the KEK wraps the data key (DEK) and the PIN check tells a
 * wrong PIN before any unwrap is tried. A guesser holding only the flash has neither the chip key nor a shortcut:
 * the check is derived from the chip-bound PIN key, so every guess costs the full work factor on this chip.
 *
 * PIN record layout (version 2):
 *   0 version | 1-4 iterations (u32) | 5-20 salt (16) | 21-52 check (32) | 53.. wrapped DEK (nonce+ct+tag = 60)
 * Version 1 (before the chip key) is recognised only to say that the storage format changed.
 */
import { constantTimeEqual, utf8Encode, wipe } from '../bytes.js';
import { pbkdf2 } from '../crypto/pbkdf2.js';
import { LatchError } from '../errors.js';
import type { ChipKeyPort, HashPort } from '../ports.js';
import { pinKeys, type PinKeys } from './chip-keys.js';
import { open, seal } from './seal.js';

export const PIN_RECORD_VERSION = 2;
export const SALT_SIZE = 16;
export const DEK_SIZE = 32;
const RECORD_SIZE = 1 + 4 + SALT_SIZE + 32 + 60;

export interface PinRecord {
  iterations: number;
  salt: Uint8Array;
  check: Uint8Array;
  wrappedDek: Uint8Array;
}

export function isValidPin(pin: string): boolean {
  return /^[0-9]{6,8}$/.test(pin);
}

/** The KEK and PIN check for `pin`: PBKDF2 (one 32-byte block), then the chip. */
export function derivePinKeys(chip: ChipKeyPort, pin: string, salt: Uint8Array, iterations: number, hash?: HashPort): PinKeys {
  const pinBytes = utf8Encode(pin);
  const stretched = pbkdf2(hash, 'SHA-256', pinBytes, salt, iterations, 32);
  try {
    return pinKeys(chip, salt, stretched);
  } finally {
    wipe(stretched, pinBytes);
  }
}

export function makePinRecord(chip: ChipKeyPort, pin: string, dek: Uint8Array, salt: Uint8Array, iterations: number, nonce: Uint8Array, recordKey: number, hash?: HashPort): PinRecord {
  if (!isValidPin(pin)) throw new LatchError('bad-pin-format', 'a PIN is 6 to 8 digits');
  const { kek, check } = derivePinKeys(chip, pin, salt, iterations, hash);
  const wrappedDek = seal(kek, recordKey, dek, nonce);
  wipe(kek);
  return { iterations, salt, check, wrappedDek };
}

/** The DEK if `pin` is right, undefined if it is wrong. */
export function unwrapWithPin(chip: ChipKeyPort, record: PinRecord, pin: string, recordKey: number, hash?: HashPort): Uint8Array | undefined {
  const { kek, check } = derivePinKeys(chip, pin, record.salt, record.iterations, hash);
  try {
    if (!constantTimeEqual(check, record.check)) return undefined;
    return open(kek, recordKey, record.wrappedDek);
  } finally {
    wipe(kek, check);
  }
}

export function encodePinRecord(r: PinRecord): Uint8Array {
  const out = new Uint8Array(RECORD_SIZE);
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
  if (b.length !== RECORD_SIZE || b[0] !== PIN_RECORD_VERSION) {
    throw new LatchError('record-damaged', `the PIN record has an unknown format (version ${b[0]}, ${b.length} bytes)`);
  }
  const iterations = ((b[1] << 24) | (b[2] << 16) | (b[3] << 8) | b[4]) >>> 0;
  return { iterations, salt: b.slice(5, 5 + SALT_SIZE), check: b.slice(5 + SALT_SIZE, 37 + SALT_SIZE), wrappedDek: b.slice(37 + SALT_SIZE) };
}

/**
 * One PIN against two records that share the salt and iterations (the real PIN and the duress PIN, duress.ts):
 * one PBKDF2 run, then both checks compared in constant time, always both, so an attempt takes the same time
 * whichever PIN it is and whether a duress PIN exists. `second` may be a filler (a random check nobody matches).
 * Returns which record the PIN opened and its DEK, or undefined for a wrong PIN.
 */
export function unwrapWithEither(
  chip: ChipKeyPort, first: PinRecord, firstKey: number, second: PinRecord | undefined, secondKey: number, pin: string, hash?: HashPort,
): { which: 0 | 1; dek: Uint8Array } | undefined {
  const { kek, check } = derivePinKeys(chip, pin, first.salt, first.iterations, hash);
  try {
    const other = second && sameSalt(first, second) ? second.check : first.check.map((b) => b ^ 0xff);
    const isFirst = constantTimeEqual(check, first.check);
    const isSecond = constantTimeEqual(check, other);
    if (isFirst) return { which: 0, dek: open(kek, firstKey, first.wrappedDek) };
    if (isSecond) return { which: 1, dek: open(kek, secondKey, second!.wrappedDek) };
    return undefined;
  } finally {
    wipe(kek, check);
  }
}

/** The check value `pin` gives under `record`'s salt and iterations (to refuse a PIN equal to another). */
export function pinCheck(chip: ChipKeyPort, record: PinRecord, pin: string, hash?: HashPort): Uint8Array {
  const { kek, check } = derivePinKeys(chip, pin, record.salt, record.iterations, hash);
  wipe(kek);
  return check;
}

/** A record wrapping `dek` for `pin` under `like`'s salt and iterations (the duress PIN beside the real one). */
export function makePinRecordLike(chip: ChipKeyPort, like: PinRecord, pin: string, dek: Uint8Array, nonce: Uint8Array, recordKey: number, hash?: HashPort): PinRecord {
  return makePinRecord(chip, pin, dek, like.salt, like.iterations, nonce, recordKey, hash);
}

export function sameSalt(a: PinRecord, b: PinRecord): boolean {
  return a.iterations === b.iterations && constantTimeEqual(a.salt, b.salt);
}
