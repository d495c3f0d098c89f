// Ethereum end to end on XS: the debug link loads Trezor's test mnemonic, the `latch eth` commands and the
// ethers adapter talk to the simulator, and the owner's presses come through the control API. Every signature
// is verified by ethers (an implementation written by others).
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { Transaction, TypedDataEncoder, verifyMessage, verifyTypedData, getAddress, parseEther } from 'ethers';
import decodeQR from '@paulmillr/qr/decode.js';
import type { DeviceDriver } from './support/device-driver.js';
import { latch } from './support/cli.js';
import type { RunningSim } from './support/sim.js';
import { startCliBench, type CliBench } from './support/cli-bench.js';
import { EthApp } from '../../hosts/client/eth.js';
import { LatchSigner } from '../../hosts/client/ethers-signer.js';
import eip712 from '../../../shared/vectors/eth-eip/eip712-mail.json' with { type: 'json' };

const MNEMONIC = 'all all all all all all all all all all all all';
const ADDRESS_0 = '0x73d0385F4d8E00C5e6504C6030F47BF6212736A8'; // Trezor's fixtures for m/44'/60'/0'/0/0

let bench: CliBench | undefined;
let sim: RunningSim;
let d: DeviceDriver;
let home: string;
const device = () => bench!.device();

test.before(async () => {
  bench = await startCliBench({ mnemonic: MNEMONIC, label: 'QA bench', name: 'eth' });
  ({ sim, d, home } = bench);
});
test.after.always(async () => {
  await bench?.stop();
});

