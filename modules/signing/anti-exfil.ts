/**
 * Anti-exfil (anti-klepto, sign-to-contract) ECDSA, byte-compatible with libsecp256k1-zkp's ecdsa_s2c module as
 * Jade (libwally's wally_ae_*) and the BitBox02 ("antiklepto") use it. Why: firmware that chooses its own nonce can
 * leak the seed through a few ordinary-looking signatures (Dark Skippy). Here the nonce is the device's RFC 6979
 * nonce tweaked by entropy the host committed to before it saw the device's nonce point, so neither side alone
 * chooses it, and the host checks the tweak was applied:
 *   1. host:   entropy e (32 random bytes), commitment c = H_data(e)                       (hostCommit)
 *   2. device: k = RFC6979(key, digest, extra data = c), answers R = k·G (33 bytes)        (signerCommit)
 *   3. host:   reveals e
 *   4. device: checks H_data(e) = c, signs with k' = k + H_point(R || e)                  (signWithHostEntropy)
 *   5. host:   checks r = x(R + H_point(R || e)·G) mod n and that the signature verifies    (hostVerify)
 * H_data / H_point are BIP 340-style tagged SHA-256 with the tags "s2c/ecdsa/data" and "s2c/ecdsa/point"; R is
 * serialized compressed. Signatures are low-S (libsecp256k1 normalizes too); no low-R grinding (the nonce is fixed).
 */
import { schnorr, secp256k1 } from '../crypto/secp256k1.js';
import { createHmacDrbg } from '@noble/curves/utils.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bigFromBytes, bytes32FromBig, concatBytes, constantTimeEqual, wipe } from '../bytes.js';
import { LatchError } from '../errors.js';
import type { SchnorrAntiExfilSigner } from './anti-exfil-schnorr.js';

const { Point } = secp256k1;
const Fn = Point.Fn;
const N = Fn.ORDER;

export const DATA_TAG = 's2c/ecdsa/data';
export const POINT_TAG = 's2c/ecdsa/point';

export interface AntiExfilSignature {
  r: bigint;
  s: bigint;
  /** y parity of the final nonce point (after low-S), plus 2 when x(R) >= n: as Ethereum's recovery id */
  recovery: number;
}

/** A 32-byte input of the protocol, or bad-anti-exfil naming it (also for anti-exfil-schnorr.ts) */
export function need32(what: string, b: unknown): Uint8Array {
  if (!(b instanceof Uint8Array) || b.length !== 32) throw new LatchError('bad-anti-exfil', `${what} must be 32 bytes`);
  return b;
}

/** Step 1 (host): the commitment to the host's entropy. */
export function hostCommit(entropy: Uint8Array): Uint8Array {
  return schnorr.utils.taggedHash(DATA_TAG, need32('the host entropy', entropy));
}

/**
 * RFC 6979 (HMAC-SHA256) with 32 bytes of extra data, exactly as libsecp256k1's default nonce function. Exported
 * for the tests' hostile signers only: nothing outside this file should handle a nonce.
 */
export function rfc6979Nonce(digest: Uint8Array, privateKey: Uint8Array, extra: Uint8Array): bigint {
  const d = bigFromBytes(privateKey);
  if (d <= 0n || d >= N) throw new LatchError('bad-anti-exfil', 'the private key is out of range');
  const h = bytes32FromBig(bigFromBytes(digest) % N); // bits2octets: the digest reduced mod n
  const seed = concatBytes(privateKey, h, extra);
  const drbg = createHmacDrbg<bigint>(32, 32, (key: Uint8Array, ...msgs: Uint8Array[]) => hmac(sha256, key, concatBytes(...msgs)));
  try {
    return drbg(seed, (b) => {
      const k = bigFromBytes(b);
      return k > 0n && k < N ? k : undefined;
    });
  } finally {
    wipe(seed, h);
  }
}

/** Step 2 (device): the nonce point R it will tweak, derived from the key, the digest and the host's commitment. */
export function signerCommit(digest: Uint8Array, privateKey: Uint8Array, hostCommitment: Uint8Array): Uint8Array {
  const k = rfc6979Nonce(need32('the digest', digest), privateKey, need32('the host commitment', hostCommitment));
  return Point.BASE.multiply(k).toBytes(true);
}

/**
 * H_point(R || e) as a scalar under the protocol's point tag (anti-exfil-schnorr.ts passes its own); libsecp256k1
 * rejects a tweak >= n, which never happens in practice.
 */
