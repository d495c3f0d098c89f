// Bitcoin known answers, read at test time from ../shared/vectors/bitcoin: BIP 84 and 86 accounts and
// addresses, Trezor's extra BIP84/86 addresses, BIP 341 key-path signatures, BIP 174's parser and signer cases,
// and Jade's single-sig PSBT signer cases (GPL test data, not copied into the project). Both engines.
import test from 'ava';
import { base64, hex } from '@scure/base';
import { schnorr } from '@noble/curves/secp256k1.js';
import { Transaction } from '@scure/btc-signer';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { concatBytes } from '../../modules/bytes.js';
import { fromHex, toHex } from '../../modules/bytes.js';
import { LatchError } from '../../modules/errors.js';
import { accountPath, addressPath, descriptor, descriptorChecksum, extendedPublicKey, payment } from '../../modules/bitcoin/accounts.js';
import { NETWORKS, networkNamed } from '../../modules/bitcoin/networks.js';
import { planPsbt } from '../../modules/bitcoin/psbt.js';
import { signLowR, signPlan } from '../../modules/bitcoin/sign.js';
import { Keyring } from '../../modules/wallet/keyring.js';
import { entropyFromWords } from '../../modules/wallet/mnemonic.js';
import { parsePath } from '../../modules/wallet/path.js';
import bip84 from '../../../shared/vectors/bitcoin/bip84.json' with { type: 'json' };
import bip86 from '../../../shared/vectors/bitcoin/bip86.json' with { type: 'json' };
import bip174 from '../../../shared/vectors/bitcoin/bip174.json' with { type: 'json' };
import bip341 from '../../../shared/vectors/bitcoin/bip341-wallet-test-vectors.json' with { type: 'json' };
import trezorExtra from '../../../shared/vectors/trezor-ethereum/trezor-extra.json' with { type: 'json' };
import jadeP2wpkh from '../../../shared/vectors/bitcoin/jade-psbt/psbt_ss_p2wpkh.json' with { type: 'json' };
import jadeCoinbase from '../../../shared/vectors/bitcoin/jade-psbt/psbt_ss_p2wpkh_spend_coinbase.json' with { type: 'json' };
import jadeSigned from '../../../shared/vectors/bitcoin/jade-psbt/psbt_ss_p2wpkh_already_signed.json' with { type: 'json' };
import jadeTr from '../../../shared/vectors/bitcoin/jade-psbt/psbt_ss_p2tr_default_all.json' with { type: 'json' };
import jadeNotUs from '../../../shared/vectors/bitcoin/jade-psbt/psbt_ss_not_us.json' with { type: 'json' };
import jadeP2pkh from '../../../shared/vectors/bitcoin/jade-psbt/psbt_ss_p2pkh.json' with { type: 'json' };
import jadeP2pkhV2 from '../../../shared/vectors/bitcoin/jade-psbt/psbt_ss_p2pkh_v2.json' with { type: 'json' };
import jadeP2shP2wpkh from '../../../shared/vectors/bitcoin/jade-psbt/psbt_ss_p2sh_p2wpkh.json' with { type: 'json' };
import jadeP2shMs from '../../../shared/vectors/bitcoin/jade-psbt/psbt_ss_p2sh_multisig.json' with { type: 'json' };
import jadeP2wshMs from '../../../shared/vectors/bitcoin/jade-psbt/psbt_ss_p2wsh_multisig.json' with { type: 'json' };
import jadeP2shP2wshMs from '../../../shared/vectors/bitcoin/jade-psbt/psbt_ss_p2sh_p2wsh_multisig.json' with { type: 'json' };

const ABANDON = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const PADDLE = 'paddle puppy easily actor poet apart screen drastic city front predict damp';
const rings = new Map<string, Keyring>();
const ring = (m: string) => {
  if (!rings.has(m)) rings.set(m, new Keyring(() => entropyFromWords(m.split(' '))));
  return rings.get(m)!;
};

test('BIP 84: account zpub and zprv-derived addresses of "abandon ... about"', (t) => {
  const k = ring(ABANDON);
  const path = accountPath('wpkh', NETWORKS.mainnet, 0);
  t.is(extendedPublicKey(k.derive(path), NETWORKS.mainnet.slip132Version), (bip84 as any).account.zpub);
  for (const a of (bip84 as any).addresses) {
    const node = k.derive(parsePath(a.path));
    t.is(payment('wpkh', node.publicKey!, NETWORKS.mainnet).address, a.address, a.path);
    t.is(toHex(node.publicKey!), a.pubkey, `${a.path}: public key`);
  }
});

