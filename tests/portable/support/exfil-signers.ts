/**
 * Test doubles of the firmware's anti-exfil signer that try to choose the nonce themselves (what firmware leaking
 * the seed through nonces, "Dark Skippy", would do). Each commits to some R and then signs; the host's check must
 * refuse every one of them. They share the honest signer's interface so a device can be built with one.
 */
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '../../../modules/bytes.js';
import { honestSigner, hostCommit, rfc6979Nonce, signWithHostEntropy, type AntiExfilSigner, type AntiExfilSignature } from '../../../modules/signing/anti-exfil.js';
import { honestSchnorrSigner, signSchnorrWithHostEntropy, type SchnorrAntiExfilSigner } from '../../../modules/signing/anti-exfil-schnorr.js';

const { Point } = secp256k1;
const Fn = Point.Fn;
const N = Fn.ORDER;

function big(b: Uint8Array): bigint {
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  return n;
}

/** ECDSA with a nonce the signer chose (low-S, recovery id as Ethereum's). */
function signWithNonce(digest: Uint8Array, key: Uint8Array, k: bigint): AntiExfilSignature {
  const R = Point.BASE.multiply(k).toAffine();
  const r = R.x % N;
  let s = Fn.mul(Fn.inv(k), Fn.add(big(digest) % N, Fn.mul(r, big(key))));
  let recovery = R.y & 1n ? 1 : 0;
  if (s > N >> 1n) { s = N - s; recovery ^= 1; }
  return { r, s, recovery };
}

/** A nonce an attacker who knows the scheme can recompute from the seed's key and the message. */
function seedNonce(digest: Uint8Array, key: Uint8Array): bigint {
  return (big(sha256(concatBytes(new TextEncoder().encode('dark skippy'), key, digest))) % (N - 1n)) + 1n;
}

export const EVIL_SIGNERS: Record<string, AntiExfilSigner> = {
  /** commits honestly, then signs with plain RFC 6979 (no host data at all) */
  'ignores the host entropy': {
    commit: honestSigner.commit,
    sign: (digest, key) => {
      const sig = secp256k1.sign(digest, key, { prehash: false, lowS: true, extraEntropy: false, format: 'recovered' });
      return { recovery: sig[0], r: big(sig.subarray(1, 33)), s: big(sig.subarray(33, 65)) };
    },
  },
  /** commits honestly, then signs with a nonce derived from the key */
  'signs with a seed-derived nonce': {
    commit: honestSigner.commit,
    sign: (digest, key) => signWithNonce(digest, key, seedNonce(digest, key)),
  },
  /** commits to the seed-derived nonce's point and signs with that nonce, untweaked */
  'commits to a seed-derived nonce and skips the tweak': {
    commit: (digest, key) => Point.BASE.multiply(seedNonce(digest, key)).toBytes(true),
    sign: (digest, key) => signWithNonce(digest, key, seedNonce(digest, key)),
  },
  /** tweaks, but with entropy of its own instead of the host's (a fixed value the attacker knows) */
  'tweaks with its own entropy': {
    commit: honestSigner.commit,
    sign: (digest, key) => { const own = new Uint8Array(32).fill(0x42); return signWithHostEntropy(digest, key, own, hostCommit(own)); },
  },
  /** signs with the committed nonce k itself (R = k·G as promised) but drops the host's tweak */
  'signs the committed nonce untweaked': {
    commit: honestSigner.commit,
    sign: (digest, key, entropy) => signWithNonce(digest, key, rfc6979Nonce(digest, key, hostCommit(entropy))),
  },
};

/** BIP 340 with a nonce the signer chose (noble's arithmetic, written here so the module under test is not used) */
function schnorrWithNonce(digest: Uint8Array, key: Uint8Array, nonce: bigint): Uint8Array {
  const P = Point.BASE.multiply(big(key)).toAffine();
  const d = P.y & 1n ? N - big(key) : big(key);
  const R = Point.BASE.multiply(nonce).toAffine();
  const k = R.y & 1n ? N - nonce : nonce;
  const rx = Fn.toBytes(R.x);
  const e = big(schnorr.utils.taggedHash('BIP0340/challenge', rx, Fn.toBytes(P.x), digest)) % N;
  return concatBytes(rx, Fn.toBytes(Fn.add(k, Fn.mul(e, d))));
}

/** The same attacks on taproot inputs: each signs a valid BIP 340 signature that the host's check must refuse. */
export const EVIL_SCHNORR_SIGNERS: Record<string, SchnorrAntiExfilSigner> = {
  /** commits honestly, then signs as plain BIP 340 with all-zero auxiliary data */
  'ignores the host entropy': {
    commit: honestSchnorrSigner.commit,
    sign: (digest, key) => schnorr.sign(digest, key, new Uint8Array(32)),
  },
  'signs with a seed-derived nonce': {
    commit: honestSchnorrSigner.commit,
    sign: (digest, key) => schnorrWithNonce(digest, key, seedNonce(digest, key)),
  },
  'commits to a seed-derived nonce and skips the tweak': {
    commit: (digest, key) => Point.BASE.multiply(seedNonce(digest, key)).toBytes(true),
    sign: (digest, key) => schnorrWithNonce(digest, key, seedNonce(digest, key)),
  },
  'tweaks with its own entropy': {
    commit: honestSchnorrSigner.commit,
    sign: (digest, key) => { const own = new Uint8Array(32).fill(0x42); return signSchnorrWithHostEntropy(digest, key, own, hostCommit(own)); },
  },
  /** BIP 340's own nonce with the commitment as aux data is exactly the committed one: signed untweaked */
  'signs the committed nonce untweaked': {
    commit: honestSchnorrSigner.commit,
    sign: (digest, key, entropy) => schnorr.sign(digest, key, hostCommit(entropy)),
  },
};
