/**
 * The duress PIN's records (issue 23). A second PIN opens a decoy wallet; the device (device.ts) then freezes the
 * real one silently and records an alarm for the bound app.
 *
 *  - RecordKey.duressPin: a PIN record (pin-kdf.ts) with the SAME salt and iterations as the real PIN record, so
 *    one PBKDF2 run per attempt serves both checks (unwrapWithEither): an unlock takes the same time whether a
 *    duress PIN exists or not, and whichever PIN it is. It wraps the decoy's data key. After it, a one-byte flag
 *    "a duress PIN is set", sealed under the REAL data key: only the real owner's menu can tell.
 *  - RecordKey.decoy: the decoy wallet, sealed under the decoy data key: the entropy of a fresh random wallet (its
 *    own recovery words), or a 64-byte BIP39 seed (a passphrase wallet of the real words the owner chose: the
 *    real words are then never reachable in duress mode).
 *  - With no duress PIN set both records hold filler of the same sizes (a random check nobody's PIN matches,
 *    random bytes), written with the wallet: a flash dump does not tell whether a duress PIN exists.
 * Both records are written in one journal batch (journal.ts): a power cut leaves the old pair or the new one.
 *
 * Layouts: duressPin = PIN record (pin-kdf.ts, 113 bytes) | seal(real DEK, [set]) (29 bytes)
 *          decoy     = seal(decoy DEK, version 1 | kind (1 words, 2 seed) | length | data padded to 64)
 */
import { concatBytes, wipe } from '../bytes.js';
import type { HealthTestedEntropy } from '../entropy/health.js';
import { LatchError } from '../errors.js';
import type { ChipKeyPort, HashPort } from '../ports.js';
import { DEK_SIZE, decodePinRecord, encodePinRecord, makePinRecordLike, type PinRecord } from './pin-kdf.js';
import { NONCE_SIZE, open, seal, TAG_SIZE } from './seal.js';

/** the PIN record's size (pin-kdf.ts) */
const PIN_PART = 113;
const FLAG_PART = NONCE_SIZE + 1 + TAG_SIZE;
const DECOY_PLAIN = 3 + 64;
export const DECOY_SEALED = NONCE_SIZE + DECOY_PLAIN + TAG_SIZE;

/** What the duress PIN opens: a fresh wallet's entropy (its own words), or a passphrase wallet's 64-byte seed. */
export type Decoy = { kind: 'words'; entropy: Uint8Array } | { kind: 'seed'; seed: Uint8Array };

export interface DuressPair {
  pin: Uint8Array;
  decoy: Uint8Array;
}

export function encodeDecoy(d: Decoy): Uint8Array {
  const data = d.kind === 'words' ? d.entropy : d.seed;
  if (d.kind === 'words' && data.length !== 16 && data.length !== 32) throw new LatchError('bad-entropy', 'a decoy wallet\'s entropy is 16 or 32 bytes');
  if (d.kind === 'seed' && data.length !== 64) throw new LatchError('bad-params', 'a decoy wallet\'s BIP39 seed is 64 bytes');
  const out = new Uint8Array(DECOY_PLAIN);
  out.set([1, d.kind === 'words' ? 1 : 2, data.length]);
  out.set(data, 3);
  return out;
}

export function decodeDecoy(b: Uint8Array): Decoy {
  if (b.length !== DECOY_PLAIN || b[0] !== 1 || (b[1] !== 1 && b[1] !== 2) || b[2] > 64) throw new LatchError('record-damaged', 'the decoy wallet record has an unknown format');
  const data = b.slice(3, 3 + b[2]);
  return b[1] === 1 ? { kind: 'words', entropy: data } : { kind: 'seed', seed: data };
}

