/**
 * What anti-exfil (modules/signing/anti-exfil.ts) adds to one ECDSA signature, with the device's window-2 table
 * built: the plain RFC 6979 signature the device makes without it, then the device's two steps (signer
 * commitment when the owner approves, the signature at the reveal) and the app's check. Extra device cost per
 * signature = commitment + anti-exfil signature - plain signature. The same for a BIP 340 (taproot) signature
 * (modules/signing/anti-exfil-schnorr.ts), against a plain BIP 340 signature.
 */
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { configureCurves } from '../modules/crypto/curves.js';
import { signDigest } from '../modules/ethereum/sign.js';
import { hostCommit, hostVerify, signerCommit, signWithHostEntropy } from '../modules/signing/anti-exfil.js';
import { hostVerifySchnorr, signSchnorrWithHostEntropy, signerCommitSchnorr } from '../modules/signing/anti-exfil-schnorr.js';
import type { BenchOp } from './bench-op.js';

const KEY = new Uint8Array(32).fill(0x55);
const DIGEST = new Uint8Array(32).fill(0x88);
const ENTROPY = new Uint8Array(32).fill(0x07);
let fixed: {
  commitment: Uint8Array; opening: Uint8Array; pub: Uint8Array; sig: { r: bigint; s: bigint };
  schnorrOpening: Uint8Array; xOnly: Uint8Array; schnorrSig: Uint8Array;
} | undefined;

function ready(): NonNullable<typeof fixed> {
  configureCurves();
  if (!fixed) {
    const commitment = hostCommit(ENTROPY);
    fixed = {
      commitment, opening: signerCommit(DIGEST, KEY, commitment), pub: secp256k1.getPublicKey(KEY, true), sig: signWithHostEntropy(DIGEST, KEY, ENTROPY, commitment),
      schnorrOpening: signerCommitSchnorr(DIGEST, KEY, commitment), xOnly: schnorr.getPublicKey(KEY), schnorrSig: signSchnorrWithHostEntropy(DIGEST, KEY, ENTROPY, commitment),
    };
  }
  return fixed;
}

export const ANTI_EXFIL_OPS: BenchOp[] = [
  { name: 'ECDSA signature, plain (RFC 6979, low-S): the baseline anti-exfil adds to', iterations: 3, prepare: () => void ready(), run: () => signDigest(DIGEST, KEY) },
  { name: 'anti-exfil device step 1: signer commitment (RFC 6979 nonce with the host commitment, R = k·G)', iterations: 3, prepare: () => void ready(), run: () => signerCommit(DIGEST, KEY, fixed!.commitment) },
  { name: 'anti-exfil device step 2: signature with the revealed entropy (check, k, tweak of the kept R, sign)', iterations: 3, prepare: () => void ready(), run: () => signWithHostEntropy(DIGEST, KEY, ENTROPY, fixed!.commitment, fixed!.opening) },
  { name: 'anti-exfil app check: commitment opening + ECDSA verify', iterations: 3, prepare: () => void ready(), run: () => hostVerify(fixed!.sig, DIGEST, fixed!.pub, ENTROPY, fixed!.opening) },
  { name: 'BIP 340 signature, plain (fresh aux data): the taproot baseline', iterations: 3, prepare: () => void ready(), run: () => schnorr.sign(DIGEST, KEY, ENTROPY) },
  { name: 'anti-exfil BIP 340 device step 1: signer commitment (BIP 340 nonce with the host commitment as aux)', iterations: 3, prepare: () => void ready(), run: () => signerCommitSchnorr(DIGEST, KEY, fixed!.commitment) },
  { name: 'anti-exfil BIP 340 device step 2: signature with the revealed entropy (verified before it leaves)', iterations: 3, prepare: () => void ready(), run: () => signSchnorrWithHostEntropy(DIGEST, KEY, ENTROPY, fixed!.commitment, fixed!.schnorrOpening) },
  { name: 'anti-exfil BIP 340 app check: commitment opening + BIP 340 verify', iterations: 3, prepare: () => void ready(), run: () => hostVerifySchnorr(fixed!.schnorrSig, DIGEST, fixed!.xOnly, ENTROPY, fixed!.schnorrOpening) },
];
