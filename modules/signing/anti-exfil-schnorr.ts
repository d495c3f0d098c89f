/**
 * Anti-exfil for BIP 340 Schnorr signatures (taproot key path): the same sign-to-contract idea as the ECDSA
 * protocol in anti-exfil.ts, applied to BIP 340, because no peer publishes one yet (libsecp256k1's Schnorr
 * sign-to-contract, bitcoin-core/secp256k1 PR #1140, is a draft; Jade, the BitBox02 and Trezor leave taproot out).
 * It is Latch's own construction, so its point tag names Latch; the host's commitment is the ECDSA protocol's
 * (hostCommit), so an app commits to every input alike, whatever its type:
 *   1. host:   entropy e (32 random bytes), commitment c = H_data(e)                        (hostCommit)
 *   2. device: k0 = BIP 340's nonce with c as the auxiliary data, answers R0 = k0·G (33 bytes) (signerCommitSchnorr)
 *   3. host:   reveals e
 *   4. device: checks H_data(e) = c, k = k0 + H_point(R0 || e), then BIP 340 with k: negated when k·G has an
 *              odd y, r = x(k·G), s = k + H_challenge(r || P || m)·d                         (signSchnorrWithHostEntropy)
 *   5. host:   checks r = x(R0 + H_point(R0 || e)·G) and that the signature verifies (BIP 340)  (hostVerifySchnorr)
 * H_point is BIP 340's tagged SHA-256 with the tag POINT_TAG below. Why it holds: R0 is fixed before the device
 * sees e, and the final nonce point is R0 plus a hash of e, so the device cannot steer it; negating k for BIP 340's
 * even y changes only y, and the host compares x. The device's nonce stays deterministic (key, message, c), so a
 * device asked twice with the same commitment answers the same R0 and cannot leak through a second choice.
 */
import { schnorr, secp256k1 } from '../crypto/secp256k1.js';
import { bigFromBytes, bytes32FromBig, concatBytes, constantTimeEqual, wipe } from '../bytes.js';
import { LatchError } from '../errors.js';
import { hostCommit, need32, tweakOf } from './anti-exfil.js';

const { Point } = secp256k1;
const Fn = Point.Fn;
const N = Fn.ORDER;
const { taggedHash } = schnorr.utils;

export const POINT_TAG = 'Latch/s2c/bip340/point';

/** d adjusted for an even-y public key (BIP 340), and that key's x */
function evenKey(privateKey: Uint8Array): { d: bigint; px: Uint8Array } {
  const d0 = bigFromBytes(need32('the private key', privateKey));
  if (d0 <= 0n || d0 >= N) throw new LatchError('bad-anti-exfil', 'the private key is out of range');
  const P = Point.BASE.multiply(d0).toAffine();
  return { d: P.y & 1n ? N - d0 : d0, px: bytes32FromBig(P.x) };
}

/** BIP 340's default nonce with the host commitment as its auxiliary data: k0 = H_nonce(d xor H_aux(c) || P || m) */
function committedNonce(d: bigint, px: Uint8Array, digest: Uint8Array, hostCommitment: Uint8Array): bigint {
  const masked = bytes32FromBig(d ^ bigFromBytes(taggedHash('BIP0340/aux', hostCommitment)));
  try {
    const k0 = bigFromBytes(taggedHash('BIP0340/nonce', masked, px, digest)) % N;
    if (k0 === 0n) throw new LatchError('bad-anti-exfil', 'the nonce is zero'); // 1 in 2^256
    return k0;
  } finally {
    wipe(masked);
  }
}

/** Step 2 (device): the nonce point R0 it will tweak, from the (tweaked taproot) key, the sighash and c. */
export function signerCommitSchnorr(digest: Uint8Array, privateKey: Uint8Array, hostCommitment: Uint8Array): Uint8Array {
  const { d, px } = evenKey(privateKey);
  return Point.BASE.multiply(committedNonce(d, px, need32('the digest', digest), need32('the host commitment', hostCommitment))).toBytes(true);
}

/**
 * Step 4 (device): check the revealed entropy against the commitment, then the BIP 340 signature (64 bytes) of
 * `digest` with the committed nonce tweaked by it. Verified before it is returned, as every BIP 340 signature here.
 */
export function signSchnorrWithHostEntropy(digest: Uint8Array, privateKey: Uint8Array, hostEntropy: Uint8Array, hostCommitment?: Uint8Array, opening?: Uint8Array): Uint8Array {
  const commitment = hostCommit(hostEntropy);
  if (hostCommitment && !constantTimeEqual(commitment, need32('the host commitment', hostCommitment))) {
    throw new LatchError('bad-anti-exfil', 'the revealed entropy does not match the host commitment');
  }
  const { d, px } = evenKey(privateKey);
  const k0 = committedNonce(d, px, need32('the digest', digest), commitment);
  const R0 = opening ?? Point.BASE.multiply(k0).toBytes(true);
  const k1 = Fn.add(k0, tweakOf(R0, hostEntropy, POINT_TAG));
  if (k1 === 0n) throw new LatchError('bad-anti-exfil', 'the tweaked nonce is zero'); // 1 in 2^256
  const R = Point.BASE.multiply(k1).toAffine();
  const k = R.y & 1n ? N - k1 : k1;
  const rx = bytes32FromBig(R.x);
  const e = bigFromBytes(taggedHash('BIP0340/challenge', rx, px, digest)) % N;
  const sig = concatBytes(rx, bytes32FromBig(Fn.add(k, Fn.mul(e, d))));
  if (!schnorr.verify(sig, digest, px)) throw new LatchError('bad-anti-exfil', 'the signature did not verify'); // a fault
  return sig;
}

/**
 * Step 5 (host): the 64-byte BIP 340 signature verifies for `publicKey` (32-byte x only, the taproot output key)
 * and its r is the device's R0 tweaked by our entropy.
 */
export function hostVerifySchnorr(sig: Uint8Array, digest: Uint8Array, publicKey: Uint8Array, hostEntropy: Uint8Array, opening: Uint8Array): boolean {
  if (!(sig instanceof Uint8Array) || sig.length !== 64) return false;
  if (!(opening instanceof Uint8Array) || opening.length !== 33) return false;
  try {
    const R = Point.fromBytes(opening).add(Point.BASE.multiply(tweakOf(opening, need32('the host entropy', hostEntropy), POINT_TAG)));
    if (R.is0() || R.toAffine().x !== bigFromBytes(sig.subarray(0, 32))) return false;
    return schnorr.verify(sig, need32('the digest', digest), publicKey);
  } catch {
    return false;
  }
}

/** What the device signs taproot inputs with; tests build a device with a hostile one to check the host catches it. */
export interface SchnorrAntiExfilSigner {
  commit(digest: Uint8Array, privateKey: Uint8Array, hostCommitment: Uint8Array): Uint8Array;
  sign(digest: Uint8Array, privateKey: Uint8Array, hostEntropy: Uint8Array, hostCommitment: Uint8Array, opening?: Uint8Array): Uint8Array;
}

export const honestSchnorrSigner: SchnorrAntiExfilSigner = { commit: signerCommitSchnorr, sign: signSchnorrWithHostEntropy };