test.serial('the debug link is a simulator feature only: the manifest and main.ts never reach it', (t) => {
  const root = path.join(path.dirname(new URL(import.meta.url).pathname), '../..');
  const manifest = fs.readFileSync(path.join(root, 'manifest.json'), 'utf8');
  t.false(/hosts\//.test(manifest), 'manifest.json maps nothing from hosts/');
  // What a board build takes: manifest.json without the Moddable desktop simulator's platform (lin/*, whose memory
  // probe and the SDK's debug module serve `npm run memory:sim`), and the board manifest.
  const parsed = JSON.parse(manifest);
  t.truthy(parsed.platforms['lin/*'], 'the desktop simulator\'s platform is where the test expects it');
  delete parsed.platforms['lin/*'];
  const board = JSON.stringify(parsed) + fs.readFileSync(path.join(root, 'manifest_esp32.json'), 'utf8');
  t.false(/debug|memory-probe/i.test(board), 'no debug module or memory probe in what a board builds');
  const imports = [...fs.readFileSync(path.join(root, 'main.ts'), 'utf8').matchAll(/^import[^;]*?["']([^"']+)["']/gm)].map((m) => m[1]);
  t.true(imports.length > 3);
  for (const i of imports) t.false(/hosts\/|debug/.test(i), `main.ts imports ${i}`);
});

test.serial('latch eth address --show: the address as text and QR on the device; the owner confirms', async (t) => {
  const run = latch(['eth', 'address', '--show', '--json', ...device()], async () => {
    const s = await d.waitFor('eth-address');
    t.is(s.qr, ADDRESS_0);
    t.true(s.lines.includes(`0x ${ADDRESS_0.slice(2).match(/.{4}/g)!.join(' ')}`));
    const c = sim.board.hw.canvas;
    const decoded = decodeQR({ width: c.width, height: c.height, data: c.pixels });
    t.is(decoded, ADDRESS_0, 'the QR code on the LCD decodes (by another library) to the address');
    await d.press('c');
  });
  const r = await run;
  t.is(r.code, 0, r.stderr);
  t.deepEqual(JSON.parse(r.stdout), { address: ADDRESS_0, path: "m/44'/60'/0'/0/0", confirmed: true });
  t.regex(r.stderr, /Compare the address on the device with the one here, then press Match or Mismatch there/);
});

test.serial('latch eth xpub and address by index and path', async (t) => {
  const x = await latch(['eth', 'xpub', '--json', ...device()]);
  t.regex(JSON.parse(x.stdout).xpub, /^xpub/);
  const a = await latch(['eth', 'address', '--index', '100', '--json', ...device()]);
  t.is(JSON.parse(a.stdout).path, "m/44'/60'/0'/0/100");
  const p = await latch(['eth', 'address', '--path', "m/44'/60'/0'/0/0", ...device()]);
  t.true(p.stdout.startsWith(ADDRESS_0));
});

test.serial('sign an EIP-1559 transaction with the CLI; ethers recovers the account', async (t) => {
  const txJson = { type: 2, chainId: 1, nonce: 7, to: '0x1d1c328764a41bda0492b66baa30c4a339ff85ef', value: '1500000000000000000', gasLimit: 21000, maxFeePerGas: '30000000000', maxPriorityFeePerGas: '1000000000' };
  let pages: string[] = [];
  const r = await latch(['eth', 'sign-tx', JSON.stringify(txJson), '--json', ...device()], async () => { pages = await d.review(); });
  t.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  const signed = Transaction.from(out.signedTx);
  t.is(signed.from, ADDRESS_0);
  t.is(signed.chainId, 1n);
  t.is(signed.value, parseEther('1.5'));
  t.is(signed.hash, out.hash);
  t.true(pages.some((p) => /^Amount: 1\.5 ETH/.test(p)));
  t.true(pages.some((p) => /^Maximum fee: 0\.00063 ETH/.test(p)));
});

test.serial('sign a message and typed data with the CLI; ethers verifies both', async (t) => {
  const m = await latch(['eth', 'sign-message', 'Hello from the QA bench', '--json', ...device()], async () => { await d.review(); });
  t.is(m.code, 0, m.stderr);
  t.is(verifyMessage('Hello from the QA bench', JSON.parse(m.stdout).signature), ADDRESS_0);
  const file = path.join(home, 'mail.json');
  fs.writeFileSync(file, JSON.stringify((eip712 as any).typed_data));
  const td = await latch(['eth', 'sign-typed-data', file, '--json', ...device()], async () => {
    const pages = await d.review();
    t.true(pages.some((p) => p.includes('from.name: "Cow"')), pages.join('\n'));
  });
  t.is(td.code, 0, td.stderr);
  const data = (eip712 as any).typed_data;
  const { EIP712Domain: _unused, ...types } = data.types;
  void _unused;
  t.is(verifyTypedData(data.domain, types, data.message, JSON.parse(td.stdout).signature), ADDRESS_0);
  t.is(JSON.parse(td.stdout).domainHash, TypedDataEncoder.hashDomain(data.domain));
});

test.serial('the ethers adapter: a LatchSigner signs a transaction, a message and typed data through the device', async (t) => {
  const { client, session } = await bench!.openSession();
  const signer = new LatchSigner(new EthApp(session));
  t.is(await signer.getAddress(), ADDRESS_0);
  const presses = d.review();
  const raw = await signer.signTransaction({ type: 2, chainId: 8453, nonce: 0, to: '0x000000000000000000000000000000000000dEaD', value: 1n, gasLimit: 21000, maxFeePerGas: 2n, maxPriorityFeePerGas: 1n });
  const pages = await presses;
  t.true(pages.some((p) => /^Network: Base/.test(p)));
  t.is(Transaction.from(raw).from, ADDRESS_0);
  const [sig] = await Promise.all([signer.signMessage('ethers through Latch'), d.review()]);
  t.is(verifyMessage('ethers through Latch', sig), ADDRESS_0);
  const domain = { name: 'Latch', version: '1', chainId: 1, verifyingContract: '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC' };
  const types = { Order: [{ name: 'amount', type: 'uint256' }, { name: 'to', type: 'address' }] };
  const value = { amount: 10n ** 30n, to: getAddress('0x1d1c328764a41bda0492b66baa30c4a339ff85ef') };
  const [tsig] = await Promise.all([signer.signTypedData(domain, types, value), d.review()]);
  t.is(verifyTypedData(domain, types, value, tsig), ADDRESS_0);
  await client.close();
});

test.serial('refusals: rejected on the device, blind data with the setting off and on, a timeout, a locked device', async (t) => {
  const tx = { chainId: 1, nonce: 1, to: '0x1d1c328764a41bda0492b66baa30c4a339ff85ef', value: 1, gasLimit: 50000, maxFeePerGas: 2, maxPriorityFeePerGas: 1 };
  const rejected = await latch(['eth', 'sign-tx', JSON.stringify(tx), ...device()], async () => { await d.waitForReview(); await d.press('b'); });
  t.is(rejected.code, 1);
  t.regex(rejected.stderr, /refused on the device/);

  const blindTx = { ...tx, data: '0xdeadbeef00' };
  const off = await latch(['eth', 'sign-tx', JSON.stringify(blindTx), ...device()]);
  t.is(off.code, 1);
  t.regex(off.stderr, /blind signing is off/);
  t.is((await d.screen()).id, 'blind-refused');
  await d.press('b');
  // The owner turns blind signing on in the menu (a decision: hold C).
  t.is((await d.menuItem('Blind signing')).id, 'blind-signing-on');
  await d.decide('c');
  await d.press('b', true); // back home
  const on = await latch(['eth', 'sign-tx', JSON.stringify(blindTx), '--json', ...device()], async () => {
    const pages = await d.review();
    t.true(pages.some((p) => /Blind data: .*Selector: 0xdeadbeef/.test(p)));
  });
  t.is(on.code, 0, on.stderr);
  t.is(Transaction.from(JSON.parse(on.stdout).signedTx).data, '0xdeadbeef00');

  const late = await latch(['eth', 'sign-message', 'nobody answers', ...device()], async () => {
    await d.waitForReview();
    await d.call('POST', '/api/clock', { advanceMs: 3 * 60_000 });
  });
  t.is(late.code, 1);
  t.regex(late.stderr, /timed out on the device.*expired after 3 minutes/);
  t.is((await d.screen()).id, 'unlocked', 'the review left the screen');

  await d.press('a'); // Lock
  const locked = await latch(['eth', 'sign-message', 'locked', ...device()]);
  t.is(locked.code, 1);
  t.is(locked.stderr, 'latch: the device is locked: unlock it with its PIN on the device\n');
});
