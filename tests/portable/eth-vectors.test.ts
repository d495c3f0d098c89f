// Ethereum known answers, read at test time from ../shared/vectors (Trezor's own device-test fixtures, LGPL, not
// copied into the project; the EIP examples). Byte-exact: RFC 6979 without extra entropy, low-S.
import test from 'ava';
import { fromHex, toHex, utf8Encode } from '../../modules/bytes.js';
import { addressOf } from '../../modules/ethereum/address.js';
import { decodeCall } from '../../modules/ethereum/calldata.js';
import { personalMessageHash } from '../../modules/ethereum/message.js';
import { rsv, signDigest } from '../../modules/ethereum/sign.js';
import { parseTx, serializeSigned, serializeUnsigned, signatureV, signingHash, type EthTx } from '../../modules/ethereum/tx.js';
import { checkTypedData, summarizeTypedData } from '../../modules/ethereum/typed-data.js';
import { encodeType } from '../../modules/ethereum/typed-hash.js';
import { Keyring } from '../../modules/wallet/keyring.js';
import { entropyFromWords } from '../../modules/wallet/mnemonic.js';
import { parsePath } from '../../modules/wallet/path.js';
import getaddress from '../../../shared/vectors/trezor-ethereum/getaddress.json' with { type: 'json' };
import getpublickey from '../../../shared/vectors/trezor-ethereum/getpublickey.json' with { type: 'json' };
import signTx from '../../../shared/vectors/trezor-ethereum/sign_tx.json' with { type: 'json' };
import signTxEip155 from '../../../shared/vectors/trezor-ethereum/sign_tx_eip155.json' with { type: 'json' };
import signTxEip1559 from '../../../shared/vectors/trezor-ethereum/sign_tx_eip1559.json' with { type: 'json' };
import signTxErc20 from '../../../shared/vectors/trezor-ethereum/sign_tx_erc20.json' with { type: 'json' };
import signTxClear from '../../../shared/vectors/trezor-ethereum/sign_tx_clear_signing.json' with { type: 'json' };
import signTxStaking from '../../../shared/vectors/trezor-ethereum/sign_tx_staking.json' with { type: 'json' };
import signTxExternal from '../../../shared/vectors/trezor-ethereum/sign_tx_external_definitions.json' with { type: 'json' };
import signTxStaking1559 from '../../../shared/vectors/trezor-ethereum/sign_tx_staking_eip1559.json' with { type: 'json' };
import signTxError from '../../../shared/vectors/trezor-ethereum/sign_tx_error.json' with { type: 'json' };
import signTxStakingError from '../../../shared/vectors/trezor-ethereum/sign_tx_staking_data_error.json' with { type: 'json' };
import signMessage from '../../../shared/vectors/trezor-ethereum/signmessage.json' with { type: 'json' };
import signTyped from '../../../shared/vectors/trezor-ethereum/sign_typed_data.json' with { type: 'json' };
import trezorExtra from '../../../shared/vectors/trezor-ethereum/trezor-extra.json' with { type: 'json' };
import eip155 from '../../../shared/vectors/eth-eip/eip155-example.json' with { type: 'json' };
import eip712 from '../../../shared/vectors/eth-eip/eip712-mail.json' with { type: 'json' };
import eip2930 from '../../../shared/vectors/eth-eip/ethereumjs-eip2930.json' with { type: 'json' };

type Fixture = { setup: { mnemonic: string }; tests: { name?: string; parameters: any; result: any }[] };

const keyrings = new Map<string, Keyring>();
function keyring(mnemonic: string): Keyring {
  let k = keyrings.get(mnemonic);
  if (!k) {
    k = new Keyring(() => entropyFromWords(mnemonic.split(' ')));
    keyrings.set(mnemonic, k);
  }
  return k;
}

/**
 * JSON numbers above 2^53 lose precision in JavaScript. The only ones in these files are chain id 2^64-1 and its
 * EIP-155 v (SIGNING-VECTORS.md): recognise them exactly, and refuse any other unsafe number.
 */
const MAX_U64 = (1n << 64n) - 1n;
function exact(n: number | string, what: string): bigint {
  if (typeof n === 'string') return BigInt(n);
  if (Number.isSafeInteger(n)) return BigInt(n);
  if (n === Number(MAX_U64)) return MAX_U64;
  if (n === Number(MAX_U64 * 2n + 35n) || n === Number(MAX_U64 * 2n + 36n)) return BigInt(n); // compared as numbers below
  throw new Error(`${what}: ${n} is not a safe integer`);
}

function txFromFixture(p: any, type: EthTx['type']): EthTx {
  const hexInt = (s: string) => BigInt(s === '0x' ? 0 : s);
  return {
    type,
    chainId: exact(p.chain_id, 'chain_id'),
    nonce: hexInt(p.nonce),
    gasLimit: hexInt(p.gas_limit),
    ...(type === 'eip1559' ? { maxFeePerGas: hexInt(p.max_gas_fee), maxPriorityFeePerGas: hexInt(p.max_priority_fee) } : { gasPrice: hexInt(p.gas_price) }),
    to: p.to_address ? p.to_address.toLowerCase() : undefined,
    value: hexInt(p.value),
    data: fromHex(p.data ?? ''),
    accessList: (p.access_list ?? []).map((e: any) => [e.address.toLowerCase(), e.storage_keys ?? e.storageKeys]),
  };
}

