/**
 * `crypto.getRandomValues` over the health-tested RNG, for the libraries that reach for it (noble's `randomBytes`:
 * nonces' extra entropy, random keys, and the scalar blinding noble's curves probe for when their module loads).
 * Installed on Moddable by drivers/random.ts, which the entry point imports before any library.
 *
 * No fallback, ever: when the health tests fail (or failed earlier: the failure latches), this throws the
 * EntropyHealthError and leaves the array zeroed; it never asks another source. The start-up test runs on the
 * first call. Web Crypto semantics: integer typed arrays only (TypeError otherwise), at most 65,536 bytes
 * (a RangeError here, Web Crypto's QuotaExceededError), fills in place and returns the same array.
 */
import type { HealthTestedEntropy } from './health.js';

export type GetRandomValues = <T extends ArrayBufferView>(array: T) => T;

export const MAX_RANDOM_VALUES_BYTES = 65536;

function isIntegerArray(a: unknown): a is ArrayBufferView {
  return a instanceof Int8Array || a instanceof Uint8Array || a instanceof Uint8ClampedArray ||
    a instanceof Int16Array || a instanceof Uint16Array || a instanceof Int32Array || a instanceof Uint32Array ||
    a instanceof BigInt64Array || a instanceof BigUint64Array;
}

export function makeGetRandomValues(source: HealthTestedEntropy): GetRandomValues {
  let started = false;
  return function getRandomValues<T extends ArrayBufferView>(array: T): T {
    if (!isIntegerArray(array)) throw new TypeError('getRandomValues takes an integer typed array');
    if (array.byteLength > MAX_RANDOM_VALUES_BYTES) {
      throw new RangeError(`getRandomValues: ${array.byteLength} bytes asked, at most ${MAX_RANDOM_VALUES_BYTES}`);
    }
    const view = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    if (!started) {
      try {
        source.startup();
      } catch (err) {
        view.fill(0);
        throw err;
      }
      started = true;
    }
    source.fill(view); // throws EntropyHealthError with `view` zeroed: no other source is tried
    return array;
  };
}

/**
 * Puts `getRandomValues` on `target.crypto` (creating `crypto` where the platform has none, as on Moddable), and
 * replaces a platform's own: only the health-tested source may answer.
 */
export function installGetRandomValues(target: { crypto?: unknown }, getRandomValues: GetRandomValues): void {
  const existing = target.crypto as Record<string, unknown> | undefined;
  if (existing && typeof existing === 'object' && !Object.isFrozen(existing)) {
    Object.defineProperty(existing, 'getRandomValues', { value: getRandomValues, writable: false, configurable: false });
    return;
  }
  Object.defineProperty(target, 'crypto', {
    value: Object.freeze({ getRandomValues }), writable: false, configurable: false, enumerable: false,
  });
}
