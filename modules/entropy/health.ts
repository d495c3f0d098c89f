/**
 * A health-tested entropy source in the spirit of NIST SP 800-90B section 4.4, over the raw Entropy port.
 *
 * Every byte the hardware gives is run through two continuous tests before anyone may use it:
 *  - the repetition count test (RCT) catches a stuck source: C identical bytes in a row fail;
 *  - the adaptive proportion test (APT) catches a biased source: in each window of W bytes, the window's first
 *    byte occurring C times or more fails.
 * The cutoffs follow SP 800-90B from an assessed min-entropy H per byte and a false-alarm rate alpha.
 * At construction the source runs the start-up test over 1024 bytes, which are discarded.
 * A failure latches: every later request throws until the device reboots (SP 800-90B 4.3 item 5), so a
 * faulty RNG stops key and code generation instead of producing weak secrets.
 */
import { LatchError } from '../errors.js';
import { wipe } from '../bytes.js';
import type { EntropyPort } from '../ports.js';

export type HealthTest = 'repetition-count' | 'adaptive-proportion' | 'short-read' | 'startup';

export class EntropyHealthError extends LatchError {
  readonly test: HealthTest;
  constructor(test: HealthTest, message: string) {
    super('entropy-health', message);
    this.test = test;
  }
  get name(): string {
    return 'EntropyHealthError';
  }
}

export interface HealthParameters {
  /** assessed min-entropy per byte, in bits (conservative: the cutoffs get looser as it drops) */
  minEntropyPerByte: number;
  /** false-positive probability per test decision, as -log2(alpha) */
  alphaExponent: number;
  /** APT window (SP 800-90B: 512 for non-binary sources) */
  window: number;
}

/** H = 6 bits/byte for the ESP32 RNG (below the 8 it is designed for) and alpha = 2^-30. */
export const DEFAULT_HEALTH: HealthParameters = { minEntropyPerByte: 6, alphaExponent: 30, window: 512 };

export const STARTUP_SAMPLES = 1024;

/** SP 800-90B 4.4.1: C = 1 + ceil(-log2(alpha) / H). */
export function repetitionCutoff(p: HealthParameters): number {
  return 1 + Math.ceil(p.alphaExponent / p.minEntropyPerByte);
}

/**
 * SP 800-90B 4.4.2: C = 1 + CRITBINOM(W, 2^-H, 1 - alpha), where CRITBINOM(n, p, x) is the smallest k with
 * P(Binomial(n, p) <= k) >= x. The upper tail is summed directly so alpha = 2^-40 stays exact in doubles.
 */
export function adaptiveProportionCutoff(p: HealthParameters): number {
  const n = p.window;
  const q = Math.pow(2, -p.minEntropyPerByte);
  const alpha = Math.pow(2, -p.alphaExponent);
  const pmf: number[] = [Math.pow(1 - q, n)];
  for (let k = 0; k < n; k++) pmf.push((pmf[k] * (n - k) * q) / ((k + 1) * (1 - q)));
  // P(X <= k) >= 1 - alpha  <=>  P(X > k) <= alpha; find the smallest such k from the top.
  let tailAbove = 0; // P(X > c)
  for (let c = n; c >= 0; c--) {
    if (tailAbove > alpha) return 1 + c + 1;
    tailAbove += pmf[c];
  }
  return 1;
}

export class HealthTestedEntropy {
  readonly rctCutoff: number;
  readonly aptCutoff: number;
  private readonly window: number;
  private failure: EntropyHealthError | undefined;
  // RCT state
  private lastByte = -1;
  private runLength = 0;
  // APT state
  private reference = -1;
  private referenceCount = 0;
  private windowFill = 0;
  /** bytes that passed the tests, for the About screen and the bench */
  bytesTested = 0;

  constructor(private readonly port: EntropyPort, params: HealthParameters = DEFAULT_HEALTH) {
    this.rctCutoff = repetitionCutoff(params);
    this.aptCutoff = adaptiveProportionCutoff(params);
    this.window = params.window;
  }

  /** The start-up test: 1024 bytes through both tests, then discarded. Throws EntropyHealthError. */
  startup(): void {
    const sample = new Uint8Array(STARTUP_SAMPLES);
    try {
      this.fill(sample);
    } finally {
      wipe(sample);
    }
  }

  get failed(): EntropyHealthError | undefined {
    return this.failure;
  }

  /** Fill `target` with health-tested random bytes, or throw EntropyHealthError and leave `target` zeroed. */
  fill(target: Uint8Array): Uint8Array {
    if (this.failure) {
      target.fill(0);
      throw this.failure;
    }
    const raw = new Uint8Array(target.length);
    try {
      const got = this.port.fill(raw);
      if (got !== raw.length) {
        this.fail('short-read', `hardware RNG returned ${got} of ${raw.length} requested bytes`);
      }
      for (let i = 0; i < raw.length; i++) this.test(raw[i]);
      target.set(raw);
      return target;
    } catch (err) {
      target.fill(0);
      throw err;
    } finally {
      wipe(raw);
    }
  }

  /** A fresh buffer of `length` health-tested random bytes. */
  bytes(length: number): Uint8Array {
    return this.fill(new Uint8Array(length));
  }

  private test(b: number): void {
    if (b === this.lastByte) {
      this.runLength++;
      if (this.runLength >= this.rctCutoff) {
        this.fail('repetition-count', `hardware RNG repeated byte 0x${b.toString(16).padStart(2, '0')} ${this.runLength} times in a row (cutoff ${this.rctCutoff}): it looks stuck`);
      }
    } else {
      this.lastByte = b;
      this.runLength = 1;
    }
    if (this.windowFill === 0) {
      this.reference = b;
      this.referenceCount = 1;
    } else if (b === this.reference) {
      this.referenceCount++;
      if (this.referenceCount >= this.aptCutoff) {
        this.fail('adaptive-proportion', `hardware RNG produced byte 0x${b.toString(16).padStart(2, '0')} ${this.referenceCount} times in a ${this.window}-byte window (cutoff ${this.aptCutoff}): it looks biased`);
      }
    }
    this.windowFill = (this.windowFill + 1) % this.window;
    this.bytesTested++;
  }

  private fail(test: HealthTest, message: string): never {
    this.failure = new EntropyHealthError(test, message);
    throw this.failure;
  }
}
