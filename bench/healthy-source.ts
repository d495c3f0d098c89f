/** Deterministic bytes with no long runs (xorshift32): what a healthy RNG looks like to the health tests. */
export function healthySource(seed = 0x12345678) {
  let state = seed;
  return {
    fill(target: Uint8Array) {
      for (let i = 0; i < target.length; i++) {
        state ^= state << 13; state ^= state >>> 17; state ^= state << 5;
        target[i] = state & 255;
      }
      return target.length;
    },
  };
}