/** Through the device's own path: serialize, parse back (as the device receives it), hash, sign. */
function signFixture(k: Keyring, path: string, tx: EthTx) {
  const raw = serializeUnsigned(tx);
  const parsed = parseTx(raw);
  const key = k.privateKey(parsePath(path));
  const sig = signDigest(signingHash(raw), key);
  return { v: signatureV(parsed, sig.recovery), r: sig.r.toString(16).padStart(64, '0'), s: sig.s.toString(16).padStart(64, '0'), parsed };
}

function expectSignature(t: any, got: { v: bigint; r: string; s: string }, result: any, name: string) {
  const v = result.sig_v;
  if (Number.isSafeInteger(v)) t.is(got.v, BigInt(v), `${name}: v`);
  else t.is(Number(got.v), v, `${name}: v (beyond 2^53, compared as a double)`);
  t.is(got.r, result.sig_r.replace(/^0x/, '').padStart(64, '0'), `${name}: r`);
  t.is(got.s, result.sig_s.replace(/^0x/, '').padStart(64, '0'), `${name}: s`);
}

test('Trezor getaddress.json: EIP-55 addresses for every path (6)', (t) => {
  const f = getaddress as Fixture;
  for (const c of f.tests) t.is(addressOf(keyring(f.setup.mnemonic).derive(parsePath(c.parameters.path)).publicKey!), c.result.address, c.parameters.path);
  t.is(f.tests.length, 6);
});

test('Trezor getpublickey.json: xpub, fingerprint, chain code (4)', (t) => {
  const f = getpublickey as Fixture;
  for (const c of f.tests) {
    const k = keyring(f.setup.mnemonic);
    const node = k.derive(parsePath(c.parameters.path));
    t.is(node.publicExtendedKey, c.result.xpub);
    t.is(toHex(node.publicKey!), c.result.public_key);
    t.is(toHex(node.chainCode!), c.result.chain_code);
    t.is(node.parentFingerprint, c.result.fingerprint);
  }
  t.is(f.tests.length, 4);
});

const legacyFiles: [string, Fixture][] = [
  ['sign_tx.json', signTx as Fixture], ['sign_tx_eip155.json', signTxEip155 as Fixture], ['sign_tx_erc20.json', signTxErc20 as Fixture],
  ['sign_tx_clear_signing.json', signTxClear as Fixture], ['sign_tx_staking.json', signTxStaking as Fixture],
  ['sign_tx_external_definitions.json', signTxExternal as Fixture],
];

test('Trezor legacy / EIP-155 fixtures, byte for byte (Wanchain tx_type cases excluded)', (t) => {
  let n = 0;
  for (const [file, f] of legacyFiles) {
    for (const c of f.tests) {
      if (c.parameters.tx_type !== null && c.parameters.tx_type !== undefined) continue; // Wanchain, not Ethereum
      const got = signFixture(keyring(f.setup.mnemonic), c.parameters.path, txFromFixture(c.parameters, 'legacy'));
      expectSignature(t, got, c.result, `${file} ${c.name ?? ''}`);
      n++;
    }
  }
  t.log(`${n} legacy cases`);
  t.is(n, 114);
});

test('Trezor EIP-1559 fixtures (with and without access lists), byte for byte', (t) => {
  let n = 0;
  for (const f of [signTxEip1559 as Fixture, signTxStaking1559 as Fixture]) {
    for (const c of f.tests) {
      expectSignature(t, signFixture(keyring(f.setup.mnemonic), c.parameters.path, txFromFixture(c.parameters, 'eip1559')), c.result, c.name ?? '');
      n++;
    }
  }
  const x = (trezorExtra as any).eip1559_access_list;
  for (const c of x.cases) {
    expectSignature(t, signFixture(keyring(x.mnemonic), x.path, txFromFixture({ ...x.common, nonce: '0x0', gas_limit: `0x${x.common.gas_limit.toString(16)}`, max_gas_fee: `0x${x.common.max_gas_fee.toString(16)}`, max_priority_fee: `0x${x.common.max_priority_fee.toString(16)}`, value: `0x${x.common.value.toString(16)}`, to_address: x.common.to, access_list: c.access_list }, 'eip1559')), c.result, c.name);
    n++;
  }
  t.log(`${n} EIP-1559 cases`);
  t.is(n, 16);
});

test('Trezor refusal fixtures: unknown calldata is blind, and the device refuses it with blind signing off', (t) => {
  for (const f of [signTxError as Fixture, signTxStakingError as Fixture]) {
    for (const c of f.tests) {
      const tx = txFromFixture(c.parameters, 'legacy');
      t.is(decodeCall(tx.data).kind, 'blind', `${c.name}: blind`);
    }
  }
  t.pass();
});

