/**
 * PSBTs for tests, built the way a watch-only wallet (Sparrow, Core) builds them with @scure/btc-signer: inputs
 * spending this wallet's BIP84/BIP86 addresses (P2WPKH ones with their whole previous transaction), outputs to
 * strangers and change back to the wallet, with BIP32 derivations so the device can recognise both.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { RawTx, Transaction, p2tr, p2wpkh } from '@scure/btc-signer';
import { toHex } from '../../../modules/bytes.js';
import { addressPath, type AccountType } from '../../../modules/bitcoin/accounts.js';
import type { BtcNetwork } from '../../../modules/bitcoin/networks.js';

/** `foreign`: someone else's P2WPKH input (witness UTXO only, no derivation), as in a coinjoin or payjoin. */
/**
 * Where the builder gets public keys: the device's Keyring in unit tests, or a watch-only view of an account xpub
 * (as a desktop wallet has) in end-to-end tests.
 */
export interface KeySource {
  fingerprint: number;
  derive(path: number[]): { publicKey: Uint8Array | null };
}

export interface InputSpec { type: AccountType; index: number; amount: bigint; change?: boolean; foreign?: boolean }
export interface OutputSpec { amount: bigint; to?: 'stranger' | 'change' | 'foreign-change' | 'own-receive'; type?: AccountType; index?: number }

let prevCounter = 0;

/** A previous transaction paying `script` `amount` at output `vout` (other outputs filler). */
function previousTx(script: Uint8Array, amount: bigint, vout: number) {
  const outputs = Array.from({ length: vout + 1 }, (_, i) => (i === vout ? { amount, script } : { amount: 1000n, script: Uint8Array.of(0x51) }));
  const seed = new Uint8Array(32);
  seed[0] = prevCounter & 0xff;
  seed[1] = (prevCounter++ >> 8) & 0xff;
  const raw = {
    version: 2, segwitFlag: false, lockTime: 0,
    inputs: [{ txid: sha256(seed), index: 0, finalScriptSig: new Uint8Array(0), sequence: 0xffffffff }],
    outputs,
  };
  const legacy = RawTx.encode(raw as never);
  return { raw, txid: sha256(sha256(legacy)).reverse() };
}

/** A stranger's P2WPKH output script (a hash no test wallet has). */
export function strangerScript(_network: BtcNetwork, n = 1): Uint8Array {
  return Uint8Array.from([0x00, 0x14, ...sha256(Uint8Array.of(0x5a, n)).subarray(0, 20)]);
}

export function buildPsbt(keys: KeySource, network: BtcNetwork, inputs: InputSpec[], outputs: OutputSpec[], opts: { dropPrevTx?: number; sighash?: number; lockTime?: number } = {}): Uint8Array {
  const tx = new Transaction({ allowUnknownOutputs: true, lockTime: opts.lockTime ?? 0 });
  const fp = keys.fingerprint;
  inputs.forEach((inp, i) => {
    if (inp.foreign) {
      const script = strangerScript(network, 200 + i);
      tx.addInput({ txid: previousTx(script, inp.amount, 0).txid, index: 0, witnessUtxo: { script, amount: inp.amount } });
      return;
    }
    const path = addressPath(inp.type, network, 0, inp.change ?? false, inp.index);
    const node = keys.derive(path);
    const pay = inp.type === 'wpkh' ? p2wpkh(node.publicKey!, network.params) : p2tr(node.publicKey!.subarray(1), undefined, network.params);
    const vout = i % 3;
    const prev = previousTx(pay.script, inp.amount, vout);
    const base = { txid: prev.txid, index: vout, witnessUtxo: { script: pay.script, amount: inp.amount }, ...(opts.sighash !== undefined ? { sighashType: opts.sighash } : {}) };
    if (inp.type === 'wpkh') {
      tx.addInput({ ...base, ...(opts.dropPrevTx === i ? {} : { nonWitnessUtxo: prev.raw as never }), bip32Derivation: [[node.publicKey!, { fingerprint: fp, path }]] });
    } else {
      tx.addInput({ ...base, tapInternalKey: node.publicKey!.subarray(1), tapBip32Derivation: [[node.publicKey!.subarray(1), { hashes: [], der: { fingerprint: fp, path } }]] });
    }
  });
  outputs.forEach((o, k) => {
    const kind = o.to ?? 'stranger';
    if (kind === 'stranger') {
      tx.addOutput({ script: strangerScript(network, k + 1), amount: o.amount });
      return;
    }
    const type = o.type ?? 'wpkh';
    const path = addressPath(type, network, 0, kind !== 'own-receive', o.index ?? k);
    const node = keys.derive(path);
    // foreign-change: the derivation says it is ours, the script pays someone else
    const script = kind === 'foreign-change' ? strangerScript(network, 100 + k) : (type === 'wpkh' ? p2wpkh(node.publicKey!, network.params) : p2tr(node.publicKey!.subarray(1), undefined, network.params)).script;
    if (type === 'wpkh') tx.addOutput({ script, amount: o.amount, bip32Derivation: [[node.publicKey!, { fingerprint: fp, path }]] });
    else tx.addOutput({ script, amount: o.amount, tapInternalKey: node.publicKey!.subarray(1), tapBip32Derivation: [[node.publicKey!.subarray(1), { hashes: [], der: { fingerprint: fp, path } }]] });
  });
  return tx.toPSBT(0);
}

export { toHex };
