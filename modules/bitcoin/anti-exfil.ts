/**
 * Anti-exfil for btc_sign_psbt: one host commitment per input the wallet signs, P2WPKH (ECDSA,
 * signing/anti-exfil.ts) and taproot key path (BIP 340, signing/anti-exfil-schnorr.ts) alike.
 *   request: antiExfil = [32-byte commitment | null] per PSBT input; every input the wallet signs needs one; the
 *            others' (foreign inputs) are ignored, so an app that cannot tell which inputs are the device's may
 *            commit to all of them
 *   answer:  signerCommitments = [33-byte nonce point | null] per PSBT input (null: the wallet does not sign there)
 *   reveal:  sign_reveal entropy = [32 bytes | null] per PSBT input, null exactly where the answer has null
 * The ECDSA signatures are DER without low-R grinding (the nonce is fixed by the protocol, as on Jade).
 */
import { secp256k1 } from '../crypto/secp256k1.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { OutScript } from '@scure/btc-signer/payment.js';
import { SigHash, Transaction } from '@scure/btc-signer/transaction.js';
import { wipe } from '../bytes.js';
import { LatchError } from '../errors.js';
import { ok, type RpcReply } from '../protocol/rpc.js';
import { checkReveal } from '../signing/anti-exfil-request.js';
import { hostVerify, type AntiExfilSigner } from '../signing/anti-exfil.js';
import { honestSchnorrSigner, hostVerifySchnorr } from '../signing/anti-exfil-schnorr.js';
import type { Keyring } from '../wallet/keyring.js';
import type { PsbtPlan } from './psbt.js';
import { signPlan, trSighash, tweakPrivateKey, wpkhDigest, wpkhSighash } from './sign.js';

function bad(message: string): LatchError {
  return new LatchError('bad-params', message);
}

/** `antiExfil` of btc_sign_psbt, checked against the plan before anything is shown. Throws bad-params. */
export function psbtCommitments(v: unknown, plan: PsbtPlan): (Uint8Array | null)[] | undefined {
  if (v === undefined) return undefined;
  const n = plan.tx.inputsLength;
  if (!Array.isArray(v) || v.length !== n) throw bad(`"antiExfil" must be a list of ${n} entries, one per PSBT input: a 32-byte host commitment for each input the wallet signs, null for the others`);
  const ours = new Map(plan.ours.map((o) => [o.index, o.type === 'wpkh' ? 'P2WPKH' : 'taproot']));
  return v.map((c, i) => {
    if (!ours.has(i)) {
      if (c !== null && !(c instanceof Uint8Array && c.length === 32)) throw bad(`"antiExfil"[${i}] must be a 32-byte host commitment or null`);
      return null; // not signed by this wallet: nothing to commit to
    }
    if (!(c instanceof Uint8Array) || c.length !== 32) throw bad(`"antiExfil"[${i}] must be the 32-byte host commitment of input ${i} (${ours.get(i)}, the wallet signs it)`);
    return c.slice();
  });
}

/** The approval's commit step for a PSBT: nonce points now, the signed PSBT at the reveal. */
export function commitPsbt(
  plan: PsbtPlan, keys: Keyring, signer: AntiExfilSigner, commitments: (Uint8Array | null)[], auxRand: () => Uint8Array,
): { reply: RpcReply; reveal(entropy: unknown): RpcReply } {
  const openings: (Uint8Array | null)[] = commitments.map(() => null);
  const schnorr = signer.schnorr ?? honestSchnorrSigner;
  for (const o of plan.ours) {
    const c = commitments[o.index];
    if (!c) continue;
    const key = keys.privateKey(o.path);
    try {
      if (o.type === 'wpkh') {
        openings[o.index] = signer.commit(wpkhDigest(plan, o), key, c);
      } else {
        const tweaked = tweakPrivateKey(key, keys.derive(o.path).publicKey!);
        try {
          openings[o.index] = schnorr.commit(trSighash(plan.tx, o.index, o.sighash), tweaked, c);
        } finally {
          wipe(tweaked);
        }
      }
    } finally {
      wipe(key);
    }
  }
  return {
    reply: ok({ signerCommitments: openings }),
    reveal: (entropy) => {
      if (!Array.isArray(entropy) || entropy.length !== commitments.length) {
        throw new LatchError('bad-anti-exfil', `the entropy must be a list of ${commitments.length} entries, one per PSBT input`);
      }
      const revealed = entropy.map((e, i) => {
        const c = commitments[i];
        if (!c) {
          if (e !== null) throw new LatchError('bad-anti-exfil', `entropy[${i}] must be null (no commitment for input ${i})`);
          return null;
        }
        return checkReveal(e, c, `entropy[${i}]`);
      });
      const psbt = signPlan(plan, keys, auxRand, undefined, {
        wpkh: (index, digest, key) => {
          const sig = signer.sign(digest, key, revealed[index]!, commitments[index]!, openings[index]!);
          return new secp256k1.Signature(sig.r, sig.s).toBytes('der');
        },
        tr: (index, digest, tweakedKey) => schnorr.sign(digest, tweakedKey, revealed[index]!, commitments[index]!, openings[index]!),
      });
      return ok({ psbt, signedInputs: plan.ours.length });
    },
  };
}