test('Trezor signmessage.json: personal_sign signatures (9)', (t) => {
  const f = signMessage as Fixture;
  for (const c of f.tests) {
    const k = keyring(f.setup.mnemonic);
    const path = parsePath(c.parameters.path);
    t.is(addressOf(k.derive(path).publicKey!), c.result.address);
    const message = c.parameters.msg.startsWith?.('0x') ? fromHex(c.parameters.msg.slice(2)) : utf8Encode(c.parameters.msg);
    t.is(toHex(rsv(signDigest(personalMessageHash(message), k.privateKey(path)))), c.result.sig, c.parameters.msg.slice(0, 30));
  }
  t.is(f.tests.length, 9);
});

test('Trezor sign_typed_data.json: hashes and signatures of every v4 case; the non-v4 case is refused', (t) => {
  const f = signTyped as Fixture;
  let signed = 0;
  for (const c of f.tests) {
    const p = c.parameters;
    if (!p.metamask_v4_compat) {
      t.is(c.name, 'struct_list_non_v4', 'only one case uses the older array encoding');
      continue; // refused by the device: EIP-712 v4 only (see README)
    }
    const s = summarizeTypedData(checkTypedData(p.data));
    t.is(`0x${toHex(s.domainHash)}`, p.domain_separator_hash, `${c.name}: domain separator`);
    t.is(s.messageHash ? `0x${toHex(s.messageHash)}` : null, p.message_hash, `${c.name}: message hash`);
    const k = keyring(f.setup.mnemonic);
    t.is(`0x${toHex(rsv(signDigest(s.digest, k.privateKey(parsePath(p.path)))))}`, c.result.sig, `${c.name}: signature`);
    if (c.name === 'structs_arrays_v4') t.is(s.droppedFields, 1, 'the undeclared field is dropped and counted');
    signed++;
  }
  t.is(signed, 9);
});

test('EIP-155 example: signing data, hash, v, r, s and the signed transaction', (t) => {
  const e = eip155 as any;
  const tx: EthTx = { type: 'legacy', chainId: 1n, nonce: 9n, gasPrice: BigInt(e.tx.gasPrice), gasLimit: 21000n, to: e.tx.to, value: BigInt(e.tx.value), data: new Uint8Array(0), accessList: [] };
  const raw = serializeUnsigned(tx);
  t.is(`0x${toHex(raw)}`, e.signing_data_rlp);
  t.is(`0x${toHex(signingHash(raw))}`, e.signing_hash);
  const sig = signDigest(signingHash(raw), fromHex(e.private_key.slice(2)));
  const v = signatureV(parseTx(raw), sig.recovery);
  t.is(v, BigInt(e.v));
  t.is(sig.r.toString(), e.r_decimal);
  t.is(sig.s.toString(), e.s_decimal);
  t.is(`0x${toHex(serializeSigned(tx, { v, r: sig.r, s: sig.s }))}`, e.signed_tx);
});

test('EIP-712 "Mail" example: encodeType, type hash, struct hashes, digest and signature', (t) => {
  const e = eip712 as any;
  const typed = checkTypedData(e.typed_data);
  t.is(encodeType(typed.types, 'Mail'), e.expected.encodeType_Mail);
  const s = summarizeTypedData(typed);
  t.is(`0x${toHex(s.domainHash)}`, e.expected.domainSeparator ?? e.expected.hashStruct_EIP712Domain ?? e.expected.domain_separator);
  t.is(`0x${toHex(s.digest)}`, e.expected.digest ?? e.expected.signHash);
  const sig = signDigest(s.digest, fromHex(e.private_key.slice(2)));
  t.is(27 + sig.recovery, e.expected.v);
  t.is(`0x${sig.r.toString(16).padStart(64, '0')}`, e.expected.r);
  t.is(`0x${sig.s.toString(16).padStart(64, '0')}`, e.expected.s);
});

test('EIP-2930 (ethereumjs): a type-1 transaction with an access list', (t) => {
  const e = eip2930 as any;
  const tx: EthTx = {
    type: 'eip2930', chainId: 1n, nonce: 0n, gasPrice: BigInt(e.tx.gasPrice), gasLimit: BigInt(e.tx.gasLimit), to: e.tx.to, value: BigInt(e.tx.value),
    data: fromHex(e.tx.data.slice(2)), accessList: e.tx.accessList.map((a: any) => [a.address, a.storageKeys]),
  };
  const raw = serializeUnsigned(tx);
  const sig = signDigest(signingHash(raw), fromHex(e.private_key.slice(2)));
  t.is(sig.recovery, e.expected.yParity);
  t.is(`0x${sig.r.toString(16).padStart(64, '0')}`, e.expected.r);
  t.is(`0x${sig.s.toString(16).padStart(64, '0')}`, e.expected.s);
  t.deepEqual(parseTx(raw).accessList, tx.accessList);
});