test('BIP 86: account xpub, internal and output keys, addresses', (t) => {
  const k = ring(ABANDON);
  t.is(extendedPublicKey(k.derive(accountPath('tr', NETWORKS.mainnet, 0)), NETWORKS.mainnet.xpubVersion), (bip86 as any).account.xpub);
  for (const a of (bip86 as any).addresses) {
    const node = k.derive(parsePath(a.path));
    t.is(toHex(node.publicKey!.subarray(1)), a.internal_key, `${a.path}: internal key`);
    const p = payment('tr', node.publicKey!, NETWORKS.mainnet);
    t.is(p.address, a.address, a.path);
    t.is(toHex(p.script), a.scriptPubKey, `${a.path}: script`);
    t.is(toHex(p.script.subarray(2)), a.output_key, `${a.path}: output key`);
  }
});

test('Trezor\'s BIP84/86 addresses for "all all ..." on mainnet and testnet (8)', (t) => {
  const x = (trezorExtra as any);
  const cases = x.bitcoin_addresses.cases;
  const k = ring('all all all all all all all all all all all all');
  for (const c of cases) {
    const path = parsePath(c.path);
    const type = path[0] === 0x80000054 ? 'wpkh' : 'tr';
    const network = path[1] === 0x80000000 ? NETWORKS.mainnet : NETWORKS.testnet;
    t.is(payment(type, k.derive(path).publicKey!, network).address, c.address, c.path);
  }
  t.is(cases.length, 8);
});

/** BIP 341: d' = (d or n-d, so that P has an even y) + TapTweak(P || merkle root), mod n. */
function tweakPrivate(d: Uint8Array, merkleRoot: Uint8Array): Uint8Array {
  const n = secp256k1.Point.CURVE().n;
  const P = secp256k1.Point.BASE.multiply(BigInt(`0x${toHex(d)}`));
  const x = P.toBytes(true).subarray(1);
  const k = P.toAffine().y % 2n === 0n ? BigInt(`0x${toHex(d)}`) : n - BigInt(`0x${toHex(d)}`);
  const t = BigInt(`0x${toHex(schnorr.utils.taggedHash('TapTweak', concatBytes(x, merkleRoot)))}`);
  return fromHex(((k + t) % n).toString(16).padStart(64, '0'));
}

test('BIP 341 key-path spending: sighashes and signatures of all 7 inputs', (t) => {
  const v = (bip341 as any).keyPathSpending[0];
  // Its second output is 32 raw bytes, not a script: the vectors test sighashes, not scripts.
  const tx = Transaction.fromRaw(fromHex(v.given.rawUnsignedTx), { allowUnknownOutputs: true, allowUnknownInputs: true, disableScriptCheck: true });
  const scripts = v.given.utxosSpent.map((u: any) => fromHex(u.scriptPubKey));
  const amounts = v.given.utxosSpent.map((u: any) => BigInt(u.amountSats));
  for (const s of v.inputSpending) {
    const g = s.given;
    const sigHash = tx.preimageWitnessV1(g.txinIndex, scripts, g.hashType, amounts);
    t.is(toHex(sigHash), s.intermediary.sigHash, `input ${g.txinIndex}: sighash`);
    const tweaked = tweakPrivate(fromHex(g.internalPrivkey), g.merkleRoot ? fromHex(g.merkleRoot) : new Uint8Array(0));
    t.is(toHex(tweaked), s.intermediary.tweakedPrivkey, `input ${g.txinIndex}: tweaked key`);
    const sig = schnorr.sign(sigHash, tweaked, new Uint8Array(32));
    const witness = toHex(sig) + (g.hashType ? g.hashType.toString(16).padStart(2, '0') : '');
    t.is(witness, s.expected.witness[0], `input ${g.txinIndex}: signature`);
  }
  t.is(v.inputSpending.length, 7);
});

