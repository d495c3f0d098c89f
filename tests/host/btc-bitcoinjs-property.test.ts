// An independent implementation checks the device's Bitcoin signing: for random wallets and random PSBTs (1-5
// inputs of P2WPKH and P2TR, some of them someone else's, 1-4 outputs with or without change), the device's plan and
// signatures are checked by bitcoinjs-lib with libsecp256k1 (tiny-secp256k1, WebAssembly): it recomputes every
// BIP 143 / BIP 341 sighash itself, verifies each signature, finalizes, and its fee and transaction must equal
// ours and @scure/btc-signer's.
import test from 'ava';
import fc from 'fast-check';
import * as ecc from 'tiny-secp256k1';
import { Psbt, initEccLib, networks, script as bscript, crypto as bcrypto, type Transaction as BjsTransaction } from 'bitcoinjs-lib';
import { Transaction } from '@scure/btc-signer';
import { NETWORKS } from '../../modules/bitcoin/networks.js';
import { planPsbt } from '../../modules/bitcoin/psbt.js';
import { signPlan } from '../../modules/bitcoin/sign.js';
import { Keyring } from '../../modules/wallet/keyring.js';
import { buildPsbt, type InputSpec, type OutputSpec } from '../portable/support/psbt-builder.js';
import { toHex } from '../../modules/bytes.js';

initEccLib(ecc);

const net = NETWORKS.testnet;
const amount = fc.bigInt({ min: 10_000n, max: 50_000_000n });
const inputArb = fc.record({ type: fc.constantFrom<'wpkh' | 'tr'>('wpkh', 'tr'), index: fc.nat(30), amount, change: fc.boolean(), foreign: fc.constantFrom(false, false, true) });
const outputArb = fc.record({ share: fc.integer({ min: 1, max: 100 }), to: fc.constantFrom<'stranger' | 'change'>('stranger', 'stranger', 'change'), type: fc.constantFrom<'wpkh' | 'tr'>('wpkh', 'tr'), index: fc.nat(30) });

/**
 * Each input's witness against the script it spends, from the final transaction alone (what a node checks for
 * these two templates): P2WPKH: HASH160(pubkey) is the program and the signature verifies over the BIP 143
 * sighash; P2TR key path: the signature verifies under the output key over the BIP 341 sighash.
 */
function witnessesVerify(tx: BjsTransaction, prevouts: { script: Uint8Array; value: bigint }[]): boolean {
  return tx.ins.every((input, i) => {
    const { script, value } = prevouts[i];
    if (script.length === 22 && script[0] === 0x00 && script[1] === 0x14) {
      const [sig, pub] = input.witness;
      if (input.witness.length !== 2 || toHex(bcrypto.hash160(pub)) !== toHex(script.subarray(2))) return false;
      const { signature, hashType } = bscript.signature.decode(sig);
      const scriptCode = Uint8Array.from([0x76, 0xa9, 0x14, ...script.subarray(2), 0x88, 0xac]);
      return ecc.verify(tx.hashForWitnessV0(i, scriptCode, value, hashType), pub, signature);
    }
    if (script.length === 34 && script[0] === 0x51 && script[1] === 0x20) {
      const [sig] = input.witness;
      if (input.witness.length !== 1 || (sig.length !== 64 && sig.length !== 65)) return false;
      const hashType = sig.length === 65 ? sig[64] : 0;
      const digest = tx.hashForWitnessV1(i, prevouts.map((p) => p.script), prevouts.map((p) => p.value), hashType);
      return ecc.verifySchnorr(digest, script.subarray(2), sig.subarray(0, 64));
    }
    return false;
  });
}

function validator(pubkey: Uint8Array, msghash: Uint8Array, signature: Uint8Array): boolean {
  return pubkey.length === 32 ? ecc.verifySchnorr(msghash, pubkey, signature) : ecc.verify(msghash, pubkey, signature);
}

