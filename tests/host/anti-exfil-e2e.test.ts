// Anti-exfil end to end on XS (hosts/client/anti-exfil.ts against the firmware in the board simulator): the CLI,
// the client library, the ethers signer and the viem account sign with it on by default (each signature's nonce
// checked by the app, and different at each signing), --no-anti-exfil gives the deterministic RFC 6979 signature
// ethers' own wallet makes, and a firmware whose signer picks its own nonce (swapped in through the simulator's
// evaluate hook) is refused loudly, every time, by every one of them.
import test, { type ExecutionContext } from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { Wallet, verifyMessage, Transaction } from 'ethers';
import { verifyMessage as viemVerifyMessage } from 'viem';
import { HDKey } from '@scure/bip32';
import { base64 } from '@scure/base';
import type { DeviceDriver } from './support/device-driver.js';
import { latch } from './support/cli.js';
import type { RunningSim } from './support/sim.js';
import { startCliBench, type CliBench } from './support/cli-bench.js';
import { EthApp } from '../../hosts/client/eth.js';
import { BtcApp } from '../../hosts/client/btc.js';
import { AntiExfilError } from '../../hosts/client/anti-exfil.js';
import { LatchSigner } from '../../hosts/client/ethers-signer.js';
import { latchAccount } from '../../hosts/client/viem-account.js';
import { buildPsbt, type InputSpec, type KeySource } from '../portable/support/psbt-builder.js';
import { NETWORKS } from '../../modules/bitcoin/networks.js';
import { decodeEvent } from '../../modules/guard/event-format.js';
import type { XsRuntime } from '../../hosts/sim/runtime-xs.js';

const MNEMONIC = 'all all all all all all all all all all all all';
const ADDRESS_0 = '0x73d0385F4d8E00C5e6504C6030F47BF6212736A8';
const TX = { type: 2, chainId: 1, nonce: 0, to: '0x000000000000000000000000000000000000dEaD', value: 1n, gasLimit: 21000, maxFeePerGas: 2n, maxPriorityFeePerGas: 1n };
const TESTNET_VERSIONS = { private: 0x04358394, public: 0x043587cf };

let bench: CliBench | undefined;
let sim: RunningSim;
let d: DeviceDriver;
let home: string;
const device = () => bench!.device();

test.before(async () => {
  bench = await startCliBench({ mnemonic: MNEMONIC, label: 'QA bench', name: 'ae' });
  ({ sim, d, home } = bench);
});
test.after.always(async () => {
  await bench?.stop();
});

async function signedEvents(): Promise<Record<string, unknown>[]> {
  const e = await sim.board.runtime!.deviceEvents();
  return e!.answer.events.map((b) => decodeEvent(b)).filter((x) => x.kind === 'signed').map((x) => x.details);
}

/**
 * The firmware's signer replaced inside XS by one that tweaks with entropy of its own (a seed-derived nonce): its
 * ECDSA signer, or (`schnorr`) only its BIP 340 one for taproot inputs.
 */
async function hostileFirmware(on: boolean, which: 'ecdsa' | 'schnorr' = 'ecdsa'): Promise<void> {
  await (sim.board.runtime as XsRuntime).evaluate(on
    ? `const honest = device.honestForTests ?? device.antiExfilSigner; device.honestForTests = honest;
       const own = new Uint8Array(32).fill(0x42);
       device.antiExfilSigner = ${which === 'ecdsa'
    ? '{ ...honest, sign: (digest, key) => honest.sign(digest, key, own) }'
    : '{ ...honest, schnorr: { commit: honest.schnorr.commit, sign: (digest, key) => honest.schnorr.sign(digest, key, own) } }'};`
    : 'if (device.honestForTests) device.antiExfilSigner = device.honestForTests;');
}

