// Bitcoin end to end on XS, the way a desktop wallet uses a signer: the debug link loads BIP 84's test mnemonic,
// `latch btc xpub` hands a watch-only wallet its account keys (checked against BIP 84/86), the wallet derives
// addresses and builds PSBTs from the xpub alone, `latch btc sign-psbt` gets them reviewed and signed on the
// device, and bitcoinjs-lib with libsecp256k1 (written by others) verifies and finalizes what comes back.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import * as ecc from 'tiny-secp256k1';
import { Psbt, initEccLib, networks } from 'bitcoinjs-lib';
import { HDKey } from '@scure/bip32';
import { base64 } from '@scure/base';
import { p2wpkh } from '@scure/btc-signer';
import decodeQR from '@paulmillr/qr/decode.js';
import type { DeviceDriver } from './support/device-driver.js';
import { latch } from './support/cli.js';
import type { RunningSim } from './support/sim.js';
import { startCliBench, type CliBench } from './support/cli-bench.js';
import { buildPsbt, type KeySource } from '../portable/support/psbt-builder.js';
import { NETWORKS } from '../../modules/bitcoin/networks.js';
import bip84 from '../../../shared/vectors/bitcoin/bip84.json' with { type: 'json' };
import bip86 from '../../../shared/vectors/bitcoin/bip86.json' with { type: 'json' };

initEccLib(ecc);
const H = 0x80000000;
const TESTNET_VERSIONS = { private: 0x04358394, public: 0x043587cf };

let bench: CliBench | undefined;
let sim: RunningSim;
let d: DeviceDriver;
let home: string;
const device = () => bench!.device();

test.before(async () => {
  bench = await startCliBench({ mnemonic: (bip84 as any).mnemonic, label: 'Sparrow-like', name: 'btc' });
  ({ sim, d, home } = bench);
});
test.after.always(async () => {
  await bench?.stop();
});

/** A watch-only wallet's view of an account: public keys from the xpub the device gave, nothing else. */
async function watchOnly(): Promise<KeySource & { xpub: string }> {
  const r = await latch(['btc', 'xpub', '--network', 'testnet', '--json', ...device()]);
  if (r.code !== 0) throw new Error(r.stderr);
  const x = JSON.parse(r.stdout);
  const account = HDKey.fromExtendedKey(x.xpub, TESTNET_VERSIONS);
  return {
    xpub: x.xpub,
    fingerprint: parseInt(x.fingerprint, 16),
    derive(p: number[]) {
      if (p[0] !== 84 + H || p[1] !== 1 + H || p[2] !== H) throw new Error(`the watch-only wallet knows m/84'/1'/0' only, not ${p}`);
      return account.deriveChild(p[3]).deriveChild(p[4]);
    },
  };
}

function verify(pubkey: Uint8Array, msghash: Uint8Array, signature: Uint8Array): boolean {
  return pubkey.length === 32 ? ecc.verifySchnorr(msghash, pubkey, signature) : ecc.verify(msghash, pubkey, signature);
}