test('random PSBTs: bitcoinjs-lib verifies every signature, every final witness verifies against the script it spends, and the fee and transaction agree', (t) => {
  let checked = 0;
  let finalized = 0;
  fc.assert(fc.property(
    fc.uint8Array({ minLength: 16, maxLength: 16 }),
    fc.array(inputArb, { minLength: 1, maxLength: 5 }).filter((ins) => ins.some((i) => !i.foreign)),
    fc.array(outputArb, { minLength: 1, maxLength: 4 }),
    fc.integer({ min: 200, max: 5000 }),
    (entropy, inputs, outs, fee) => {
      const keys = new Keyring(() => entropy);
      const totalIn = inputs.reduce((s, i) => s + i.amount, 0n);
      const spendable = totalIn - BigInt(fee);
      const shares = outs.reduce((s, o) => s + o.share, 0);
      const outputs: OutputSpec[] = outs.map((o, k) => ({
        amount: k === outs.length - 1 ? 0n : (spendable * BigInt(o.share)) / BigInt(shares),
        to: o.to, type: o.to === 'change' ? o.type : undefined, index: o.index,
      }));
      outputs[outputs.length - 1].amount = spendable - outputs.slice(0, -1).reduce((s, o) => s + o.amount, 0n);
      // change is recognised only for an account the inputs spend from: make change outputs use the first own input's type
      const ownType = inputs.find((i) => !i.foreign)!.type;
      for (const o of outputs) if (o.to === 'change') o.type = ownType;
      const psbt = buildPsbt(keys, net, inputs as InputSpec[], outputs);
      const plan = planPsbt(psbt, net, keys);
      if (plan.fee !== BigInt(fee)) return false;
      if (plan.ours.length !== inputs.filter((i) => !i.foreign).length) return false;
      if (plan.changeOutputs !== outputs.filter((o) => o.to === 'change').length) return false;
      const signed = signPlan(plan, keys, () => new Uint8Array(32).fill(7));
      const theirs = Psbt.fromBuffer(signed, { network: networks.testnet });
      for (const o of plan.ours) {
        if (!theirs.validateSignaturesOfInput(o.index, validator)) return false;
        checked++;
      }
      // Someone else's inputs are left unsigned.
      for (let i = 0; i < inputs.length; i++) {
        if (inputs[i].foreign && (theirs.data.inputs[i].partialSig || theirs.data.inputs[i].tapKeySig)) return false;
      }
      if (plan.ours.length === inputs.length) {
        theirs.finalizeAllInputs();
        const tx = theirs.extractTransaction(true);
        if (theirs.getFee() !== plan.fee) return false;
        if (!witnessesVerify(tx, theirs.data.inputs.map((d) => ({ script: d.witnessUtxo!.script, value: d.witnessUtxo!.value })))) return false;
        const ours = Transaction.fromPSBT(signed);
        ours.finalize();
        if (ours.hex !== tx.toHex()) return false;
        finalized++;
      }
      return true;
    },
  ), { numRuns: 60 });
  t.true(checked > 60, `${checked} signatures verified`);
  t.true(finalized > 5, `${finalized} transactions finalized`);
  t.log(`${checked} signatures verified by libsecp256k1 through bitcoinjs-lib; ${finalized} transactions finalized identically`);
});

test('bitcoinjs-lib rejects a signature the device did not make (the check can fail)', (t) => {
  const keys = new Keyring(() => new Uint8Array(16).fill(3));
  const psbt = buildPsbt(keys, net, [{ type: 'wpkh', index: 0, amount: 100_000n }, { type: 'tr', index: 1, amount: 50_000n }], [{ amount: 149_000n }]);
  const signed = signPlan(planPsbt(psbt, net, keys), keys, () => new Uint8Array(32));
  const theirs = Psbt.fromBuffer(signed);
  t.true(theirs.validateSignaturesOfInput(0, validator));
  t.true(theirs.validateSignaturesOfInput(1, validator));
  const flipped = Psbt.fromBuffer(signed);
  const sig = flipped.data.inputs[0].partialSig![0].signature;
  sig[10] ^= 1;
  t.false((() => { try { return flipped.validateSignaturesOfInput(0, validator); } catch { return false; } })());
  // and a finalized transaction with a flipped witness byte fails the script check
  const good = Psbt.fromBuffer(signed);
  good.finalizeAllInputs();
  const prevouts = good.data.inputs.map((d) => ({ script: d.witnessUtxo!.script, value: d.witnessUtxo!.value }));
  t.true(witnessesVerify(good.extractTransaction(true), prevouts));
  const bad = good.extractTransaction(true);
  bad.ins[1].witness[0][3] ^= 1;
  t.false(witnessesVerify(bad, prevouts));
  const tap = flipped.data.inputs[1].tapKeySig!;
  tap[5] ^= 1;
  t.false((() => { try { return flipped.validateSignaturesOfInput(1, validator); } catch { return false; } })());
  t.is(toHex(theirs.data.inputs[0].partialSig![0].pubkey), toHex(keys.derive([0x80000054, 0x80000001, 0x80000000, 0, 0]).publicKey!));
});
