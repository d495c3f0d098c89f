/** A vault on an in-memory NOR flash with a manual clock, for the portable vault tests and the fault campaign. */
import { HealthTestedEntropy } from '../../../modules/entropy/health.js';
import { RecordLog } from '../../../modules/storage/record-log.js';
import { Vault, type VaultOptions } from '../../../modules/vault/vault.js';
import { NorFlash, seededRandom } from '../../../hosts/sim/nor-flash.js';
import { counterEntropy } from './fake-ports.js';

export interface Rig {
  flash: NorFlash;
  clock: { now(): number; advance(ms: number): void };
  vault: Vault;
  /** power-cycle: a new Vault over the same flash, opened */
  reboot(): Vault;
}

export function vaultRig(options: VaultOptions = { pinIterations: 2 }, seed = 1, flash?: NorFlash): Rig {
  const f = flash ?? new NorFlash({ size: 16 * 4096, sectorSize: 4096, random: seededRandom(seed) });
  let t = 0;
  const clock = { now: () => t, advance: (ms: number) => { t += ms; } };
  let entropySeed = seed;
  const make = () => {
    const v = new Vault(new RecordLog(f), new HealthTestedEntropy(counterEntropy(entropySeed++ & 255)), clock, options);
    v.open();
    return v;
  };
  const rig: Rig = { flash: f, clock, vault: make(), reboot: () => (rig.vault = make()) };
  return rig;
}

export function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
