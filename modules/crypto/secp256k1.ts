/**
 * secp256k1: ECDSA and BIP340 Schnorr, and nothing else. `@noble/curves/secp256k1.js` also builds, when it
 * loads, a hash-to-curve hasher (with its isogeny constants) and two FROST suites, and imports noble's
 * `abstract/frost.js`, `hash-to-curve.js` and `fft.js` for them: the firmware uses none of it, but XS keeps every
 * object a module makes in RAM. This module builds the same curve, `secp256k1` (ECDSA) and `schnorr` objects from
 * noble's `abstract/weierstrass.js`, with the constants and BIP340 code of noble's `secp256k1.js` (v2.4), as
 * `curve25519.ts` does for Ed25519. The libraries that import noble's module themselves (@scure/bip32,
 * @scure/btc-signer, micro-eth-signer) get this one in the firmware: the Moddable manifest maps
 * `@noble/curves/secp256k1` to `modules/noble-alias/secp256k1.ts`, which re-exports it, and the XS bundles
 * alias it the same way (hosts/xs/bundle.ts), so one curve object (one precomputed table) serves everything.
 * tests/portable/secp256k1.test.ts checks it against noble's module and the BIP340 vectors.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { createKeygen } from '@noble/curves/abstract/curve.js';
import { Field, mapHashToField, pow2 } from '@noble/curves/abstract/modular.js';
import { ecdsa, weierstrass, type WeierstrassPoint } from '@noble/curves/abstract/weierstrass.js';
import { abytes, asciiToBytes, bytesToNumberBE, concatBytes, copyBytes } from '@noble/curves/utils.js';

const CURVE = {
  p: BigInt('0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f'),
  n: BigInt('0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141'),
  h: BigInt(1),
  a: BigInt(0),
  b: BigInt(7),
  Gx: BigInt('0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798'),
  Gy: BigInt('0x483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8'),
};

/** the GLV endomorphism, which halves the doublings of a multiplication */
const ENDO = {
  beta: BigInt('0x7ae96a2b657c07106e64479eac3434e99cf0497512f58995c1396c28719501ee'),
  basises: [
    [BigInt('0x3086d221a7d46bcde86c90e49284eb15'), -BigInt('0xe4437ed6010e88286f547fa90abfe4c3')],
    [BigInt('0x114ca50f7a8e2f3f657c1108d9d44cfd8'), BigInt('0x3086d221a7d46bcde86c90e49284eb15')],
  ] as [[bigint, bigint], [bigint, bigint]],
};

const _0n = BigInt(0);
const _2n = BigInt(2);

/** y^((p+1)/4) by noble's addition chain (p = 3 mod 4), checked */
function sqrtMod(y: bigint): bigint {
  const P = CURVE.p;
  const _3n = BigInt(3), _6n = BigInt(6), _11n = BigInt(11), _22n = BigInt(22);
  const _23n = BigInt(23), _44n = BigInt(44), _88n = BigInt(88);
  const b2 = (y * y * y) % P;
  const b3 = (b2 * b2 * y) % P;
  const b6 = (pow2(b3, _3n, P) * b3) % P;
  const b9 = (pow2(b6, _3n, P) * b3) % P;
  const b11 = (pow2(b9, _2n, P) * b2) % P;
  const b22 = (pow2(b11, _11n, P) * b11) % P;
  const b44 = (pow2(b22, _22n, P) * b22) % P;
  const b88 = (pow2(b44, _44n, P) * b44) % P;
  const b176 = (pow2(b88, _88n, P) * b88) % P;
  const b220 = (pow2(b176, _44n, P) * b44) % P;
  const b223 = (pow2(b220, _3n, P) * b3) % P;
  const t1 = (pow2(b223, _23n, P) * b22) % P;
  const t2 = (pow2(t1, _6n, P) * b2) % P;
  const root = pow2(t2, _2n, P);
  if (!Fp.eql(Fp.sqr(root), y)) throw new Error('Cannot find square root');
  return root;
}

const Fp = Field(CURVE.p, { sqrt: sqrtMod });
const Point = weierstrass(CURVE, { Fp, endo: ENDO });
type Point = WeierstrassPoint<bigint>;

/** ECDSA over secp256k1 (RFC 6979 nonces, low-S by default), as noble's `secp256k1` */
export const secp256k1 = ecdsa(Point, sha256);

// BIP340 (Schnorr signatures for secp256k1), as noble's secp256k1.js

const TAGGED_HASH_PREFIXES: Record<string, Uint8Array> = Object.create(null);

/** sha256(sha256(tag) || sha256(tag) || messages...) */
function taggedHash(tag: string, ...messages: Uint8Array[]): Uint8Array {
  let tagP = TAGGED_HASH_PREFIXES[tag];
  if (tagP === undefined) {
    const tagH = sha256(asciiToBytes(tag));
    tagP = concatBytes(tagH, tagH);
    TAGGED_HASH_PREFIXES[tag] = tagP;
  }
  return sha256(concatBytes(tagP, ...messages));
}