test.serial('the CLI signs with anti-exfil by default: checked, verified by ethers, a new nonce each time; --no-anti-exfil is RFC 6979', async (t) => {
  const before = (await signedEvents()).length;
  const runs = [];
  for (let i = 0; i < 2; i++) {
    const m = await latch(['eth', 'sign-message', 'anti-exfil', '--json', ...device()], async () => { await d.review(); });
    t.is(m.code, 0, m.stderr);
    runs.push(JSON.parse(m.stdout).signature);
    t.is(verifyMessage('anti-exfil', runs[i]), ADDRESS_0);
  }
  t.not(runs[0], runs[1], 'the app\'s entropy is in the nonce');
  const plain = await latch(['eth', 'sign-message', 'anti-exfil', '--no-anti-exfil', '--json', ...device()], async () => { await d.review(); });
  t.is(plain.code, 0, plain.stderr);
  t.is(JSON.parse(plain.stdout).signature, await Wallet.fromPhrase(MNEMONIC).signMessage('anti-exfil'), 'deterministic, as ethers\' wallet');
  const events = (await signedEvents()).slice(before);
  t.deepEqual(events.map((e) => e.antiExfil === true), [true, true, false], 'the event log says which were anti-exfil, each once');
});

test.serial('the client library, the ethers signer and the viem account: on by default, every signature checked', async (t) => {
  const { client, session } = await bench!.openSession();
  let draws = 0;
  const eth = new EthApp(session, { randomBytes: (n) => { draws++; return crypto.getRandomValues(new Uint8Array(n)); } });
  const signer = new LatchSigner(eth);
  const [raw] = await Promise.all([signer.signTransaction(TX), d.review()]);
  t.is(Transaction.from(raw).from, ADDRESS_0);
  const [sig] = await Promise.all([signer.signMessage('ethers'), d.review()]);
  t.is(verifyMessage('ethers', sig), ADDRESS_0);
  const account = await latchAccount(eth);
  const [vsig] = await Promise.all([account.signMessage({ message: 'viem' }), d.review()]);
  t.true(await viemVerifyMessage({ address: ADDRESS_0, message: 'viem', signature: vsig as `0x${string}` }));
  const [vtx] = await Promise.all([account.signTransaction({ type: 'eip1559', chainId: 1, nonce: 1, to: TX.to as `0x${string}`, value: 1n, gas: 21000n, maxFeePerGas: 2n, maxPriorityFeePerGas: 1n }), d.review()]);
  t.is(Transaction.from(vtx).from, ADDRESS_0);
  t.is(draws, 4, 'one fresh entropy per signature');
  await client.close();
});

test.serial('a firmware whose signer picks its own nonce: the CLI exits 3 with an alarm and prints no signature', async (t) => {
  await hostileFirmware(true);
  try {
    for (let i = 0; i < 2; i++) {
      const m = await latch(['eth', 'sign-message', `leak ${i}`, '--json', ...device()], async () => { await d.review(); });
      t.is(m.code, 3);
      t.regex(m.stderr, /!!! latch: ALARM: ANTI-EXFIL CHECK FAILED on eth_sign_message/);
      t.deepEqual(JSON.parse(m.stdout), { error: JSON.parse(m.stdout).error, code: 'anti-exfil-failed' });
      t.notRegex(m.stdout, /"signature"/);
    }
    const tx = await latch(['eth', 'sign-tx', JSON.stringify({ ...TX, value: 1, maxFeePerGas: 2, maxPriorityFeePerGas: 1 }), ...device()], async () => { await d.review(); });
    t.is(tx.code, 3);
    t.notRegex(tx.stdout, /signed transaction/);
    // without the check, the same firmware's signature goes through (and verifies: only the nonce check sees it)
    const blind = await latch(['eth', 'sign-message', 'unchecked', '--no-anti-exfil', '--json', ...device()], async () => { await d.review(); });
    t.is(blind.code, 0);
  } finally {
    await hostileFirmware(false);
  }
});