test.serial('latch btc xpub: BIP 84 zpub and BIP 86 xpub of the test mnemonic, with descriptors', async (t) => {
  const w = await latch(['btc', 'xpub', '--json', ...device()]);
  t.is(w.code, 0, w.stderr);
  const wj = JSON.parse(w.stdout);
  t.is(wj.slip132, (bip84 as any).account.zpub);
  t.is(wj.path, "m/84'/0'/0'");
  t.regex(wj.descriptor, /^wpkh\(\[73c5da0a\/84h\/0h\/0h\]xpub[1-9A-HJ-NP-Za-km-z]+\/<0;1>\/\*\)#[a-z0-9]{8}$/);
  const tr = await latch(['btc', 'xpub', '--type', 'tr', '--json', ...device()]);
  t.is(JSON.parse(tr.stdout).xpub, (bip86 as any).account.xpub);
  const human = await latch(['btc', 'xpub', ...device()]);
  t.true(human.stdout.includes((bip84 as any).account.zpub));
  t.true(human.stdout.includes('master fingerprint 73c5da0a'));
});

test.serial('latch btc address: BIP 84/86 addresses; --show puts text and a QR on the LCD and the owner confirms', async (t) => {
  for (const a of (bip84 as any).addresses) {
    const [change, index] = a.path.split('/').slice(-2);
    const r = await latch(['btc', 'address', '--index', index, ...(change === '1' ? ['--change'] : []), '--json', ...device()]);
    t.is(JSON.parse(r.stdout).address, a.address, a.path);
  }
  const tr = await latch(['btc', 'address', '--type', 'tr', '--json', ...device()]);
  t.is(JSON.parse(tr.stdout).address, (bip86 as any).addresses[0].address);
  const first = (bip84 as any).addresses[0].address;
  const shown = await latch(['btc', 'address', '--show', '--json', ...device()], async () => {
    const s = await d.waitFor('btc-address');
    t.is(s.qr, first);
    t.true(s.lines.includes(first.match(/.{1,4}/g)!.join(' ')));
    const c = sim.board.hw.canvas;
    t.is(decodeQR({ width: c.width, height: c.height, data: c.pixels }), first, 'the QR on the LCD decodes (by another library) to the address');
    await d.press('c');
  });
  t.is(shown.code, 0, shown.stderr);
  t.deepEqual(JSON.parse(shown.stdout), { address: first, path: "m/84'/0'/0'/0/0", confirmed: true });
  t.regex(shown.stderr, /Compare the address on the device/);
});

test.serial('a watch-only wallet builds a PSBT from the xpub; the device shows it, signs it; bitcoinjs-lib verifies and finalizes', async (t) => {
  const w = await watchOnly();
  // Addresses the wallet derives from the xpub are the ones the device gives.
  const dev = JSON.parse((await latch(['btc', 'address', '--network', 'testnet', '--index', '5', '--json', ...device()])).stdout).address;
  t.is(p2wpkh(w.derive([84 + H, 1 + H, H, 0, 5]).publicKey!, NETWORKS.testnet.params).address, dev);
  const psbt = buildPsbt(w, NETWORKS.testnet, [{ type: 'wpkh', index: 5, amount: 250_000n }, { type: 'wpkh', index: 1, amount: 80_000n, change: true }],
    [{ amount: 200_000n }, { amount: 128_000n, to: 'change', index: 3 }]);
  const file = path.join(home, 'spend.psbt');
  fs.writeFileSync(file, base64.encode(psbt));
  const outFile = path.join(home, 'spend-signed.psbt');
  let pages: string[] = [];
  const r = await latch(['btc', 'sign-psbt', file, '--network', 'testnet', '--out', outFile, ...device()], async () => { pages = await d.review(); });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /signed 2 inputs; wrote .*spend-signed\.psbt \(base64\)/);
  t.regex(r.stderr, /hold C there/);
  t.regex(pages[0], /Signs 2 inputs of this wallet\..*1 change output back to this wallet is not shown\./);
  t.true(pages.some((p) => /^Output 1 of 1: To: \| tb1q.* \| 0\.002 tBTC/.test(p)), pages.join('\n'));
  t.true(pages.some((p) => /^Fee: 0\.00002 tBTC/.test(p)));
  t.regex(pages[pages.length - 1], /Send 0\.002 tBTC\? \| plus a fee of 0\.00002 tBTC/);
  const signed = Psbt.fromBase64(fs.readFileSync(outFile, 'utf8').trim(), { network: networks.testnet });
  t.true(signed.validateSignaturesOfAllInputs(verify));
  signed.finalizeAllInputs();
  t.is(signed.getFee(), 2000n);
  const tx = signed.extractTransaction();
  t.is(tx.ins.length, 2);
  t.is(tx.outs[0].value, 200_000n);
});

