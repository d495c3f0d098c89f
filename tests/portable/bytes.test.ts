import test from 'ava';
import fc from 'fast-check';
import { concatBytes, constantTimeEqual, fromHex, toHex, utf8Decode, utf8Encode, wipe } from '../../modules/bytes.js';

test('utf8Encode matches known encodings', (t) => {
  t.deepEqual(utf8Encode('abc'), Uint8Array.of(0x61, 0x62, 0x63));
  t.deepEqual(utf8Encode('é'), Uint8Array.of(0xc3, 0xa9));
  t.deepEqual(utf8Encode('€'), Uint8Array.of(0xe2, 0x82, 0xac));
  t.deepEqual(utf8Encode('😀'), Uint8Array.of(0xf0, 0x9f, 0x98, 0x80));
  t.deepEqual(utf8Encode('\ud800'), Uint8Array.of(0xef, 0xbf, 0xbd), 'a lone surrogate becomes U+FFFD');
});

test('utf8 round-trips any string of valid code points', (t) => {
  fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => utf8Decode(utf8Encode(s)) === s), { numRuns: 300 });
  t.pass();
});

test('utf8Decode rejects malformed input', (t) => {
  t.throws(() => utf8Decode(Uint8Array.of(0xc3)), { message: /truncated/ });
  t.throws(() => utf8Decode(Uint8Array.of(0x80)), { message: /lead byte/ });
  t.throws(() => utf8Decode(Uint8Array.of(0xc0, 0x80)), { message: /lead byte/ }, 'overlong NUL');
  t.throws(() => utf8Decode(Uint8Array.of(0xed, 0xa0, 0x80)), { message: /code point/ }, 'encoded surrogate');
  t.throws(() => utf8Decode(Uint8Array.of(0xe2, 0x28, 0xa1)), { message: /continuation/ });
});

test('hex round-trips and rejects junk', (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => constantTimeEqual(fromHex(toHex(b)), b)), { numRuns: 200 });
  t.is(toHex(Uint8Array.of(0, 15, 255)), '000fff');
  t.throws(() => fromHex('abc'), { message: /invalid hex/ });
  t.throws(() => fromHex('zz'), { message: /invalid hex/ });
});

test('constantTimeEqual compares contents and lengths', (t) => {
  t.true(constantTimeEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3)));
  t.false(constantTimeEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 4)));
  t.false(constantTimeEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2)));
  t.true(constantTimeEqual(new Uint8Array(0), new Uint8Array(0)));
});

test('concatBytes and wipe', (t) => {
  const a = Uint8Array.of(1, 2), b = Uint8Array.of(3);
  t.deepEqual(concatBytes(a, b, new Uint8Array(0)), Uint8Array.of(1, 2, 3));
  wipe(a, undefined, b);
  t.deepEqual(a, Uint8Array.of(0, 0));
  t.deepEqual(b, Uint8Array.of(0));
});
