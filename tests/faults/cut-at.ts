/** The step every power-cut campaign repeats: a flash image replayed with the power cut at one operation. */
import { NorFlash, PowerCutError, seededRandom } from '../../hosts/sim/nor-flash.js';

export type CutOutcome<V, T> = { flash: NorFlash; victim: V; completed: boolean; value?: T } | { error: string };

/**
 * `image` restored on fresh NOR (its torn bits drawn from `tearSeed`), booted with `boot`, `op` run with the power
 * cut at its `cut`-th flash write or erase, and the power back on. `completed`: `op` finished before the cut (then
 * `value` is what it returned). A failure other than the cut comes back as `error`: the campaign reports it.
 */
export function cutAt<V, T>(image: Uint8Array, sectorSize: number, cut: number, tearSeed: number, boot: (f: NorFlash) => V, op: (victim: V) => T): CutOutcome<V, T> {
  const flash = new NorFlash({ size: image.length, sectorSize, random: seededRandom(tearSeed) });
  flash.bytes.set(image);
  const victim = boot(flash);
  flash.armPowerCut(cut);
  let completed = false;
  let value: T | undefined;
  try {
    value = op(victim);
    completed = true;
  } catch (err) {
    if (!(err instanceof PowerCutError)) return { error: (err as Error).message };
  }
  flash.disarmPowerCut();
  flash.powerOn();
  return { flash, victim, completed, ...(completed ? { value } : {}) };
}
