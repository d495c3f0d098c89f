/**
 * Signing the inputs a plan found ours, into the PSBT (partial signatures, not finalized):
 *  - P2WPKH: BIP 143 sighash, ECDSA (RFC 6979, low-S) with Bitcoin Core's low-R grinding: if R's first byte is
 *    0x80 or more, sign again with extra entropy = the counter (1, 2, …) as 32-bit little-endian in 32 bytes, so
 *    DER signatures are at most 71 bytes and match Core, libwally and Jade byte for byte;
 *  - P2TR key path (BIP 86): BIP 341 sighash and BIP 340 Schnorr with the key tweaked by TapTweak(internal key),
 *    with 32 bytes of fresh auxiliary randomness from the RNG (all zeros only in the tests' deterministic mode).
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { OutScript, SigHash } from '@scure/btc-signer';
import { concatBytes, wipe } from '../bytes.js';
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

/** Add our signatures to `plan.tx`; returns the signed PSBT (in the version it came in). */
export function signPlan(plan: PsbtPlan, keys: Keyring, auxRand: () => Uint8Array): Uint8Array {
  const { tx } = plan;
  for (const o of plan.ours) {
    const key = keys.privateKey(o.path);
    try {
      const input = tx.getInput(o.index);
      if (o.type === 'wpkh') {
        const utxo = input.witnessUtxo ?? input.nonWitnessUtxo!.outputs[input.index!];
        const decoded = OutScript.decode(utxo.script) as { type: 'wpkh'; hash: Uint8Array };
        const digest = tx.preimageWitnessV0(o.index, OutScript.encode({ type: 'pkh', hash: decoded.hash }), o.sighash, utxo.amount);
        const pub = keys.derive(o.path).publicKey!;
        tx.updateInput(o.index, { partialSig: [[pub, concatBytes(signLowR(digest, key), Uint8Array.of(o.sighash))]] }, true);
      } else {
        const aux = auxRand();
        tx.signIdx(key, o.index, [SigHash.DEFAULT, SigHash.ALL], aux);
        wipe(aux);
      }
    } finally {
      wipe(key);
    }
  }
  return tx.toPSBT(plan.psbtVersion);
}
