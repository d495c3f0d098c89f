/**
 * Entropy port on Moddable: the board's hardware RNG through a tiny native binding (esp32/entropy.c:
 * `esp_fill_random`; lin/entropy.c, for the desktop simulator: `getrandom`). Never `Math.random`: on the
 * simulator it is unseeded libc rand(). The health tests live in modules/entropy/health.ts, not here.
 */
import type { EntropyPort } from "../../modules/ports.js";

const fillRandom = native("xs_latch_fill_random") as (buffer: ArrayBuffer) => number;

export class HardwareEntropy implements EntropyPort {
  fill(target: Uint8Array): number {
    const buffer = new ArrayBuffer(target.length);
    const filled = fillRandom(buffer);
    const bytes = new Uint8Array(buffer);
    target.set(bytes.subarray(0, filled));
    bytes.fill(0);
    return filled;
  }
}