const pointToBytes = (point: Point): Uint8Array => point.toBytes(true).slice(1);
const affineXToBytes = ({ x }: { x: bigint }): Uint8Array => Fp.toBytes(x);
const hasEven = (y: bigint): boolean => !Fp.isOdd!(y);
const num = bytesToNumberBE;

/** the secret scalar negated when its point has an odd y, and the point's x (BIP340's even-y convention) */
function schnorrGetExtPubKey(priv: Uint8Array): { scalar: bigint; bytes: Uint8Array } {
  const { Fn, BASE } = Point;
  const d_ = Fn.fromBytes(abytes(priv, 32, 'secretKey'));
  const affine = BASE.multiply(d_).toAffine(); // rejects 0 and >= n
  return { scalar: hasEven(affine.y) ? d_ : Fn.neg(d_), bytes: affineXToBytes(affine) };
}

/** the point with x and an even y, or a throw (BIP340 lift_x) */
function lift_x(x: bigint): Point {
  if (!Fp.isValidNot0(x)) throw new Error('invalid x: Fail if x ≥ p');
  const c = Fp.add(Fp.mulN(Fp.sqr(x), x), BigInt(7));
  let y = Fp.sqrt(c);
  if (!hasEven(y)) y = Fp.neg(y);
  const p = Point.fromAffine({ x, y });
  p.assertValidity();
  return p;
}

function challenge(...args: Uint8Array[]): bigint {
  return Point.Fn.create(num(taggedHash('BIP0340/challenge', ...args)));
}

function schnorrGetPublicKey(secretKey: Uint8Array): Uint8Array {
  return schnorrGetExtPubKey(secretKey).bytes;
}

/** a BIP340 signature, verified before it is returned (a faulted computation never leaves) */
function schnorrSign(message: Uint8Array, secretKey: Uint8Array, auxRand: Uint8Array = randomBytes(32)): Uint8Array {
  const { Fn, BASE } = Point;
  const m = copyBytes(abytes(message, undefined, 'message'));
  const { bytes: px, scalar: d } = schnorrGetExtPubKey(secretKey);
  const a = abytes(auxRand, 32, 'auxRand');
  const t = Fn.toBytes(d ^ num(taggedHash('BIP0340/aux', a)));
  const rand = taggedHash('BIP0340/nonce', t, px, m);
  const k_ = Fn.create(num(rand));
  if (k_ === _0n) throw new Error('sign failed: k is zero');
  const affine = BASE.multiply(k_).toAffine();
  const k = hasEven(affine.y) ? k_ : Fn.neg(k_);
  const rx = affineXToBytes(affine);
  const e = challenge(rx, px, m);
  const sig = new Uint8Array(64);
  sig.set(rx, 0);
  sig.set(Fn.toBytes(Fn.create(k + e * d)), 32);
  if (!schnorrVerify(sig, m, px)) throw new Error('sign: Invalid signature produced');
  return sig;
}

function schnorrVerify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  const { Fn, BASE } = Point;
  const sig = abytes(signature, 64, 'signature');
  const m = abytes(message, undefined, 'message');
  const pub = abytes(publicKey, 32, 'publicKey');
  try {
    const P = lift_x(num(pub));
    const rBytes = sig.subarray(0, 32);
    const r = num(rBytes);
    if (!Fp.isValidNot0(r)) return false;
    const s = num(sig.subarray(32, 64));
    if (!Fn.isValidNot0(s)) return false;
    const e = challenge(rBytes, pointToBytes(P), m);
    const R = BASE.mulAddUnsafe(s, P, Fn.neg(e)); // s⋅G - e⋅P
    const { x, y } = R.toAffine();
    return !(R.is0() || !hasEven(y) || !Fp.eql(x, r));
  } catch {
    return false;
  }
}

/** BIP340 Schnorr signatures, as noble's `schnorr` */
export const schnorr = (() => {
  const size = 32;
  const seedLength = 48;
  const randomSecretKey = (seed?: Uint8Array): Uint8Array => {
    seed = seed === undefined ? randomBytes(seedLength) : seed;
    return mapHashToField(abytes(seed, seedLength, 'seed'), CURVE.n);
  };
  return Object.freeze({
    keygen: createKeygen(randomSecretKey, schnorrGetPublicKey),
    getPublicKey: schnorrGetPublicKey,
    sign: schnorrSign,
    verify: schnorrVerify,
    Point,
    utils: Object.freeze({ randomSecretKey, taggedHash, lift_x, pointToBytes }),
    lengths: Object.freeze({ secretKey: size, publicKey: size, publicKeyHasPrefix: false, signature: size * 2, seed: seedLength }),
  });
})();