test('BIP 174: the 20 invalid PSBTs are refused with a clear error; the 10 valid ones parse', (t) => {
  const k = ring(PADDLE);
  for (const c of (bip174 as any).invalid) {
    const err = t.throws(() => planPsbt(fromHex(c.hex), NETWORKS.testnet, k), undefined, c.case) as LatchError;
    t.is(err.code, 'bad-psbt', c.case);
    t.regex(err.message, /the PSBT does not parse: ./, c.case);
  }
  for (const c of (bip174 as any).valid) {
    try {
      planPsbt(fromHex(c.hex), NETWORKS.testnet, k);
    } catch (err) {
      t.false(/does not parse/.test((err as Error).message), `${c.case}: ${(err as Error).message}`);
    }
  }
  t.is((bip174 as any).invalid.length, 20);
  t.is((bip174 as any).valid.length, 10);
});

test('BIP 174 signer checks: the four PSBTs a signer must refuse are refused', (t) => {
  for (const c of (bip174 as any).fails_signer_checks) {
    t.throws(() => planPsbt(fromHex(c.hex), NETWORKS.testnet, ring(PADDLE)), { code: 'bad-psbt' }, c.case);
  }
});

const jade = (f: any) => ({ network: networkNamed(f.input.network), psbt: base64.decode(f.input.psbt), expected: f.expected_output.psbt as string });

test('Jade single-sig PSBTs: P2WPKH, coinbase spend, P2TR (DEFAULT and ALL) and already signed, byte for byte', (t) => {
  for (const [name, f] of [['p2wpkh', jadeP2wpkh], ['spend_coinbase', jadeCoinbase], ['p2tr_default_all', jadeTr], ['already_signed', jadeSigned]] as const) {
    const j = jade(f);
    const plan = planPsbt(j.psbt, j.network, ring(PADDLE));
    const signed = signPlan(plan, ring(PADDLE), () => new Uint8Array(32));
    t.is(base64.encode(signed), j.expected, name);
  }
});

test('Jade PSBTs the device does not sign are refused with a clear reason', (t) => {
  const cases: [string, any, RegExp][] = [
    ['not_us', jadeNotUs, /no input of this PSBT belongs to this wallet/],
    ['p2pkh', jadeP2pkh, /a BIP44 account \(m\/44', legacy P2PKH\): the device signs BIP84 \(P2WPKH\) and BIP86 \(P2TR\) accounts only/],
    ['p2pkh_v2 (PSBT v2)', jadeP2pkhV2, /BIP44 account/],
    ['p2sh_p2wpkh (nested segwit)', jadeP2shP2wpkh, /BIP49 account/],
    ['p2sh_multisig', jadeP2shMs, /BIP45|BIP48|multisig|account/],
    ['p2wsh_multisig', jadeP2wshMs, /BIP45|BIP48|multisig|account/],
    ['p2sh_p2wsh_multisig', jadeP2shP2wshMs, /BIP45|BIP48|multisig|account/],
  ];
  for (const [name, f, pattern] of cases) {
    const j = jade(f);
    const err = t.throws(() => planPsbt(j.psbt, j.network, ring(PADDLE)), { code: 'bad-psbt' }, name) as LatchError;
    t.regex(err.message, pattern, name);
  }
});

test('low-R grinding: every DER signature is at most 71 bytes with R below 2^255', (t) => {
  const key = fromHex('0101010101010101010101010101010101010101010101010101010101010101');
  let ground = 0;
  for (let i = 0; i < 40; i++) {
    const digest = new Uint8Array(32).fill(i);
    const der = signLowR(digest, key);
    t.true(der.length <= 71);
    t.true(der[3] <= 32, 'R needs no 0x00 sign byte');
    t.true(der[4] < 0x80, 'the top bit of R is clear');
    if (der.length < 71) ground++;
  }
  void ground;
});

test('descriptors: BIP 380 checksums, and the account descriptor of "abandon ... about"', (t) => {
  t.is(descriptorChecksum('raw(deadbeef)'), '89f8spxm'); // BIP 380's own example
  const k = ring(ABANDON);
  const path = accountPath('wpkh', NETWORKS.mainnet, 0);
  const xpub = extendedPublicKey(k.derive(path), NETWORKS.mainnet.xpubVersion);
  const d = descriptor('wpkh', k.fingerprint, path, xpub);
  t.regex(d, /^wpkh\(\[73c5da0a\/84h\/0h\/0h\]xpub[1-9A-HJ-NP-Za-km-z]+\/<0;1>\/\*\)#[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{8}$/);
  t.is(toHex(k.derive(addressPath('wpkh', NETWORKS.mainnet, 0, false, 0)).publicKey!), '0330d54fd0dd420a6e5f8d3624f5f3482cae350f79d5f0753bf5beef9c2d91af3c');
  void hex;
});
