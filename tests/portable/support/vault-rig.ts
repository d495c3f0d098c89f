/** A vault on an in-memory NOR flash with a manual clock, for the portable vault tests and the fault campaign. */
import { HealthTestedEntropy } from '../../../modules/entropy/health.js';
import { RecordLog } from '../../../modules/storage/record-log.js';
import { isEventKey, RecordKey } from '../../../modules/vault/records.js';
import { Vault, type VaultOptions } from '../../../modules/vault/vault.js';
import { NorFlash, seededRandom } from '../../../hosts/sim/nor-flash.js';
import { counterEntropy, memoryCounter, TEST_CHIP_KEY } from './fake-ports.js';
import { softwareChipKey } from '../../../modules/vault/chip-keys.js';
import type { ChipKeyPort, HashPort } from '../../../modules/ports.js';
import { nobleHashPort } from '../../../modules/crypto/pbkdf2.js';

export interface Rig {
  flash: NorFlash;
  clock: { now(): number; advance(ms: number): void };
  vault: Vault;
  /** the rollback counter (eFuse), outside the flash: edits of `flash` never set it back */
  counter: ReturnType<typeof memoryCounter> | undefined;
  /** power-cycle: a new Vault over the same flash, opened */
  reboot(): Vault;
}

/** A rig with a rollback counter unless `options.counter` is given as undefined explicitly (a board without one). */
export function vaultRig(options: VaultOptions = { pinIterations: 2 }, seed = 1, flash?: NorFlash, chip: ChipKeyPort = softwareChipKey(TEST_CHIP_KEY)): Rig {
  const counter = 'counter' in options ? options.counter as ReturnType<typeof memoryCounter> | undefined : memoryCounter();
  const opts = { ...options, counter };
  const f = flash ?? new NorFlash({ size: 16 * 4096, sectorSize: 4096, random: seededRandom(seed) });
  let t = 0;
  const clock = { now: () => t, advance: (ms: number) => { t += ms; } };
  let entropySeed = seed;
  const make = () => {
    const v = new Vault(new RecordLog(f), new HealthTestedEntropy(counterEntropy(entropySeed++ & 255)), clock, chip, opts);
    v.open();
    return v;
  };
  const rig: Rig = { flash: f, clock, counter, vault: make(), reboot: () => (rig.vault = make()) };
  return rig;
}

export function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * After a factory reset through the device: the clock, a new identity (a new device id and static key) and the
 * one event that says a reset happened (the event log keeps it), and nothing else, live or dead.
 */
export function afterReset(image: Uint8Array, sectorSize = 4096): { clean: boolean; events: number } {
  const flash = new NorFlash({ size: image.length, sectorSize, random: seededRandom(1) });
  flash.bytes.set(image);
  const log = new RecordLog(flash);
  const report = log.mount();
  if (report.zeroedLeftovers > 0 || report.retiredStale > 0) return { clean: false, events: 0 };
  const allowed = new Set<number>([RecordKey.deviceClock, RecordKey.identity, RecordKey.staticKey]);
  const keys = log.keys();
  const events = keys.filter(isEventKey);
  return { clean: events.length <= 1 && keys.every((k) => allowed.has(k) || isEventKey(k)), events: events.length };
}

/**
 * After a factory reset of the bare vault only the device clock may remain (it never moves back, across resets too): no live
 * record but the clock's, and no dead record still holding data (the clock's earlier versions are zeroed).
 */
export function onlyTheClockRemains(image: Uint8Array, sectorSize = 4096): boolean {
  const flash = new NorFlash({ size: image.length, sectorSize, random: seededRandom(1) });
  flash.bytes.set(image);
  const log = new RecordLog(flash);
  const report = log.mount();
  if (report.zeroedLeftovers > 0 || report.retiredStale > 0) return false; // the image itself held dead data
  const keys = log.keys();
  return keys.length === 0 || (keys.length === 1 && keys[0] === RecordKey.deviceClock);
}

/**
 * A HashPort that counts every digest it finishes (`digests`, which a test may reset): PBKDF2 dominates a PIN
 * check, so equal counts mean equal work whichever PIN was typed or whether a duress PIN is set.
 */
export function digestCounter(): { port: HashPort; digests: number } {
  const counter = {
    digests: 0,
    port: {
      create(algorithm: 'SHA-256' | 'SHA-512') {
        const h = nobleHashPort.create(algorithm);
        const digest = h.digest.bind(h);
        h.digest = () => { counter.digests++; return digest(); };
        return h;
      },
    } as HashPort,
  };
  return counter;
}
