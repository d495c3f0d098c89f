/**
 * How many PBKDF2-HMAC-SHA256 iterations (one 32-byte block, as the PIN KDF uses) take about `targetMs` on this
 * device: time a growing trial run with the Clock port and scale. At least MIN_PIN_ITERATIONS, so a slow board
 * still gets a meaningful work factor.
 */
import { utf8Encode } from '../bytes.js';
import { pbkdf2 } from '../crypto/pbkdf2.js';
import type { ClockPort, HashPort } from '../ports.js';

export const MIN_PIN_ITERATIONS = 1000;
const MAX_PIN_ITERATIONS = 4_000_000;

export function calibratePinIterations(clock: Pick<ClockPort, 'now'>, targetMs: number, hash?: HashPort): number {
  const salt = new Uint8Array(16);
  const pin = utf8Encode('00000000');
  // Grow the trial until it takes 50 ms; a clock that never moves (coarse or stopped) ends it at 16384.
  let n = 64;
  for (;;) {
    const start = clock.now();
    pbkdf2(hash, 'SHA-256', pin, salt, n, 32);
    const elapsed = clock.now() - start;
    if (elapsed >= 50 || n >= 16384) {
      const scaled = elapsed > 0 ? Math.round((n * targetMs) / elapsed) : MIN_PIN_ITERATIONS;
      return Math.min(MAX_PIN_ITERATIONS, Math.max(MIN_PIN_ITERATIONS, scaled));
    }
    n *= 4;
  }
}