/** The duress PIN record part of RecordKey.duressPin (undefined for a record of another format). */
export function duressPinRecord(raw: Uint8Array | undefined): PinRecord | undefined {
  if (!raw || raw.length !== PIN_PART + FLAG_PART) return undefined;
  try {
    return decodePinRecord(raw.subarray(0, PIN_PART));
  } catch {
    return undefined;
  }
}

/**
 * Whether the duress PIN is set (the flag opens only under the real data key). A flag that does not open (a
 * damaged record) reads as not set: the owner sets it again, and a PIN change writes filler over it.
 */
export function duressIsSet(raw: Uint8Array | undefined, realDek: Uint8Array, recordKey: number): boolean {
  if (!raw || raw.length !== PIN_PART + FLAG_PART) return false;
  try {
    const flag = open(realDek, recordKey, raw.subarray(PIN_PART));
    return flag.length === 1 && flag[0] === 1;
  } catch {
    return false;
  }
}

/** The pair written while no duress PIN is set: the same sizes, nothing anyone's PIN opens. */
export function fillerPair(real: PinRecord, realDek: Uint8Array, entropy: HealthTestedEntropy, pinKey: number): DuressPair {
  const filler: PinRecord = { iterations: real.iterations, salt: real.salt, check: entropy.bytes(32), wrappedDek: entropy.bytes(NONCE_SIZE + DEK_SIZE + TAG_SIZE) };
  return {
    pin: concatBytes(encodePinRecord(filler), seal(realDek, pinKey, Uint8Array.of(0), entropy.bytes(NONCE_SIZE))),
    decoy: entropy.bytes(DECOY_SEALED),
  };
}

/** A real pair: `pin` wraps a new decoy data key under the real record's salt; the decoy sealed under that key. */
export function duressPair(
  chip: ChipKeyPort, real: PinRecord, realDek: Uint8Array, pin: string, decoy: Decoy, entropy: HealthTestedEntropy, keys: { pin: number; decoy: number }, hash?: HashPort,
): DuressPair {
  const dek = entropy.bytes(DEK_SIZE);
  const plain = encodeDecoy(decoy);
  try {
    const record = makePinRecordLike(chip, real, pin, dek, entropy.bytes(NONCE_SIZE), keys.pin, hash);
    return {
      pin: concatBytes(encodePinRecord(record), seal(realDek, keys.pin, Uint8Array.of(1), entropy.bytes(NONCE_SIZE))),
      decoy: seal(dek, keys.decoy, plain, entropy.bytes(NONCE_SIZE)),
    };
  } finally {
    wipe(dek, plain);
  }
}

/** RecordKey.duressPin with its PIN part re-wrapped for `pin` (the flag kept): a duress PIN changed in duress mode. */
export function rewrapDuress(chip: ChipKeyPort, raw: Uint8Array, decoyDek: Uint8Array, pin: string, entropy: HealthTestedEntropy, pinKey: number, hash?: HashPort): Uint8Array {
  const record = duressPinRecord(raw)!;
  const next = makePinRecordLike(chip, record, pin, decoyDek, entropy.bytes(NONCE_SIZE), pinKey, hash);
  return concatBytes(encodePinRecord(next), raw.subarray(PIN_PART));
}

/** RecordKey.duressPin with its flag re-sealed under a new real data key (a real PIN change). */
export function resealFlag(raw: Uint8Array, oldDek: Uint8Array, newDek: Uint8Array, entropy: HealthTestedEntropy, pinKey: number): Uint8Array {
  const flag = open(oldDek, pinKey, raw.subarray(PIN_PART));
  return concatBytes(raw.subarray(0, PIN_PART), seal(newDek, pinKey, flag, entropy.bytes(NONCE_SIZE)));
}

/** The decoy wallet, opened with the decoy data key. */
export function openDecoy(decoyDek: Uint8Array, sealed: Uint8Array, decoyKey: number): Decoy {
  const plain = open(decoyDek, decoyKey, sealed);
  try {
    return decodeDecoy(plain);
  } finally {
    wipe(plain);
  }
}