export function tweakOf(opening: Uint8Array, entropy: Uint8Array, tag = POINT_TAG): bigint {
  const t = bigFromBytes(schnorr.utils.taggedHash(tag, opening, entropy));
  if (t >= N) throw new LatchError('bad-anti-exfil', 'the commitment tweak is out of range');
  return t;
}

/**
 * Step 4 (device): check the revealed entropy against the commitment, then sign `digest` with the committed nonce
 * tweaked by it. `opening` (the R = k·G this device answered in step 2, kept since) saves a point multiplication
 * (a third of the work); without it R is computed again.
 */
export function signWithHostEntropy(digest: Uint8Array, privateKey: Uint8Array, hostEntropy: Uint8Array, hostCommitment?: Uint8Array, opening?: Uint8Array): AntiExfilSignature {
  const commitment = hostCommit(hostEntropy);
  if (hostCommitment && !constantTimeEqual(commitment, need32('the host commitment', hostCommitment))) {
    throw new LatchError('bad-anti-exfil', 'the revealed entropy does not match the host commitment');
  }
  const k = rfc6979Nonce(need32('the digest', digest), privateKey, commitment);
  const R = opening ?? Point.BASE.multiply(k).toBytes(true);
  const k2 = Fn.add(k, tweakOf(R, hostEntropy));
  if (k2 === 0n) throw new LatchError('bad-anti-exfil', 'the tweaked nonce is zero'); // 1 in 2^256
  const R2 = Point.BASE.multiply(k2).toAffine();
  const r = R2.x % N;
  if (r === 0n) throw new LatchError('bad-anti-exfil', 'r is zero'); // 1 in 2^256
  let s = Fn.mul(Fn.inv(k2), Fn.add(bigFromBytes(digest) % N, Fn.mul(r, bigFromBytes(privateKey))));
  if (s === 0n) throw new LatchError('bad-anti-exfil', 's is zero');
  let recovery = (R2.y & 1n ? 1 : 0) | (R2.x >= N ? 2 : 0);
  if (s > N >> 1n) {
    s = N - s;
    recovery ^= 1;
  }
  return { r, s, recovery };
}

/** Does the signature's r come from `opening` tweaked by `hostEntropy` (secp256k1_ecdsa_s2c_verify_commit)? */
export function verifyCommitment(r: bigint, hostEntropy: Uint8Array, opening: Uint8Array): boolean {
  let R;
  try {
    if (!(opening instanceof Uint8Array) || opening.length !== 33) return false;
    R = Point.fromBytes(opening);
  } catch {
    return false;
  }
  const C = R.add(Point.BASE.multiply(tweakOf(opening, need32('the host entropy', hostEntropy)))).toAffine();
  return C.x % N === r;
}

/**
 * Step 5 (host): the signature (64 bytes r || s, or r and s) opens the device's commitment with our entropy and is a
 * valid signature of `digest` by `publicKey` (secp256k1_anti_exfil_host_verify). High-S is accepted as libsecp256k1's
 * verify would not, so a caller that needs low-S checks it itself (Latch always answers low-S).
 */
export function hostVerify(sig: { r: bigint; s: bigint } | Uint8Array, digest: Uint8Array, publicKey: Uint8Array, hostEntropy: Uint8Array, opening: Uint8Array): boolean {
  const rs = sig instanceof Uint8Array ? { r: bigFromBytes(sig.subarray(0, 32)), s: bigFromBytes(sig.subarray(32, 64)) } : sig;
  if (sig instanceof Uint8Array && sig.length !== 64) return false;
  if (rs.r <= 0n || rs.r >= N || rs.s <= 0n || rs.s >= N) return false;
  if (!verifyCommitment(rs.r, hostEntropy, opening)) return false;
  try {
    const compact = concatBytes(bytes32FromBig(rs.r), bytes32FromBig(rs.s));
    return secp256k1.verify(compact, need32('the digest', digest), publicKey, { prehash: false, lowS: false, format: 'compact' });
  } catch {
    return false;
  }
}

/** What the device signs with; tests build a device with a hostile one to check the host catches it. */
export interface AntiExfilSigner {
  commit(digest: Uint8Array, privateKey: Uint8Array, hostCommitment: Uint8Array): Uint8Array;
  /** `opening`: what `commit` answered for this digest, key and commitment */
  sign(digest: Uint8Array, privateKey: Uint8Array, hostEntropy: Uint8Array, hostCommitment: Uint8Array, opening?: Uint8Array): AntiExfilSignature;
  /** taproot inputs' BIP 340 signer (anti-exfil-schnorr.ts); absent: the honest one */
  schnorr?: SchnorrAntiExfilSigner;
}

export const honestSigner: AntiExfilSigner = { commit: signerCommit, sign: signWithHostEntropy };
