/**
 * Ed25519 signatures and X25519 key agreement, and nothing else of Curve25519. `@noble/curves/ed25519.js` builds
 * a dozen objects when it loads (ed25519ctx, ed25519ph, two FROST suites, ristretto255 with its hasher and OPRF,
 * the Elligator constants), which the firmware never uses but XS keeps in RAM: this module builds the two the
 * firmware uses (the event log signs with Ed25519; binding and the session use X25519) from noble's own
 * `abstract/edwards.js` and `abstract/montgomery.js`, with the curve's constants and helpers as noble's
 * `ed25519.js` (v2.4) defines them. tests/portable/curve25519.test.ts checks both against noble's module and the
 * RFC 8032 / RFC 7748 vectors.
 */
import { sha512 } from '@noble/hashes/sha2.js';
import { abytes } from '@noble/hashes/utils.js';
import { eddsa, edwards } from '@noble/curves/abstract/edwards.js';
import { isNegativeLE, mod, pow2 } from '@noble/curves/abstract/modular.js';
import { montgomery } from '@noble/curves/abstract/montgomery.js';

const _0n = BigInt(0), _1n = BigInt(1), _2n = BigInt(2), _3n = BigInt(3), _5n = BigInt(5), _8n = BigInt(8);
const P = BigInt('0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed'); // 2^255 - 19

const CURVE = {
  p: P,
  n: BigInt('0x1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed'),
  h: _8n,
  a: BigInt('0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffec'),
  d: BigInt('0x52036cee2b6ffe738cc740797779e89800700a4d4141d8ab75eb4dca135978a3'),
  Gx: BigInt('0x216936d3cd6e53fec0a4e231fdd6dc5c692cc7609525a7b2c9562d608f25d51a'),
  Gy: BigInt('0x6666666666666666666666666666666666666666666666666666666666666658'),
};

/** x^((p-5)/8) and x^3, the addition chain noble uses for square roots and inversion */
function pow_2_252_3(x: bigint): { pow_p_5_8: bigint; b2: bigint } {
  const _10n = BigInt(10), _20n = BigInt(20), _40n = BigInt(40), _80n = BigInt(80);
  const x2 = (x * x) % P;
  const b2 = (x2 * x) % P;
  const b4 = (pow2(b2, _2n, P) * b2) % P;
  const b5 = (pow2(b4, _1n, P) * x) % P;
  const b10 = (pow2(b5, _5n, P) * b5) % P;
  const b20 = (pow2(b10, _10n, P) * b10) % P;
  const b40 = (pow2(b20, _20n, P) * b20) % P;
  const b80 = (pow2(b40, _40n, P) * b40) % P;
  const b160 = (pow2(b80, _80n, P) * b80) % P;
  const b240 = (pow2(b160, _80n, P) * b80) % P;
  const b250 = (pow2(b240, _10n, P) * b10) % P;
  return { pow_p_5_8: (pow2(b250, _2n, P) * x) % P, b2 };
}

/** RFC 7748 section 5 clamping, in place */
function adjustScalarBytes(bytes: Uint8Array): Uint8Array {
  bytes[0] &= 248;
  bytes[31] &= 127;
  bytes[31] |= 64;
  return bytes;
}

const SQRT_M1 = BigInt('19681161376707505956807079304988542015446066515923890162744021073123829784752');

/** sqrt(u/v), constant-time in shape: `value` is root-shaped even when `isValid` is false */
function uvRatio(u: bigint, v: bigint): { isValid: boolean; value: bigint } {
  const v3 = mod(v * v * v, P);
  const v7 = mod(v3 * v3 * v, P);
  const pow = pow_2_252_3(u * v7).pow_p_5_8;
  let x = mod(u * v3 * pow, P);
  const vx2 = mod(v * x * x, P);
  const root1 = x;
  const root2 = mod(x * SQRT_M1, P);
  const useRoot1 = vx2 === u;
  const useRoot2 = vx2 === mod(-u, P);
  const noRoot = vx2 === mod(-u * SQRT_M1, P);
  if (useRoot1) x = root1;
  if (useRoot2 || noRoot) x = root2;
  if (isNegativeLE(x, P)) x = mod(-x, P);
  return { isValid: useRoot1 || useRoot2, value: x };
}

const Point = edwards(CURVE, { uvRatio });

/** Ed25519 (RFC 8032, ZIP-215 verification as noble's default `ed25519`) */
export const ed25519 = eddsa(Point, sha512, {
  adjustScalarBytes,
  zip215: true,
  toMontgomery: (point: InstanceType<typeof Point>) => Point.Fp.toBytes(Point.Fp.div(_1n + point.y, _1n - point.y)),
  toMontgomerySecret: (secretKey: Uint8Array) => {
    abytes(secretKey, Point.Fp.BYTES);
    return adjustScalarBytes(sha512(secretKey.subarray(0, Point.Fp.BYTES))).subarray(0, Point.Fp.BYTES);
  },
});

/** X25519 (RFC 7748); the fixed-base case goes through the Edwards base point, as in noble */
export const x25519 = (() => {
  const powPminus2 = (x: bigint) => {
    const { pow_p_5_8, b2 } = pow_2_252_3(x);
    return mod(pow2(pow_p_5_8, _3n, P) * b2, P);
  };
  return montgomery({
    P,
    type: 'x25519',
    powPminus2,
    adjustScalarBytes,
    scalarMultBase: (k: bigint) => {
      const kn = mod(k, Point.Fn.ORDER);
      if (kn === _0n) return _0n; // the identity: montgomery() refuses it as the ladder would
      const p = Point.BASE.multiply(kn);
      return mod((p.Z + p.Y) * powPminus2(mod(p.Z - p.Y, P)), P);
    },
  });
})();
