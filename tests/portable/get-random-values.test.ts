import test from 'ava';
import { EntropyHealthError, HealthTestedEntropy, STARTUP_SAMPLES } from '../../modules/entropy/health.js';
import { installGetRandomValues, makeGetRandomValues } from '../../modules/entropy/get-random-values.js';
import type { EntropyPort } from '../../modules/ports.js';
import { counterEntropy } from './support/fake-ports.js';

function counting(inner: EntropyPort): EntropyPort & { served: number } {
  const src = { served: 0, fill: (t: Uint8Array) => { src.served += t.length; return inner.fill(t); } };
  return src;
}

test('fills integer arrays in place from the health-tested source, start-up test first', (t) => {
  const src = counting(counterEntropy(7));
  const grv = makeGetRandomValues(new HealthTestedEntropy(src));
  const a = new Uint32Array(8);
  t.is(grv(a), a);
  t.true(a.some((x) => x !== 0));
  t.is(src.served, STARTUP_SAMPLES + 32);
  const b = new Uint8Array(16);
  grv(b);
  t.is(src.served, STARTUP_SAMPLES + 48, 'the start-up test runs once');
  const view = new Uint8Array(10);
  grv(view.subarray(2, 6));
  t.deepEqual([view[0], view[1], view[6], view[9]], [0, 0, 0, 0], 'only the view is written');
});

test('refuses float arrays and more than 65536 bytes, as Web Crypto does', (t) => {
  const grv = makeGetRandomValues(new HealthTestedEntropy(counterEntropy(1)));
  t.throws(() => grv(new Float64Array(2)), { instanceOf: TypeError });
  t.throws(() => grv(new DataView(new ArrayBuffer(4))), { instanceOf: TypeError });
  t.throws(() => grv(new Uint8Array(65537)), { instanceOf: RangeError });
  t.notThrows(() => grv(new Uint8Array(65536)));
});

test('a stuck RNG throws and leaves the array zeroed: no fallback, and it stays failed', (t) => {
  let stuck = false;
  const good = counterEntropy(3);
  const src: EntropyPort = { fill(t) { if (stuck) { t.fill(0xaa); return t.length; } return good.fill(t); } };
  const grv = makeGetRandomValues(new HealthTestedEntropy(src));
  grv(new Uint8Array(32));
  stuck = true;
  const a = new Uint8Array(64).fill(1);
  t.throws(() => grv(a), { instanceOf: EntropyHealthError });
  t.true(a.every((x) => x === 0));
  stuck = false;
  t.throws(() => grv(new Uint8Array(8)), { instanceOf: EntropyHealthError }, 'the failure latches until reboot');
});

test('a short read at start-up throws and zeroes the array', (t) => {
  const src: EntropyPort = { fill: (t) => Math.max(0, t.length - 1) };
  const grv = makeGetRandomValues(new HealthTestedEntropy(src));
  const a = new Uint8Array(4).fill(9);
  t.throws(() => grv(a), { instanceOf: EntropyHealthError });
  t.deepEqual([...a], [0, 0, 0, 0]);
});

test('installs on a target without crypto and replaces a platform getRandomValues', (t) => {
  const grv = makeGetRandomValues(new HealthTestedEntropy(counterEntropy(5)));
  const bare: { crypto?: any } = {};
  installGetRandomValues(bare, grv);
  t.is(bare.crypto.getRandomValues, grv);
  t.true(Object.isFrozen(bare.crypto), 'nothing can swap the source afterwards');
  t.false(Object.getOwnPropertyDescriptor(bare, 'crypto')!.writable);
  const other = () => { throw new Error('the platform source was used'); };
  const withOwn: { crypto?: any } = { crypto: { getRandomValues: other } };
  installGetRandomValues(withOwn, grv);
  t.is(withOwn.crypto.getRandomValues, grv);
  t.false(Object.getOwnPropertyDescriptor(withOwn.crypto, 'getRandomValues')!.writable);
});