test.serial('taproot from stdin-less base64 inline; binary in, binary out', async (t) => {
  const x = JSON.parse((await latch(['btc', 'xpub', '--type', 'tr', '--network', 'testnet', '--json', ...device()])).stdout);
  const account = HDKey.fromExtendedKey(x.xpub, TESTNET_VERSIONS);
  const keys: KeySource = { fingerprint: parseInt(x.fingerprint, 16), derive: (p) => account.deriveChild(p[3]).deriveChild(p[4]) };
  const psbt = buildPsbt(keys, NETWORKS.testnet, [{ type: 'tr', index: 2, amount: 70_000n }], [{ amount: 60_000n }, { amount: 9_000n, to: 'change', type: 'tr', index: 0 }]);
  const inline = await latch(['btc', 'sign-psbt', base64.encode(psbt), '--network', 'testnet', '--json', ...device()], async () => { await d.review(); });
  t.is(inline.code, 0, inline.stderr);
  const signed = Psbt.fromBase64(JSON.parse(inline.stdout).psbt, { network: networks.testnet });
  t.true(signed.validateSignaturesOfAllInputs(verify));
  t.is(signed.data.inputs[0].tapKeySig!.length, 64);
  const bin = path.join(home, 'tr.psbt');
  fs.writeFileSync(bin, psbt);
  const out = path.join(home, 'tr-signed.psbt');
  const binary = await latch(['btc', 'sign-psbt', bin, '--network', 'testnet', '-o', out, ...device()], async () => { await d.review(); });
  t.is(binary.code, 0, binary.stderr);
  const back = fs.readFileSync(out);
  t.deepEqual([...back.subarray(0, 5)], [0x70, 0x73, 0x62, 0x74, 0xff], 'binary in, binary out');
  t.true(Psbt.fromBuffer(back).validateSignaturesOfAllInputs(verify));
});

test.serial('refusals: rejected on the device, a false change output, a PSBT the device will not sign, bad input on the command line', async (t) => {
  const w = await watchOnly();
  const psbt = buildPsbt(w, NETWORKS.testnet, [{ type: 'wpkh', index: 0, amount: 100_000n }], [{ amount: 50_000n }, { amount: 49_000n, to: 'foreign-change', index: 0 }]);
  let pages: string[] = [];
  const rejected = await latch(['btc', 'sign-psbt', base64.encode(psbt), '--network', 'testnet', ...device()], async () => { pages = await d.review('reject'); });
  t.is(rejected.code, 1);
  t.regex(rejected.stderr, /refused on the device/);
  t.true(pages.some((p) => /It claims to be this wallet's change but is not\./.test(p)), pages.join('\n'));
  t.regex(pages[pages.length - 1], /Send 0\.00099 tBTC\?/, 'the false change counts as sent');

  const noPrev = buildPsbt(w, NETWORKS.testnet, [{ type: 'wpkh', index: 0, amount: 100_000n }], [{ amount: 90_000n }], { dropPrevTx: 0 });
  const refused = await latch(['btc', 'sign-psbt', base64.encode(noPrev), '--network', 'testnet', ...device()]);
  t.is(refused.code, 1);
  t.regex(refused.stderr, /will not sign this PSBT.*segwit v0 input without its previous transaction/);
  t.is((await d.screen()).id, 'unlocked', 'nothing was shown for a PSBT refused outright');

  const huge = buildPsbt(w, NETWORKS.testnet, Array.from({ length: 500 }, (_, i) => ({ type: 'wpkh' as const, index: i, amount: 1000n, foreign: true })), [{ amount: 1000n }]);
  const hugeFile = path.join(home, 'huge.psbt');
  fs.writeFileSync(hugeFile, huge);
  const tooBig = await latch(['btc', 'sign-psbt', hugeFile, ...device()]);
  t.is(tooBig.code, 2, 'input the device cannot take is a usage error');
  t.regex(tooBig.stderr, /this PSBT is 3\d{4} bytes; the device takes one of up to 16284 bytes .* at most 50 inputs/);
  t.regex((await latch(['ping', ...device()])).stdout, /^pong/, 'the device still serves');
  const notPsbt = await latch(['btc', 'sign-psbt', 'bm90IGEgcHNidA==', ...device()]);
  t.is(notPsbt.code, 2);
  t.regex(notPsbt.stderr, /not a PSBT/);
  const missing = await latch(['btc', 'sign-psbt', path.join(home, 'missing.psbt'), ...device()]);
  t.is(missing.code, 2);
  t.is(missing.stderr, `latch: ${path.join(home, 'missing.psbt')}: no such file\n`, 'a missing file is named, and said to be missing');
  const badType = await latch(['btc', 'xpub', '--type', 'sh-wpkh', ...device()]);
  t.is(badType.code, 2);
  t.regex(badType.stderr, /--type is wpkh .* or tr/);
  const badIndex = await latch(['btc', 'address', '--index', '2147483648', ...device()]);
  t.is(badIndex.code, 2);
  t.regex(badIndex.stderr, /--index must be a whole number below 2\^31/);
});
