/**
 * CPace, suite CPACE-X25519-SHA512 (draft-irtf-cfrg-cpace), with explicit key confirmation as the draft's
 * "Key confirmation" section suggests: mac_key = SHA-512("CPaceMac" || sid || ISK), Ta = HMAC(mac_key,
 * lv_cat(Ya, ADa)), Tb = HMAC(mac_key, lv_cat(Yb, ADb)). Low-order and identity points make the exchange abort.
 */
import { x25519 } from '../crypto/curve25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { concatBytes, constantTimeEqual, utf8Encode, wipe } from '../bytes.js';
import { LatchError } from '../errors.js';

export const DSI = utf8Encode('CPace255');
const S_IN_BYTES = 128; // SHA-512 block size
const P = (1n << 255n) - 19n;
const A = 486662n;

export function prependLen(data: Uint8Array): Uint8Array {
  const len: number[] = [];
  let n = data.length;
  do {
    len.push(n < 128 ? n : (n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  } while (n > 0);
  return concatBytes(Uint8Array.from(len), data);
}

export function lvCat(...parts: Uint8Array[]): Uint8Array {
  return concatBytes(...parts.map(prependLen));
}

export function generatorString(prs: Uint8Array, ci: Uint8Array, sid: Uint8Array): Uint8Array {
  const zpad = Math.max(0, S_IN_BYTES - 1 - prependLen(prs).length - prependLen(DSI).length);
  return lvCat(DSI, prs, new Uint8Array(zpad), ci, sid);
}

function mod(a: bigint): bigint {
  const r = a % P;
  return r >= 0n ? r : r + P;
}

function pow(b: bigint, e: bigint): bigint {
  let r = 1n;
  b = mod(b);
  while (e > 0n) {
    if (e & 1n) r = (r * b) % P;
    b = (b * b) % P;
    e >>= 1n;
  }
  return r;
}

function decodeU(bytes: Uint8Array): bigint {
  let u = 0n;
  for (let i = 31; i >= 0; i--) u = (u << 8n) | BigInt(i === 31 ? bytes[i] & 0x7f : bytes[i]);
  return u;
}

function encodeU(u: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) { out[i] = Number(u & 0xffn); u >>= 8n; }
  return out;
}

/** Elligator 2 onto Curve25519 (RFC 9380 map_to_curve_elligator2, Z = 2), u-coordinate only. */
export function elligator2(r: bigint): bigint {
  const denominator = mod(1n + 2n * r * r);
  const inv = denominator === 0n ? 0n : pow(denominator, P - 2n); // inv0
  const v = mod(-A * inv);
  const legendre = pow(v * v * v + A * v * v + v, (P - 1n) / 2n);
  return legendre === 1n || legendre === 0n ? v : mod(-v - A);
}

export function calculateGenerator(prs: Uint8Array, ci: Uint8Array, sid: Uint8Array): Uint8Array {
  const hash = sha512(generatorString(prs, ci, sid)).subarray(0, 32);
  return encodeU(elligator2(decodeU(hash)));
}

/** X25519 that refuses the neutral element (low-order inputs) instead of returning zeros. */
export function scalarMultVfy(scalar: Uint8Array, point: Uint8Array): Uint8Array {
  let out: Uint8Array;
  try {
    out = x25519.scalarMult(scalar, point);
  } catch {
    throw new LatchError('cpace-bad-point', 'the peer sent a low-order point');
  }
  if (out.every((b) => b === 0)) throw new LatchError('cpace-bad-point', 'the peer sent a low-order point');
  return out;
}

export function isk(sid: Uint8Array, k: Uint8Array, ya: Uint8Array, ada: Uint8Array, yb: Uint8Array, adb: Uint8Array): Uint8Array {
  return sha512(concatBytes(lvCat(concatBytes(DSI, utf8Encode('_ISK')), sid, k), lvCat(ya, ada), lvCat(yb, adb)));
}

function macKey(sid: Uint8Array, iskValue: Uint8Array): Uint8Array {
  return sha512(concatBytes(utf8Encode('CPaceMac'), sid, iskValue));
}

export interface CPaceParty {
  /** our public share */
  share: Uint8Array;
  /** finish with the peer's share: the ISK, and both confirmation tags; throws on a bad point */
  finish(peerShare: Uint8Array): CPaceKeys;
  wipe(): void;
}

export interface CPaceKeys {
  isk: Uint8Array;
  /** our tag, to send */
  ourTag: Uint8Array;
  /** check the peer's tag in constant time */
  checkPeerTag(tag: Uint8Array): boolean;
  wipe(): void;
}

/**
 * One side of CPace. `role` decides the transcript order (initiator-responder). `scalar` must be 32 fresh
 * random bytes from the health-tested source.
 */
export function cpace(role: 'initiator' | 'responder', prs: Uint8Array, ci: Uint8Array, sid: Uint8Array, ourAd: Uint8Array, peerAd: Uint8Array, scalar: Uint8Array): CPaceParty {
  const g = calculateGenerator(prs, ci, sid);
  const y = scalar.slice();
  const share = scalarMultVfy(y, g);
  return {
    share,
    finish(peerShare) {
      if (peerShare.length !== 32) throw new LatchError('cpace-bad-point', 'a CPace share is 32 bytes');
      const k = scalarMultVfy(y, peerShare);
      const [ya, ada, yb, adb] = role === 'initiator' ? [share, ourAd, peerShare, peerAd] : [peerShare, peerAd, share, ourAd];
      const key = isk(sid, k, ya, ada, yb, adb);
      const mk = macKey(sid, key);
      const ourTag = hmac(sha512, mk, lvCat(share, ourAd));
      const peerTag = hmac(sha512, mk, lvCat(peerShare, peerAd));
      wipe(k);
      return {
        isk: key,
        ourTag,
        checkPeerTag: (tag) => constantTimeEqual(tag, peerTag),
        wipe: () => wipe(key, mk, ourTag, peerTag),
      };
    },
    wipe: () => wipe(y),
  };
}
