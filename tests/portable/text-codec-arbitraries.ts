/** fast-check arbitraries for tests/portable/text-codec.test.ts and the Node vectors it is checked against. */
import fc from 'fast-check';

/** Strings with lone surrogates, astral characters, ASCII and the 1/2/3/4-byte ranges' edges. */
export const anyString = fc.array(fc.oneof(
  fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  fc.constantFrom(0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xfeff, 0xfffd, 0xffff).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x10000, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp)),
), { maxLength: 40 }).map((parts) => parts.join(''));

/** Well-formed strings only (every code point but the surrogates). */
export const wellFormed = fc.array(fc.oneof(
  fc.integer({ min: 0, max: 0xd7ff }), fc.integer({ min: 0xe000, max: 0x10ffff }),
).map((cp) => String.fromCodePoint(cp)), { maxLength: 40 }).map((p) => p.join(''));

/** Bytes biased to UTF-8's interesting values: lead and continuation bytes, range boundaries, invalid bytes, BOM. */
export const utf8ishBytes = fc.array(fc.oneof(
  fc.integer({ min: 0, max: 255 }),
  fc.integer({ min: 0x80, max: 0xbf }),
  fc.constantFrom(0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0x9f, 0xa0, 0x8f, 0x90, 0xbb, 0xbf),
), { maxLength: 24 }).map((a) => Uint8Array.from(a));
