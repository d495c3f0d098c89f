/**
 * The attacker of the hardening issue: holds a dump of the vault region and knows the format and the code, and
 * even the right PIN, but not the chip key. It tries to open the binding code, the bound app's key and the
 * seed with a guess of the chip key. Tests run it with wrong guesses (must fail) and with the real chip key
 * (must succeed, so the attack itself is known to work).
 */
import { utf8Decode, wipe } from '../../../modules/bytes.js';
import type { ChipKeyPort } from '../../../modules/ports.js';
import { RecordLog } from '../../../modules/storage/record-log.js';
import { deviceKey } from '../../../modules/vault/chip-keys.js';
import { decodePinRecord, unwrapWithPin } from '../../../modules/vault/pin-kdf.js';
import { RecordKey } from '../../../modules/vault/records.js';
import { open } from '../../../modules/vault/seal.js';
import { memoryFlash } from './fake-ports.js';

export interface Loot {
  bindingCode?: string;
  appKey?: Uint8Array;
  staticKey?: Uint8Array;
  seed?: Uint8Array;
}

function attempt<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/** Keep only what was actually recovered. */
function found(loot: Loot): Loot {
  const out: Loot = {};
  for (const [k, v] of Object.entries(loot)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

export function attackDump(image: Uint8Array, sectorSize: number, chip: ChipKeyPort, pin: string): Loot {
  const flash = memoryFlash(image.length, sectorSize);
  flash.bytes.set(image);
  const log = new RecordLog(flash);
  log.mount();
  const loot: Loot = {};
  const identity = log.get(RecordKey.identity);
  if (!identity) return loot;
  const id = identity.slice(1, 17);
  const key = deviceKey(chip, id);
  const sealedCode = log.get(RecordKey.bindingCode);
  if (sealedCode) loot.bindingCode = attempt(() => utf8Decode(open(key, RecordKey.bindingCode, sealedCode)));
  const sealedApp = log.get(RecordKey.appKey);
  if (sealedApp) loot.appKey = attempt(() => open(key, RecordKey.appKey, sealedApp).slice(0, 32));
  const sealedStatic = log.get(RecordKey.staticKey);
  if (sealedStatic) loot.staticKey = attempt(() => open(key, RecordKey.staticKey, sealedStatic));
  const pinRecord = log.get(RecordKey.pin);
  const sealedSeed = log.get(RecordKey.seed);
  if (pinRecord && sealedSeed) {
    const dek = attempt(() => unwrapWithPin(chip, decodePinRecord(pinRecord), pin, RecordKey.pin));
    if (dek) loot.seed = attempt(() => open(dek, RecordKey.seed, sealedSeed));
    wipe(dek);
  }
  wipe(key);
  return found(loot);
}
