/**
 * Signing the inputs a plan found ours, into the PSBT (partial signatures, not finalized):
 *  - P2WPKH: BIP 143 sighash, ECDSA (RFC 6979, low-S) with Bitcoin Core's low-R grinding: if R's first byte is
 *    0x80 or more, sign again with extra entropy = the counter (1, 2, …) as 32-bit little-endian in 32 bytes, so
 *    DER signatures are at most 71 bytes and match Core, libwally and Jade byte for byte;
 *  - P2TR key path (BIP 86): BIP 341 sighash and BIP 340 Schnorr with the key tweaked by TapTweak(internal key),
 *    with 32 bytes of fresh auxiliary randomness from the RNG (all zeros only in the tests' deterministic mode),
 *    or, with anti-exfil, the nonce committed to and tweaked by the app's entropy (signing/anti-exfil-schnorr.ts).
 *    The tweak is done here rather than by Transaction.signIdx, which recomputes the public key, the internal and
 *    the output key from scratch (five extra point multiplications an input: 2.6x the work on XS); noble's
 *    schnorr.sign still verifies each signature before it leaves, which guards against a faulted computation.
 */
import { schnorr, secp256k1 } from '../crypto/secp256k1.js';
import { OutScript } from '@scure/btc-signer/payment.js';
import { SigHash, type Transaction } from '@scure/btc-signer/transaction.js';
import { bigFromBytes, bytes32FromBig, concatBytes, wipe } from '../bytes.js';
import type { Keyring } from '../wallet/keyring.js';
import type { PsbtPlan } from './psbt.js';

/** DER ECDSA signature with Core's low-R grinding. */
export function signLowR(digest: Uint8Array, privateKey: Uint8Array): Uint8Array {
  for (let counter = 0; ; counter++) {
    const extra = new Uint8Array(32);
    extra[0] = counter & 0xff;
    extra[1] = (counter >>> 8) & 0xff;
    extra[2] = (counter >>> 16) & 0xff;
    extra[3] = (counter >>> 24) & 0xff;
    const compact = secp256k1.sign(digest, privateKey, { prehash: false, lowS: true, extraEntropy: counter === 0 ? false : extra, format: 'compact' });
    if (compact[0] < 0x80) return secp256k1.Signature.fromBytes(compact, 'compact').toBytes('der');
  }
}

const N = secp256k1.Point.Fn.ORDER;

/**
 * BIP 341 taproot_tweak_seckey for a key-path spend (no script tree), using the compressed public key the keyring
 * already holds for its parity instead of another multiplication: d = d0 or n - d0 so that P has an even y, then
 * d + TapTweak(x(P)) mod n.
 */
export function tweakPrivateKey(privateKey: Uint8Array, compressedPublicKey: Uint8Array): Uint8Array {
  const d0 = bigFromBytes(privateKey);
  const d = compressedPublicKey[0] === 0x02 ? d0 : N - d0;
  const t = bigFromBytes(schnorr.utils.taggedHash('TapTweak', compressedPublicKey.subarray(1)));
  if (t >= N) throw new Error('taproot tweak out of range');
  return bytes32FromBig((d + t) % N);
}

/** The BIP 143 sighash of a P2WPKH input paying `hash` (its script code is the P2PKH script of the same hash). */
export function wpkhSighash(tx: Transaction, index: number, hash: Uint8Array, sighash: number, amount: bigint): Uint8Array {
  return tx.preimageWitnessV0(index, OutScript.encode({ type: 'pkh', hash }), sighash, amount);
}

/** The BIP 143 sighash of one of our P2WPKH inputs. */
export function wpkhDigest(plan: PsbtPlan, o: PsbtPlan['ours'][number]): Uint8Array {
  const input = plan.tx.getInput(o.index);
  const utxo = input.witnessUtxo ?? input.nonWitnessUtxo!.outputs[input.index!];
  const decoded = OutScript.decode(utxo.script) as { type: 'wpkh'; hash: Uint8Array };
  return wpkhSighash(plan.tx, o.index, decoded.hash, o.sighash, utxo.amount);
}

/** BIP 340 with fresh auxiliary randomness, wiped after */
function signWithAux(digest: Uint8Array, tweakedKey: Uint8Array, auxRand: () => Uint8Array): Uint8Array {
  const aux = auxRand();
  try {
    return schnorr.sign(digest, tweakedKey, aux);
  } finally {
    wipe(aux);
  }
}

/** The BIP 341 sighash of a taproot key-path input: it commits to every input's previous output. */
export function trSighash(tx: Transaction, index: number, sighash: number): Uint8Array {
  const prevOuts = Array.from({ length: tx.inputsLength }, (_, i) => {
    const inp = tx.getInput(i);
    const out = inp.witnessUtxo ?? inp.nonWitnessUtxo?.outputs[inp.index!];
    if (!out) throw new Error(`input ${i} has no previous output`);
    return out;
  });
  return tx.preimageWitnessV1(index, prevOuts.map((p) => p.script), sighash, prevOuts.map((p) => p.amount));
}

/** Signers in place of the usual ones (anti-exfil, bitcoin/anti-exfil.ts) */
export interface InputSigners {
  /** the DER signature of a P2WPKH input, instead of low-R RFC 6979 */
  wpkh(inputIndex: number, digest: Uint8Array, privateKey: Uint8Array): Uint8Array;
  /** the 64-byte BIP 340 signature of a taproot key-path input with its tweaked key, instead of fresh aux randomness */
  tr(inputIndex: number, digest: Uint8Array, tweakedKey: Uint8Array): Uint8Array;
}

/** Add our signatures to `plan.tx`; returns the signed PSBT (in the version it came in). */
export function signPlan(
  plan: PsbtPlan, keys: Keyring, auxRand: () => Uint8Array, progress?: (done: number, total: number) => void, signers?: InputSigners,
): Uint8Array {
  const { tx } = plan;
  for (const [n, o] of plan.ours.entries()) {
    progress?.(n + 1, plan.ours.length);
    const key = keys.privateKey(o.path);
    try {
      if (o.type === 'wpkh') {
        const digest = wpkhDigest(plan, o);
        const pub = keys.derive(o.path).publicKey!;
        const der = signers ? signers.wpkh(o.index, digest, key) : signLowR(digest, key);
        tx.updateInput(o.index, { partialSig: [[pub, concatBytes(der, Uint8Array.of(o.sighash))]] }, true);
      } else {
        const digest = trSighash(tx, o.index, o.sighash);
        const tweaked = tweakPrivateKey(key, keys.derive(o.path).publicKey!);
        try {
          const sig = signers ? signers.tr(o.index, digest, tweaked) : signWithAux(digest, tweaked, auxRand);
          tx.updateInput(o.index, { tapKeySig: o.sighash === SigHash.DEFAULT ? sig : concatBytes(sig, Uint8Array.of(o.sighash)) }, true);
        } finally {
          wipe(tweaked);
        }
      }
    } finally {
      wipe(key);
    }
  }
  return tx.toPSBT(plan.psbtVersion);
}
