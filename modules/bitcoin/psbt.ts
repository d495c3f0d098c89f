/**
 * What a PSBT asks this wallet to sign, decided on the device (BIP 174 v0 and v2, parsed by @scure/btc-signer):
 *  - an input is ours when it names our master fingerprint with a path in one of our accounts
 *    (m/84'/c'/a'/0|1/i or m/86'/c'/a'/0|1/i, c the network's coin), the key derived from that path is the one it
 *    names, and the script rebuilt from that key is the one it spends. An input that names our fingerprint but
 *    fails any of these is refused, not skipped: it is an attempt to mislead. Other inputs are left alone and
 *    counted;
 *  - a segwit v0 input of ours must carry its whole previous transaction (matching its txid), since BIP 143 does
 *    not commit to the amounts of other inputs (the 2020 fee attack); a taproot input needs only its witness UTXO
 *    (BIP 341 commits to every amount);
 *  - change is an output naming our fingerprint with a change path (…/1/i) of an account our inputs spend from,
 *    whose script is the one our key makes: it is hidden. Every other output is shown (address, exact amount);
 *  - the fee is every input's amount minus every output's; a negative fee, an amount over 21 million BTC, a
 *    sighash other than DEFAULT/ALL, or an input type other than P2WPKH or P2TR key path of ours is refused.
 */
import { sha256 } from '@noble/hashes/sha2.js';
// the files, not the package index: the index also loads coin selection (utxo.js), which the device never uses
import { Address, OutScript } from '@scure/btc-signer/payment.js';
import { RawTx } from '@scure/btc-signer/script.js';
import { Transaction } from '@scure/btc-signer/transaction.js';
import { toHex } from '../bytes.js';
import { LatchError } from '../errors.js';
import type { Keyring } from '../wallet/keyring.js';
import { HARDENED, formatPath, hardened } from '../wallet/path.js';
import { PURPOSE, payment, type AccountType } from './accounts.js';
import type { BtcNetwork } from './networks.js';

/**
 * Parsed PSBT data stays in memory while the owner reads: about 27 KB plus 1.5 KB an input on XS (bench: 40
 * taproot inputs 86 KB, 85 inputs 152 KB). With the 130 KB secp256k1 table, 50 inputs keep a request within the
 * 256 KB signing budget. Bigger spends are split by the wallet.
 */
export const MAX_INPUTS = 50;
export const MAX_OUTPUTS = 50;
export const MAX_SATS = 21_000_000n * 100_000_000n;
const SIGHASH_DEFAULT = 0;
const SIGHASH_ALL = 1;

export interface OurInput {
  index: number;
  type: AccountType;
  path: number[];
  /** the sighash it asks for (DEFAULT for taproot unless set, ALL for segwit v0) */
  sighash: number;
}

export interface ShownOutput {
  index: number;
  /** the address, or undefined for a script with no address form (OP_RETURN and the like) */
  address?: string;
  script: string;
  amount: bigint;
  /** a receive address of this wallet (shown, marked) */
  ownReceive: boolean;
  /** claimed this wallet's change but does not check out */
  falseChange: boolean;
}

export interface PsbtPlan {
  tx: Transaction;
  ours: OurInput[];
  foreignInputs: number;
  outputs: ShownOutput[];
  changeOutputs: number;
  totalIn: bigint;
  totalOut: bigint;
  fee: bigint;
  /** what leaves the wallet: every shown output */
  sent: bigint;
  lockTime: number;
  warnings: string[];
  psbtVersion: number;
}

function refuse(message: string): LatchError {
  return new LatchError('bad-psbt', message);
}

/** The txid of a decoded previous transaction (legacy serialization, double SHA-256, byte order reversed). */
function txid(prev: Parameters<typeof RawTx.encode>[0]): string {
  const legacy = RawTx.encode({ ...prev, segwitFlag: false, witnesses: undefined });
  return toHex(sha256(sha256(legacy)).reverse());
}

/** [purpose', coin', account', change, index] of one of our accounts on this network, or why not. */
function accountOf(path: number[], network: BtcNetwork): { type: AccountType; account: number; change: boolean } | string {
  const only = 'the device signs BIP84 (P2WPKH) and BIP86 (P2TR) accounts only';
  const purpose = path[0];
  const type = purpose === hardened(84) ? 'wpkh' : purpose === hardened(86) ? 'tr' : undefined;
  if (!type) {
    const p = purpose >= HARDENED ? purpose - HARDENED : purpose;
    const known: Record<number, string> = { 44: 'BIP44 account (m/44\', legacy P2PKH)', 49: 'BIP49 account (m/49\', nested segwit)', 45: 'BIP45 multisig path (m/45\')', 48: 'BIP48 multisig account (m/48\')' };
    return `it is from a ${known[p] ?? `path with purpose ${p}`}: ${only}`;
  }
  if (path.length !== 5) return `the path has ${path.length} levels, not 5 (m/purpose'/coin'/account'/change/index)`;
  const [, coin, account, change, index] = path;
  if (coin !== hardened(network.coin)) return `coin type ${coin - HARDENED}' is not ${network.name}'s (${network.coin}')`;
  if (account < HARDENED) return 'the account level is not hardened';
  if (change > 1 || index >= HARDENED) return 'the last two levels must be 0|1 and an unhardened index';
  return { type, account: account - HARDENED, change: change === 1 };
}

