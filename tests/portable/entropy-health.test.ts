import test from 'ava';
import {
  DEFAULT_HEALTH, EntropyHealthError, HealthTestedEntropy, STARTUP_SAMPLES, adaptiveProportionCutoff, repetitionCutoff,
} from '../../modules/entropy/health.js';
import type { EntropyPort } from '../../modules/ports.js';
import { counterEntropy } from './support/fake-ports.js';

/** A good RNG stand-in (SHA-256 in counter mode) that counts what it served. */
function goodSource(seed = 1): EntropyPort & { served: number } {
  const inner = counterEntropy(seed);
  const src = { served: 0, fill: (target: Uint8Array) => { src.served += target.length; return inner.fill(target); } };
  return src;
}

function source(fn: (i: number) => number): EntropyPort {
  let n = 0;
  return { fill(t) { for (let i = 0; i < t.length; i++) t[i] = fn(n++) & 255; return t.length; } };
}

test('cutoffs follow the SP 800-90B formulas', (t) => {
  // SP 800-90B Table 2 (alpha = 2^-20): W = 1024, H = 1 -> 589; W = 512, H = 8 -> 13
  t.is(adaptiveProportionCutoff({ minEntropyPerByte: 1, alphaExponent: 20, window: 1024 }), 589);
  t.is(adaptiveProportionCutoff({ minEntropyPerByte: 8, alphaExponent: 20, window: 512 }), 13);
  // RCT: C = 1 + ceil(20 / H)
  t.is(repetitionCutoff({ minEntropyPerByte: 8, alphaExponent: 20, window: 512 }), 4);
  t.is(repetitionCutoff({ minEntropyPerByte: 1, alphaExponent: 20, window: 512 }), 21);
  t.is(repetitionCutoff(DEFAULT_HEALTH), 6);
  t.is(adaptiveProportionCutoff(DEFAULT_HEALTH), 31);
});

test('a good source passes the start-up test and 64 KiB of continuous testing', (t) => {
  const src = goodSource();
  const e = new HealthTestedEntropy(src);
  e.startup();
  t.is(src.served, STARTUP_SAMPLES);
  const out = new Uint8Array(65536);
  e.fill(out);
  t.is(e.bytesTested, STARTUP_SAMPLES + 65536);
  t.deepEqual(out.subarray(0, 32), (() => { const s = goodSource(); s.fill(new Uint8Array(STARTUP_SAMPLES)); const b = new Uint8Array(32); s.fill(b); return b; })());
});

test('a stuck source fails the repetition count test and latches', (t) => {
  const e = new HealthTestedEntropy(source(() => 0x5a));
  const err = t.throws(() => e.startup(), { instanceOf: EntropyHealthError }) as EntropyHealthError;
  t.is(err.test, 'repetition-count');
  t.is(err.code, 'entropy-health');
  t.regex(err.message, /repeated byte 0x5a 6 times.*stuck/);
  t.is(e.failed, err);
  const out = new Uint8Array(8).fill(0xee);
  t.throws(() => e.fill(out), { instanceOf: EntropyHealthError, message: err.message }, 'failure latches');
  t.deepEqual(out, new Uint8Array(8), 'the caller gets zeros, never partial output');
});

test('a biased source fails the adaptive proportion test', (t) => {
  // Every 4th byte is 0x00; the rest are good: no long runs, but far more zeros than 2^-6 of them.
  const good = goodSource(7);
  const one = new Uint8Array(1);
  const e = new HealthTestedEntropy(source((i) => (i % 4 === 0 ? 0 : (good.fill(one), one[0] === 0 ? 1 : one[0]))));
  const err = t.throws(() => e.startup(), { instanceOf: EntropyHealthError }) as EntropyHealthError;
  t.is(err.test, 'adaptive-proportion');
  t.regex(err.message, /biased/);
});

test('a short read is a failure, not fewer random bytes', (t) => {
  const e = new HealthTestedEntropy({ fill: (target) => Math.floor(target.length / 2) });
  const err = t.throws(() => e.bytes(32), { instanceOf: EntropyHealthError }) as EntropyHealthError;
  t.is(err.test, 'short-read');
  t.regex(err.message, /returned 16 of 32/);
});

test('a source that alternates two values passes RCT but fails APT', (t) => {
  const e = new HealthTestedEntropy(source((i) => (i & 1 ? 0xaa : 0x55)));
  const err = t.throws(() => e.startup(), { instanceOf: EntropyHealthError }) as EntropyHealthError;
  t.is(err.test, 'adaptive-proportion');
});
