// CPACE-X25519-SHA512 against the CFRG draft's own vectors (shared/vectors/cpace-testvectors.json, draft text).
import test from 'ava';
import { fromHex, toHex } from '../../modules/bytes.js';
import { LatchError } from '../../modules/errors.js';
import { calculateGenerator, cpace, generatorString, isk, lvCat, prependLen, scalarMultVfy } from '../../modules/binding/cpace.js';
import vectors from '../../../shared/vectors/cpace-testvectors.json' with { type: 'json' };

const v = vectors.G_25519 as Record<string, string>;
const h = (s: string) => fromHex(s.toLowerCase());

test('string helpers match the draft (prepend_len, lv_cat)', (t) => {
  t.is(toHex(prependLen(new Uint8Array(0))), '00');
  t.is(toHex(prependLen(Uint8Array.from([0x31, 0x32, 0x33, 0x34]))), '0431323334');
  t.is(toHex(prependLen(Uint8Array.from({ length: 128 }, (_, i) => i)).subarray(0, 3)), '800100');
  t.is(toHex(lvCat(h('31323334'), h('35'), new Uint8Array(0), h('363738'))), '043132333401350003363738');
});

test('generator, shares, K, ISK: every X25519 value of the draft vectors', (t) => {
  const g = calculateGenerator(h(v.PRS), h(v.CI), h(v.sid));
  t.is(toHex(g), v.g.toLowerCase());
  t.is(generatorString(h(v.PRS), h(v.CI), h(v.sid)).length > 128, true);
  t.is(toHex(scalarMultVfy(h(v.ya), g)), v.Ya.toLowerCase());
  t.is(toHex(scalarMultVfy(h(v.yb), g)), v.Yb.toLowerCase());
  t.is(toHex(scalarMultVfy(h(v.ya), h(v.Yb))), v.K.toLowerCase());
  t.is(toHex(scalarMultVfy(h(v.yb), h(v.Ya))), v.K.toLowerCase());
  t.is(toHex(isk(h(v.sid), h(v.K), h(v.Ya), h(v.ADa), h(v.Yb), h(v.ADb))), v.ISK_IR.toLowerCase());
});

test('both roles through the cpace() API reach the vector ISK and accept each other\'s tags', (t) => {
  const a = cpace('initiator', h(v.PRS), h(v.CI), h(v.sid), h(v.ADa), h(v.ADb), h(v.ya));
  const b = cpace('responder', h(v.PRS), h(v.CI), h(v.sid), h(v.ADb), h(v.ADa), h(v.yb));
  t.is(toHex(a.share), v.Ya.toLowerCase());
  const ka = a.finish(b.share);
  const kb = b.finish(a.share);
  t.is(toHex(ka.isk), v.ISK_IR.toLowerCase());
  t.is(toHex(kb.isk), v.ISK_IR.toLowerCase());
  t.true(kb.checkPeerTag(ka.ourTag));
  t.true(ka.checkPeerTag(kb.ourTag));
  t.false(ka.checkPeerTag(ka.ourTag), 'a reflected tag is refused');
});

test('a wrong password gives different keys and failing tags', (t) => {
  const a = cpace('initiator', h(v.PRS), h(v.CI), h(v.sid), h(v.ADa), h(v.ADb), h(v.ya));
  const b = cpace('responder', h('50617373776F7265'), h(v.CI), h(v.sid), h(v.ADb), h(v.ADa), h(v.yb));
  const ka = a.finish(b.share);
  const kb = b.finish(a.share);
  t.not(toHex(ka.isk), toHex(kb.isk));
  t.false(kb.checkPeerTag(ka.ourTag));
});

test('low-order and non-canonical points: abort where the draft says, correct results elsewhere', (t) => {
  const s = h('af46e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449aff');
  const points = vectors.X25519_points as Record<string, string>;
  const expected: Record<string, string | null> = {
    'Invalid Y0': null, 'Invalid Y1': null, 'Invalid Y2': null, 'Invalid Y3': null, 'Invalid Y4': null, 'Invalid Y5': null,
    'Invalid Y6': 'd8e2c776bbacd510d09fd9278b7edcd25fc5ae9adfba3b6e040e8d3b71b21806',
    'Invalid Y7': null,
    'Invalid Y8': 'c85c655ebe8be44ba9c0ffde69f2fe10194458d137f09bbff725ce58803cdb38',
    'Invalid Y9': 'db64dafa9b8fdd136914e61461935fe92aa372cb056314e1231bc4ec12417456',
    'Invalid Y10': 'e062dcd5376d58297be2618c7498f55baa07d7e03184e8aada20bca28888bf7a',
    'Invalid Y11': '993c6ad11c4c29da9a56f7691fd0ff8d732e49de6250b6c2e80003ff4629a175',
  };
  t.is(Object.keys(points).length, 12);
  for (const [name, hex] of Object.entries(points)) {
    const want = expected[name];
    if (want === null) t.is((t.throws(() => scalarMultVfy(s, h(hex)), { instanceOf: LatchError }) as LatchError).code, 'cpace-bad-point', name);
    else t.is(toHex(scalarMultVfy(s, h(hex))), want, name);
  }
  const party = cpace('responder', h(v.PRS), h(v.CI), h(v.sid), h(v.ADb), h(v.ADa), h(v.yb));
  t.throws(() => party.finish(h(points['Invalid Y0'])), { code: 'cpace-bad-point' });
  t.throws(() => party.finish(new Uint8Array(31)), { code: 'cpace-bad-point' });
});
