/**
 * Sealing a record: ChaCha20-Poly1305 with a fresh random nonce, the record's key as associated data, so a
 * sealed value moved to another record key (or tampered with) fails to open instead of being misread.
 * Layout: nonce (12) || ciphertext || tag (16).
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { LatchError } from '../errors.js';

export const NONCE_SIZE = 12;
export const TAG_SIZE = 16;

export function recordAd(recordKey: number): Uint8Array {
  // "latch/record/" + big-endian u16 key
  const prefix = [108, 97, 116, 99, 104, 47, 114, 101, 99, 111, 114, 100, 47];
  return Uint8Array.from([...prefix, recordKey >> 8, recordKey & 0xff]);
}

export function seal(key: Uint8Array, recordKey: number, plaintext: Uint8Array, nonce: Uint8Array): Uint8Array {
  if (key.length !== 32) throw new Error('sealing key must be 32 bytes');
  if (nonce.length !== NONCE_SIZE) throw new Error('nonce must be 12 bytes');
  const ct = chacha20poly1305(key, nonce, recordAd(recordKey)).encrypt(plaintext);
  const out = new Uint8Array(NONCE_SIZE + ct.length);
  out.set(nonce, 0);
  out.set(ct, NONCE_SIZE);
  return out;
}

export function open(key: Uint8Array, recordKey: number, sealed: Uint8Array): Uint8Array {
  if (sealed.length < NONCE_SIZE + TAG_SIZE) throw new LatchError('record-damaged', `record ${recordKey} is too short to be sealed data`);
  try {
    return chacha20poly1305(key, sealed.subarray(0, NONCE_SIZE), recordAd(recordKey)).decrypt(sealed.subarray(NONCE_SIZE));
  } catch {
    throw new LatchError('record-damaged', `record ${recordKey} failed authentication: it is damaged or sealed under another key`);
  }
}
