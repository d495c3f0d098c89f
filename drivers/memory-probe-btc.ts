/**
 * The Bitcoin half of the memory probe (drivers/memory-probe.ts imports it dynamically once the Ethereum phases are
 * done, as the firmware loads the btc_* methods' code on the first Bitcoin request): it brings
 * @scure/btc-signer and modules/bitcoin/* with it, so the sample after "bitcoin loaded" is what the first Bitcoin
 * request adds. It then builds a PSBT as a watch-only wallet would (a P2WPKH and a P2TR input of the test wallet,
 * a payment and a change output) and plans, reviews (every page laid out), signs and serializes it, as
 * btc_sign_psbt does. Simulator build only (manifest.json maps it under "lin/*").
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { RawTx } from "@scure/btc-signer/script.js";
import { Transaction } from "@scure/btc-signer/transaction.js";
import { p2tr, p2wpkh } from "@scure/btc-signer/payment.js";
import { addressPath } from "../modules/bitcoin/accounts.js";
import { NETWORKS } from "../modules/bitcoin/networks.js";
import { planPsbt } from "../modules/bitcoin/psbt.js";
import { psbtReview } from "../modules/bitcoin/review.js";
import { signPlan } from "../modules/bitcoin/sign.js";
import { reviewScreen } from "../modules/signing/review.js";
import { layoutScreen } from "../modules/ui/layout.js";
import type { Keyring } from "../modules/wallet/keyring.js";

const network = NETWORKS.testnet;

/** A previous transaction paying `script` `amount` at output 0 (P2WPKH inputs carry it whole). */
function previousTx(script: Uint8Array, amount: bigint, n: number) {
  const raw = {
    version: 2, segwitFlag: false, lockTime: 0,
    inputs: [{ txid: sha256(Uint8Array.of(n)), index: 0, finalScriptSig: new Uint8Array(0), sequence: 0xffffffff }],
    outputs: [{ amount, script }],
  };
  return { raw, txid: sha256(sha256(RawTx.encode(raw as never))).reverse() };
}

/** The PSBT a watch-only wallet would send: 60,000 + 40,000 sats in, 70,000 out, 28,500 back as change. */
export function testPsbt(keys: Keyring): Uint8Array {
  const tx = new Transaction({ allowUnknownOutputs: true });
  const fp = keys.fingerprint;
  const wpkhPath = addressPath("wpkh", network, 0, false, 0);
  const wpkhKey = keys.derive(wpkhPath).publicKey!;
  const wpkh = p2wpkh(wpkhKey, network.params);
  const prev = previousTx(wpkh.script, 60_000n, 1);
  tx.addInput({ txid: prev.txid, index: 0, witnessUtxo: { script: wpkh.script, amount: 60_000n }, nonWitnessUtxo: prev.raw as never, bip32Derivation: [[wpkhKey, { fingerprint: fp, path: wpkhPath }]] });
  const trPath = addressPath("tr", network, 0, false, 1);
  const trKey = keys.derive(trPath).publicKey!.subarray(1);
  const tr = p2tr(trKey, undefined, network.params);
  const prevTr = previousTx(tr.script, 40_000n, 2);
  tx.addInput({ txid: prevTr.txid, index: 0, witnessUtxo: { script: tr.script, amount: 40_000n }, tapInternalKey: trKey, tapBip32Derivation: [[trKey, { hashes: [], der: { fingerprint: fp, path: trPath } }]] });
  tx.addOutput({ script: Uint8Array.from([0x00, 0x14, ...sha256(Uint8Array.of(0x5a)).subarray(0, 20)]), amount: 70_000n });
  const changePath = addressPath("wpkh", network, 0, true, 2);
  const changeKey = keys.derive(changePath).publicKey!;
  tx.addOutput({ script: p2wpkh(changeKey, network.params).script, amount: 28_500n, bip32Derivation: [[changeKey, { fingerprint: fp, path: changePath }]] });
  return tx.toPSBT();
}

/** What btc_sign_psbt does once the owner approves, the review included; returns the signed PSBT's length. */
export function signTestPsbt(psbt: Uint8Array, keys: Keyring, auxRand: () => Uint8Array): number {
  const plan = planPsbt(psbt, network, keys);
  const review = psbtReview(plan, network);
  for (let i = 0; i <= review.pages.length; i++) layoutScreen(reviewScreen(review, i));
  return signPlan(plan, keys, auxRand).length;
}