interface Claim { pubkey: Uint8Array; path: number[]; taproot: boolean }

function claims(entries: { bip32Derivation?: [Uint8Array, { fingerprint: number; path: number[] }][]; tapBip32Derivation?: [Uint8Array, { der: { fingerprint: number; path: number[] } }][] }, fingerprint: number): Claim[] {
  const out: Claim[] = [];
  for (const [pubkey, d] of entries.bip32Derivation ?? []) if (d.fingerprint === fingerprint) out.push({ pubkey, path: d.path, taproot: false });
  for (const [pubkey, d] of entries.tapBip32Derivation ?? []) if (d.der.fingerprint === fingerprint) out.push({ pubkey, path: d.der.path, taproot: true });
  return out;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function describeScript(script: Uint8Array): string {
  try {
    const s = OutScript.decode(script);
    return ({ pkh: 'P2PKH (legacy)', sh: 'P2SH', wsh: 'P2WSH (multisig or script)', wpkh: 'P2WPKH', tr: 'P2TR', ms: 'bare multisig', pk: 'P2PK' } as Record<string, string>)[s.type] ?? s.type;
  } catch {
    return 'an unknown script';
  }
}

export function planPsbt(bytes: Uint8Array, network: BtcNetwork, keys: Keyring): PsbtPlan {
  let tx: Transaction;
  try {
    tx = Transaction.fromPSBT(bytes, { allowUnknownOutputs: true, allowUnknownInputs: true, disableScriptCheck: false });
  } catch (err) {
    throw refuse(`the PSBT does not parse: ${(err as Error).message}`);
  }
  if (tx.inputsLength === 0) throw refuse('the PSBT has no inputs');
  if (tx.inputsLength > MAX_INPUTS) throw refuse(`the PSBT has ${tx.inputsLength} inputs; the device signs at most ${MAX_INPUTS} in one go`);
  if (tx.outputsLength > MAX_OUTPUTS) throw refuse(`the PSBT has ${tx.outputsLength} outputs; the device shows at most ${MAX_OUTPUTS}`);
  const fingerprint = keys.fingerprint;
  const ours: OurInput[] = [];
  const accounts = new Set<string>();
  let totalIn = 0n;
  let foreignInputs = 0;
  for (let i = 0; i < tx.inputsLength; i++) {
    const input = tx.getInput(i);
    if (input.index === undefined || !input.txid) throw refuse(`input ${i} has no previous outpoint`);
    const prev = input.nonWitnessUtxo;
    if (prev) {
      if (txid(prev) !== toHex(input.txid)) throw refuse(`input ${i}'s previous transaction does not match its txid`);
      if (input.index >= prev.outputs.length) throw refuse(`input ${i} spends output ${input.index} of a transaction that has ${prev.outputs.length}`);
    }
    const utxo = input.witnessUtxo ?? (prev ? prev.outputs[input.index] : undefined);
    if (!utxo) throw refuse(`input ${i} carries no previous output: its amount, and so the fee, cannot be checked`);
    if (input.witnessUtxo && prev) {
      const p = prev.outputs[input.index];
      if (p.amount !== input.witnessUtxo.amount || !equal(p.script, input.witnessUtxo.script)) throw refuse(`input ${i}'s witness UTXO contradicts its previous transaction`);
    }
    if (utxo.amount < 0n || utxo.amount > MAX_SATS) throw refuse(`input ${i}'s amount is out of range`);
    totalIn += utxo.amount;
    if (totalIn > MAX_SATS) throw refuse('the inputs add up to more than 21 million BTC');
    const mine = claims(input as never, fingerprint);
    if (!mine.length) { foreignInputs++; continue; }
    // It names our key: it must check out completely, or the PSBT is refused.
    const c = mine[0];
    const acct = accountOf(c.path, network);
    if (typeof acct === 'string') throw refuse(`input ${i} names this wallet's key, but ${acct}`);
    const node = keys.derive(c.path);
    const pub = node.publicKey!;
    if (c.taproot ? !equal(c.pubkey, pub.subarray(1)) : !equal(c.pubkey, pub)) throw refuse(`input ${i} names this wallet's fingerprint with a key this wallet does not have at that path`);
    const scriptType = describeScript(utxo.script);
    if ((acct.type === 'wpkh' && scriptType !== 'P2WPKH') || (acct.type === 'tr' && scriptType !== 'P2TR')) {
      throw refuse(`input ${i} is a ${scriptType} input: the device signs P2WPKH (BIP84) and P2TR key-path (BIP86) inputs of its own accounts only`);
    }
    if (!equal(payment(acct.type, pub, network).script, utxo.script)) throw refuse(`input ${i}: the script it spends is not the one this wallet's key makes at ${formatPath(c.path)}`);
    if (acct.type === 'wpkh' && !prev) throw refuse(`input ${i} is a segwit v0 input without its previous transaction: a wallet must include it, or the amount (and so the fee) cannot be trusted`);
    if (acct.type === 'tr' && input.tapMerkleRoot) throw refuse(`input ${i} commits to a script tree: the device signs BIP86 key-path spends only`);
    if (acct.type === 'tr' && (!input.tapInternalKey || !equal(input.tapInternalKey, pub.subarray(1)))) throw refuse(`input ${i} is a taproot input of this wallet without its internal key (PSBT_IN_TAP_INTERNAL_KEY)`);
    const sighash = input.sighashType ?? (acct.type === 'tr' ? SIGHASH_DEFAULT : SIGHASH_ALL);
    if (sighash !== SIGHASH_ALL && !(acct.type === 'tr' && sighash === SIGHASH_DEFAULT)) throw refuse(`input ${i} asks for sighash ${sighash}: only DEFAULT and ALL are signed (others let the transaction be changed after signing)`);
    ours.push({ index: i, type: acct.type, path: c.path, sighash });
    accounts.add(`${acct.type}/${acct.account}`);
  }
  const outputs: ShownOutput[] = [];
  let totalOut = 0n;
  let changeOutputs = 0;
  for (let o = 0; o < tx.outputsLength; o++) {
    const out = tx.getOutput(o);
    if (!out.script || out.amount === undefined) throw refuse(`output ${o} is incomplete`);
    if (out.amount < 0n || out.amount > MAX_SATS) throw refuse(`output ${o}'s amount is out of range`);
    totalOut += out.amount;
    if (totalOut > MAX_SATS) throw refuse('the outputs add up to more than 21 million BTC');
    let address: string | undefined;
    try {
      address = Address(network.params).encode(OutScript.decode(out.script));
    } catch {
      address = undefined;
    }
    const mine = claims(out as never, fingerprint);
    let change = false;
    let ownReceive = false;
    let falseChange = false;
    if (mine.length) {
      const c = mine[0];
      const acct = accountOf(c.path, network);
      const pub = typeof acct === 'string' ? undefined : keys.derive(c.path).publicKey!;
      const checks = typeof acct !== 'string' && pub !== undefined && (c.taproot ? equal(c.pubkey, pub.subarray(1)) : equal(c.pubkey, pub)) &&
        equal(payment(acct.type, pub, network).script, out.script);
      if (checks && typeof acct !== 'string' && acct.change && accounts.has(`${acct.type}/${acct.account}`)) change = true;
      else if (checks && typeof acct !== 'string' && !acct.change) ownReceive = true;
      else falseChange = true;
    }
    if (change) { changeOutputs++; continue; }
    outputs.push({ index: o, address, script: toHex(out.script), amount: out.amount, ownReceive, falseChange });
  }
  if (!ours.length) throw refuse('no input of this PSBT belongs to this wallet: there is nothing to sign');
  const fee = totalIn - totalOut;
  if (fee < 0n) throw refuse('the outputs spend more than the inputs');
  const sent = outputs.reduce((n, o) => n + o.amount, 0n);
  const warnings: string[] = [];
  if (fee > sent) warnings.push('The fee is more than the amount sent.');
  else if (fee * 10n >= sent) warnings.push('The fee is 10% or more of the amount sent.');
  if (outputs.some((o) => o.falseChange)) warnings.push('An output claims to be this wallet\'s but is not: it is shown as a payment.');
  if (accounts.size > 1) warnings.push('The inputs come from more than one account.');
  return { tx, ours, foreignInputs, outputs, changeOutputs, totalIn, totalOut, fee, sent, lockTime: tx.lockTime, warnings, psbtVersion: psbtVersionOf(bytes) };
}

/** 0 or 2, from the PSBT's global version field (absent means 0). */
function psbtVersionOf(bytes: Uint8Array): number {
  // magic (5 bytes), then global key-value pairs; PSBT_GLOBAL_VERSION is key type 0xfb with a 4-byte value.
  for (let at = 5; at < bytes.length && bytes[at] !== 0;) {
    const keyLen = bytes[at];
    if (keyLen === 0xfd || keyLen === 0xfe || keyLen === 0xff) return 0;
    const type = bytes[at + 1];
    at += 1 + keyLen;
    let valLen = bytes[at];
    let hdr = 1;
    if (valLen === 0xfd) { valLen = bytes[at + 1] | (bytes[at + 2] << 8); hdr = 3; }
    else if (valLen === 0xfe) { valLen = (bytes[at + 1] | (bytes[at + 2] << 8) | (bytes[at + 3] << 16) | (bytes[at + 4] << 24)) >>> 0; hdr = 5; }
    if (type === 0xfb && keyLen === 1 && valLen === 4) return bytes[at + hdr];
    at += hdr + valLen;
  }
  return 0;
}

export { PURPOSE };