/**
 * The app's check of a PSBT signed with anti-exfil: for every input it committed to, the device's signature (a
 * P2WPKH partial signature for the BIP 143 sighash, or a taproot key-path signature for the BIP 341 sighash) must
 * verify and open the device's commitment with the app's entropy. Given the PSBT as sent (`sent`), an input
 * without a commitment that gained a signature fails too (one the device could choose freely).
 * Returns the inputs that fail (empty: all good). Portable: the client library and the tests use it.
 */
export function failedPsbtInputs(psbt: Uint8Array, entropy: (Uint8Array | null)[], openings: (Uint8Array | null)[], sent?: Uint8Array): number[] {
  const tx = Transaction.fromPSBT(psbt);
  const before = sent ? Transaction.fromPSBT(sent) : undefined;
  const failed: number[] = [];
  for (let i = 0; i < tx.inputsLength; i++) {
    const opening = openings[i];
    const e = entropy[i];
    const input = tx.getInput(i);
    if (!opening || !e) {
      if (before && gainedSignature(before.getInput(i), input)) failed.push(i);
      continue;
    }
    try {
      const utxo = input.witnessUtxo ?? input.nonWitnessUtxo!.outputs[input.index!];
      const decoded = OutScript.decode(utxo.script);
      if (decoded.type === 'wpkh') {
        const entry = (input.partialSig ?? []).find(([pub]) => equalBytes(hash160(pub), decoded.hash));
        if (!entry) throw new Error('no signature');
        const [pub, withHashType] = entry;
        const hashType = withHashType[withHashType.length - 1];
        const digest = wpkhSighash(tx, i, decoded.hash, hashType, utxo.amount);
        const sig = secp256k1.Signature.fromBytes(withHashType.subarray(0, -1), 'der');
        if (!hostVerify({ r: sig.r, s: sig.s }, digest, pub, e, opening)) throw new Error('nonce not committed');
      } else if (decoded.type === 'tr') {
        const sig = input.tapKeySig;
        if (!sig || (sig.length !== 64 && sig.length !== 65)) throw new Error('no signature');
        const hashType = sig.length === 65 ? sig[64] : SigHash.DEFAULT;
        if (!hostVerifySchnorr(sig.subarray(0, 64), trSighash(tx, i, hashType), decoded.pubkey, e, opening)) throw new Error('nonce not committed');
      } else {
        throw new Error(`a commitment for a ${decoded.type} input`);
      }
    } catch {
      failed.push(i);
    }
  }
  return failed;
}

/** the input holds more ECDSA partial signatures, or a taproot key-path signature it did not have */
function gainedSignature(before: ReturnType<Transaction['getInput']>, after: ReturnType<Transaction['getInput']>): boolean {
  return (after.partialSig?.length ?? 0) !== (before.partialSig?.length ?? 0) || (!!after.tapKeySig && !before.tapKeySig)
    || (after.tapScriptSig?.length ?? 0) !== (before.tapScriptSig?.length ?? 0);
}

function hash160(b: Uint8Array): Uint8Array {
  return ripemd160(sha256(b));
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
