/**
 * Every key the vault uses is derived through the chip key (ChipKeyPort: HMAC-SHA256 under a key that never
 * lies in the vault region). So a dump of the vault region alone opens nothing: not the binding code, not the
 * bound app's key, not the seed, even with the right PIN; and every PIN guess needs this chip.
 *
 *   device key  = HMAC_chip(lv("latch/v2/device-key") || lv(device id))           seals what is needed before the PIN
 *   chip check  = HMAC_chip(lv("latch/v2/chip-check") || lv(device id))[0..16]     tells a dump moved to another chip
 *   PIN key     = HMAC_chip(lv("latch/v2/pin-key") || lv(salt) || lv(PBKDF2-HMAC-SHA256(PIN, salt, n, 32 bytes)))
 *   KEK         = HMAC-SHA256(PIN key, "latch/v2/kek")                             wraps the data key (DEK)
 *   PIN check   = HMAC-SHA256(PIN key, "latch/v2/pin-check")                       tells a wrong PIN
 *   event key   = HMAC_chip(lv("latch/v2/event-sign") || lv(device id))            Ed25519 seed: signs the event log head
 *
 * lv() is a 2-byte big-endian length followed by the bytes, so no two inputs share an encoding. The PIN check is
 * derived from the PIN key, not from PBKDF2 directly: testing a guess costs the full work factor and a chip call.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { concatBytes, utf8Encode, wipe } from '../bytes.js';
import type { ChipKeyPort } from '../ports.js';

export const CHIP_CHECK_SIZE = 16;

function lv(bytes: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(bytes.length >> 8, bytes.length & 0xff), bytes);
}

function chipDerive(chip: ChipKeyPort, label: string, ...parts: Uint8Array[]): Uint8Array {
  const input = concatBytes(lv(utf8Encode(label)), ...parts.map(lv));
  const out = chip.hmac(input);
  wipe(input);
  if (out.length !== 32) throw new Error(`the chip key port returned ${out.length} bytes, not 32`);
  return out;
}

export function deviceKey(chip: ChipKeyPort, deviceId: Uint8Array): Uint8Array {
  return chipDerive(chip, 'latch/v2/device-key', deviceId);
}

export function chipCheck(chip: ChipKeyPort, deviceId: Uint8Array): Uint8Array {
  const full = chipDerive(chip, 'latch/v2/chip-check', deviceId);
  const out = full.slice(0, CHIP_CHECK_SIZE);
  wipe(full);
  return out;
}

export function eventSigningSeed(chip: ChipKeyPort, deviceId: Uint8Array): Uint8Array {
  return chipDerive(chip, 'latch/v2/event-sign', deviceId);
}

export interface PinKeys {
  kek: Uint8Array;
  check: Uint8Array;
}

/** KEK and PIN check from the stretched PIN (PBKDF2 output); both need the chip. Wipes nothing of the caller's. */
export function pinKeys(chip: ChipKeyPort, salt: Uint8Array, stretched: Uint8Array): PinKeys {
  const pinKey = chipDerive(chip, 'latch/v2/pin-key', salt, stretched);
  const kek = hmac(sha256, pinKey, utf8Encode('latch/v2/kek'));
  const check = hmac(sha256, pinKey, utf8Encode('latch/v2/pin-check'));
  wipe(pinKey);
  return { kek, check };
}

/**
 * A chip key in software, for the simulators and tests: HMAC-SHA256 under a key held in memory. Boards use a
 * peripheral or a flash-encrypted partition instead (drivers/).
 */
export function softwareChipKey(key: Uint8Array): ChipKeyPort {
  if (key.length !== 32) throw new Error('a chip key is 32 bytes');
  const k = key.slice();
  return { hmac: (message) => hmac(sha256, k, message) };
}
