// One-time passwords against the standards and Jade, read from ../shared/vectors/otp at test time: RFC 4226's
// ten HOTP values (with the intermediate HMAC and truncation), RFC 6238's eighteen TOTP values (three hashes, six
// times), and Jade's otpauth URIs (39 codes, 9 URIs it refuses). Both engines.
import test from 'ava';
import fc from 'fast-check';
import { base32nopad } from '@scure/base';
import { fromHex, toHex } from '../../modules/bytes.js';
import { decodeBase32, hotp, otpCode, otpKey, otpauthUri, parseOtpauth, totp } from '../../modules/guard/otp.js';
import rfc4226 from '../../../shared/vectors/otp/rfc4226-hotp.json' with { type: 'json' };
import rfc6238 from '../../../shared/vectors/otp/rfc6238-totp.json' with { type: 'json' };
import jade from '../../../shared/vectors/otp/jade-otp.json' with { type: 'json' };

test('RFC 4226 Appendix D: ten HOTP values', (t) => {
  const v = rfc4226 as any;
  const secret = fromHex(v.secret_hex);
  t.deepEqual(decodeBase32(v.secret_base32), secret);
  t.is(v.cases.length, 10);
  for (const c of v.cases) t.is(hotp(secret, BigInt(c.count)), c.hotp_6_digits, `count ${c.count}`);
});

test('RFC 6238 Appendix B: eighteen TOTP values (SHA1, SHA256, SHA512), 8 digits and the 6-digit tails', (t) => {
  const v = rfc6238 as any;
  t.is(v.cases.length, 18);
  for (const c of v.cases) {
    const key = fromHex(v.keys[c.mode].hex);
    t.is(totp(key, c.time_unix, 8, c.mode), c.totp_8_digits, `${c.mode} at ${c.time_unix}`);
    t.is(totp(key, c.time_unix, 6, c.mode), c.totp_6_digits_derived);
  }
});

test('Jade: 39 codes from otpauth URIs (short secrets, key lengthening for SHA256/512) and 9 URIs refused', (t) => {
  const v = jade as any;
  t.is(v.cases.length, 39);
  for (const c of v.cases) {
    const p = parseOtpauth(c.uri);
    t.is(toHex(p.secret), c.secret_hex, c.uri);
    t.is(toHex(otpKey(p.secret, p.algorithm)), c.key_used_hex);
    t.is(otpCode(p, c.value_kind === 'counter' ? BigInt(c.value) : c.value), c.expected, `${c.uri} at ${c.value}`);
  }
  const bad = [...v.bad_uris.hotp_bad_suffixes.map((s: string) => v.bad_uris.hotp_base + s), ...v.bad_uris.totp_bad_suffixes.map((s: string) => v.bad_uris.totp_base + s)];
  t.is(bad.length, 9);
  for (const uri of bad) t.throws(() => parseOtpauth(uri), { code: 'bad-otpauth' }, uri);
});

test('other malformed URIs are refused with the reason', (t) => {
  const cases: [string, RegExp][] = [
    ['https://example.com', /not an otpauth/],
    ['otpauth://totp/x?issuer=y', /no secret/],
    ['otpauth://totp/x?secret=1111', /not base32/],
    ['otpauth://totp/x?secret=GEZDGNBV&algorithm=MD5', /MD5 is not SHA1/],
    ['otpauth://totp/x?secret=GEZDGNBV&secret=GEZDGNBV', /appears twice/],
    ['otpauth://totp/%zz?secret=GEZDGNBV', /%-escape/],
    ['otpauth://totp/x?secret=' + 'A'.repeat(110), /1 to 64 bytes/],
  ];
  for (const [uri, why] of cases) t.throws(() => parseOtpauth(uri), { message: why }, uri);
});

test('the enrolment URI round-trips through the parser, and any base32 secret decodes as authenticators do', (t) => {
  const secret = fromHex('00112233445566778899aabbccddeeff00112233');
  const uri = otpauthUri(secret, 'Device 1a2b3c4d');
  t.regex(uri, /^otpauth:\/\/totp\/Latch%3ADevice%201a2b3c4d\?secret=[A-Z2-7]{32}&issuer=Latch&algorithm=SHA1&digits=6&period=30$/);
  const p = parseOtpauth(uri);
  t.deepEqual(p.secret, secret);
  t.is(p.label, 'Latch:Device 1a2b3c4d');
  t.is(totp(secret, 1_700_000_000), otpCode(p, 1_700_000_000));
  fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (bytes) => {
    const text = base32nopad.encode(bytes);
    return toHex(decodeBase32(text.toLowerCase().replace(/(.{4})/g, '$1 '))) === toHex(bytes);
  }), { numRuns: 200 });
});
