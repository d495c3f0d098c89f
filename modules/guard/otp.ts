/**
 * One-time passwords: HOTP (RFC 4226), TOTP (RFC 6238) and the `otpauth://` URIs authenticator apps read (Google
 * Authenticator's Key-Uri-Format), with Jade's rules so its test cases agree: digits 6 or 8, period 1..255 s,
 * SHA1/SHA256/SHA512, and a secret shorter than the hash's output repeated up to that length for SHA256/SHA512
 * (how RFC 6238's 32- and 64-byte seeds arise) but used as is for SHA1.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { base32nopad } from '@scure/base';
import { wipe } from '../bytes.js';
import { LatchError } from '../errors.js';

export type OtpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

export interface OtpParams {
  kind: 'totp' | 'hotp';
  secret: Uint8Array;
  algorithm: OtpAlgorithm;
  digits: 6 | 8;
  /** TOTP time step in seconds */
  period: number;
  /** HOTP starting counter */
  counter?: bigint;
  label: string;
  issuer?: string;
}

const HASHES = { SHA1: sha1, SHA256: sha256, SHA512: sha512 };
const OUTPUT = { SHA1: 20, SHA256: 32, SHA512: 64 };
const U64_MAX = (1n << 64n) - 1n;

function bad(message: string): LatchError {
  return new LatchError('bad-otpauth', message);
}

/** The HMAC key for `secret` under Jade's rule (see above). */
export function otpKey(secret: Uint8Array, algorithm: OtpAlgorithm): Uint8Array {
  const size = OUTPUT[algorithm];
  if (algorithm === 'SHA1' || secret.length >= size || secret.length === 0) return secret.slice();
  const key = new Uint8Array(size);
  for (let i = 0; i < size; i++) key[i] = secret[i % secret.length];
  return key;
}

/** RFC 4226: the code for `counter` (a 64-bit counter), `digits` long. */
export function hotp(secret: Uint8Array, counter: bigint, digits: 6 | 8 = 6, algorithm: OtpAlgorithm = 'SHA1'): string {
  if (counter < 0n || counter > U64_MAX) throw bad('the counter must fit in 64 bits');
  const message = new Uint8Array(8);
  let c = counter;
  for (let i = 7; i >= 0; i--, c >>= 8n) message[i] = Number(c & 0xffn);
  const key = otpKey(secret, algorithm);
  const mac = hmac(HASHES[algorithm], key, message);
  wipe(key);
  const offset = mac[mac.length - 1] & 0x0f;
  const value = ((mac[offset] & 0x7f) * 0x1000000) + (mac[offset + 1] << 16) + (mac[offset + 2] << 8) + mac[offset + 3];
  wipe(mac);
  return String(value % (digits === 8 ? 100_000_000 : 1_000_000)).padStart(digits, '0');
}

/** RFC 6238 time step of `unixSeconds` (T0 = 0). */
export function timeStep(unixSeconds: number, period = 30): bigint {
  if (!Number.isFinite(unixSeconds) || unixSeconds < 0) throw bad('the time must be a Unix time in seconds, not negative');
  return BigInt(Math.floor(unixSeconds / period));
}

/** RFC 6238: the code at `unixSeconds`. */
export function totp(secret: Uint8Array, unixSeconds: number, digits: 6 | 8 = 6, algorithm: OtpAlgorithm = 'SHA1', period = 30): string {
  return hotp(secret, timeStep(unixSeconds, period), digits, algorithm);
}

/** The code `params` gives at `value` (the counter for HOTP, the Unix time for TOTP). */
export function otpCode(params: OtpParams, value: number | bigint): string {
  return params.kind === 'hotp'
    ? hotp(params.secret, BigInt(value), params.digits, params.algorithm)
    : totp(params.secret, Number(value), params.digits, params.algorithm, params.period);
}

function decodeComponent(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw bad('the URI has a broken %-escape');
  }
}

/** Base32 as authenticators write it: any case, spaces and padding ignored. */
export function decodeBase32(text: string): Uint8Array {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  if (!/^[A-Z2-7]+$/.test(clean)) throw bad('the secret is not base32 (A-Z, 2-7)');
  // base32nopad refuses a final group with leftover bits set; authenticators ignore them: drop them first
  const usable = Math.floor((clean.length * 5) / 8);
  const trimmed = clean.slice(0, Math.ceil((usable * 8) / 5));
  const padded = trimmed + 'A'.repeat((8 - (trimmed.length % 8)) % 8);
  const bytes = base32nopad.decode(padded);
  return bytes.slice(0, usable);
}

/** Parse an `otpauth://totp/...` or `otpauth://hotp/...` URI; anything off is refused with the reason. */
export function parseOtpauth(uri: string): OtpParams {
  const m = /^otpauth:\/\/(totp|hotp)\/([^?]*)\?(.*)$/i.exec(uri);
  if (!m) throw bad('not an otpauth://totp/ or otpauth://hotp/ URI');
  const kind = m[1].toLowerCase() as 'totp' | 'hotp';
  const label = decodeComponent(m[2]);
  const query = new Map<string, string>();
  for (const part of m[3].split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = (eq < 0 ? part : part.slice(0, eq)).toLowerCase();
    if (query.has(k)) throw bad(`"${k}" appears twice`);
    query.set(k, eq < 0 ? '' : decodeComponent(part.slice(eq + 1)));
  }
  const secretText = query.get('secret');
  if (!secretText) throw bad('the URI has no secret');
  const secret = decodeBase32(secretText);
  if (secret.length === 0 || secret.length > 64) throw bad('the secret must be 1 to 64 bytes');
  const alg = (query.get('algorithm') ?? 'SHA1').toUpperCase();
  if (alg !== 'SHA1' && alg !== 'SHA256' && alg !== 'SHA512') throw bad(`algorithm ${alg} is not SHA1, SHA256 or SHA512`);
  const digitsText = query.get('digits') ?? '6';
  if (digitsText !== '6' && digitsText !== '8') throw bad('digits must be 6 or 8');
  const periodText = query.get('period') ?? '30';
  if (!/^[0-9]{1,3}$/.test(periodText) || Number(periodText) < 1 || Number(periodText) > 255) throw bad('the period must be 1 to 255 seconds');
  const params: OtpParams = {
    kind, secret, algorithm: alg, digits: digitsText === '8' ? 8 : 6, period: Number(periodText), label,
    ...(query.has('issuer') ? { issuer: query.get('issuer') } : {}),
  };
  if (kind === 'hotp') {
    const counter = query.get('counter');
    if (counter === undefined || !/^[0-9]{1,20}$/.test(counter)) throw bad('an hotp URI needs a counter of 1 to 20 digits');
    const value = BigInt(counter);
    if (value > U64_MAX) throw bad('the counter must fit in 64 bits');
    params.counter = value;
  }
  return params;
}

/** The enrolment URI for a TOTP secret (SHA1, 6 digits, 30 s: what every authenticator app reads). */
export function otpauthUri(secret: Uint8Array, account: string, issuer = 'Latch'): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  return `otpauth://totp/${label}?secret=${base32nopad.encode(secret)}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=6&period=30`;
}
