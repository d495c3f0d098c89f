/**
 * ECDSA over secp256k1 as Ethereum wallets sign: RFC 6979 deterministic nonces without extra entropy, low-S,
 * with the recovery bit (so results match Trezor's and Ledger's byte for byte).
 */
import { secp256k1 } from '../crypto/secp256k1.js';
import { bigFromBytes, concatBytes } from '../bytes.js';

export interface RecoverableSignature {
  r: bigint;
  s: bigint;
  recovery: number;
}

export function signDigest(digest: Uint8Array, privateKey: Uint8Array): RecoverableSignature {
  const sig = secp256k1.sign(digest, privateKey, { prehash: false, lowS: true, extraEntropy: false, format: 'recovered' });
  const recovery = sig[0];
  if (recovery > 1) throw new Error('a recovery id of 2 or 3 cannot be expressed in Ethereum'); // practically never
  return { recovery, r: bigFromBytes(sig.subarray(1, 33)), s: bigFromBytes(sig.subarray(33, 65)) };
}

function word(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) { out[i] = Number(v & 0xffn); v >>= 8n; }
  return out;
}

/** r || s || v with v = 27 + recovery: the 65-byte form of personal_sign and eth_signTypedData. */
export function rsv(sig: RecoverableSignature): Uint8Array {
  return concatBytes(word(sig.r), word(sig.s), Uint8Array.of(27 + sig.recovery));
}

export function bigIntBytes(v: bigint): Uint8Array {
  return word(v);
}