test.serial('a hostile firmware is caught by the ethers signer, the viem account and the client (with its listener)', async (t) => {
  const { client, session } = await bench!.openSession();
  const heard: AntiExfilError[] = [];
  const eth = new EthApp(session, { onAntiExfilFailure: (e) => heard.push(e) });
  const signer = new LatchSigner(eth);
  const account = await latchAccount(eth);
  await hostileFirmware(true);
  try {
    await Promise.all([t.throwsAsync(signer.signTransaction(TX), { instanceOf: AntiExfilError }), d.review()]);
    await Promise.all([t.throwsAsync(signer.signMessage('x'), { instanceOf: AntiExfilError }), d.review()]);
    await Promise.all([t.throwsAsync(account.signMessage({ message: 'y' }), { instanceOf: AntiExfilError }), d.review()]);
    const domain = { name: 'Latch', version: '1', chainId: 1 };
    const types = { Note: [{ name: 'text', type: 'string' }] };
    await Promise.all([t.throwsAsync(signer.signTypedData(domain, types, { text: 'z' }), { instanceOf: AntiExfilError }), d.review()]);
    t.deepEqual(heard.map((e) => e.method), ['eth_sign_tx', 'eth_sign_message', 'eth_sign_message', 'eth_sign_typed_data']);
  } finally {
    await hostileFirmware(false);
    await client.close();
  }
});

/**
 * `latch btc sign-psbt` of a PSBT spending `inputs` (built watch-only from both accounts' xpubs, as a desktop
 * wallet does): signed by the honest firmware (exit 0, every input), then refused (exit 3, `refusal`) by firmware
 * whose `which` signer picks its own nonce.
 */
async function signedThenRefused(t: ExecutionContext, name: string, inputs: InputSpec[], which: 'ecdsa' | 'schnorr', refusal: RegExp, why?: string): Promise<void> {
  const { client, session } = await bench!.openSession();
  const app = new BtcApp(session);
  const [wpkh, tr] = [await app.getXpub({ network: 'testnet' }), await app.getXpub({ type: 'tr', network: 'testnet' })];
  await client.close();
  const accounts: Record<number, HDKey> = { 84: HDKey.fromExtendedKey(wpkh.xpub, TESTNET_VERSIONS), 86: HDKey.fromExtendedKey(tr.xpub, TESTNET_VERSIONS) };
  const keys: KeySource = { fingerprint: parseInt(wpkh.fingerprint, 16), derive: (p) => accounts[p[0] & 0x7fffffff].deriveChild(p[3]).deriveChild(p[4]) };
  const file = path.join(home, name);
  fs.writeFileSync(file, base64.encode(buildPsbt(keys, NETWORKS.testnet, inputs, [{ amount: 60_000n }])));
  const sign = () => latch(['btc', 'sign-psbt', file, '--network', 'testnet', '--json', ...device()], async () => { await d.review(); });
  const ok = await sign();
  t.is(ok.code, 0, ok.stderr);
  t.is(JSON.parse(ok.stdout).signedInputs, inputs.length);
  await hostileFirmware(true, which);
  try {
    const bad = await sign();
    t.is(bad.code, 3);
    t.regex(bad.stderr, refusal, why);
  } finally {
    await hostileFirmware(false);
  }
}

test.serial('bitcoin: latch btc sign-psbt with anti-exfil on P2WPKH inputs; a hostile firmware is refused', async (t) => {
  await signedThenRefused(t, 'ae.psbt', [{ type: 'wpkh', index: 0, amount: 50_000n }, { type: 'wpkh', index: 1, amount: 20_000n }], 'ecdsa',
    /ANTI-EXFIL CHECK FAILED on btc_sign_psbt: inputs 0, 1/);
});

test.serial('bitcoin: a taproot input with anti-exfil (Latch\'s BIP 340 construction) through the CLI; a hostile BIP 340 signer is refused', async (t) => {
  await signedThenRefused(t, 'ae-tr.psbt', [{ type: 'tr', index: 0, amount: 50_000n }, { type: 'wpkh', index: 2, amount: 20_000n }], 'schnorr',
    /ANTI-EXFIL CHECK FAILED on btc_sign_psbt: input 0:/, 'the taproot input, and only it');
});
