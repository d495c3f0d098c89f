// Issue 16's signing holes end to end on XS, through the `latch` CLI: the attacker drives the bound app (or a
// malicious one on the owner's phone) against a device limited to 0.1 ETH a day on chain 1. Other chains (item 2),
// typed data with a chain id its hash does not commit to (3), a transaction's hash as a personal message (5), and
// regtest under a testnet limit (7) are each refused in words; printable text still signs.
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HDKey } from '@scure/bip32';
import { base64 } from '@scure/base';
import type { DeviceDriver } from './support/device-driver.js';
import { latch } from './support/cli.js';
import { startCliBench, type CliBench } from './support/cli-bench.js';
import { buildPsbt, type KeySource } from '../portable/support/psbt-builder.js';
import { NETWORKS } from '../../modules/bitcoin/networks.js';

const MNEMONIC = 'all all all all all all all all all all all all';
const TO = '0x1d1c328764a41bda0492b66baa30c4a339ff85ef';

let bench: CliBench | undefined;
let d: DeviceDriver;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latch-sign-attacks-'));
const device = () => bench!.device();

async function home(): Promise<void> {
  for (let i = 0; i < 6; i++) {
    const s = await d.screen();
    if (s.id === 'unlocked') return;
    if (s.buttons.b === 'OK') await d.press('b');
    else await new Promise((r) => setTimeout(r, 25));
  }
}

test.before(async () => {
  bench = await startCliBench({ mnemonic: MNEMONIC, label: 'Alice phone', name: 'sign-attacks' });
  d = bench.d;
  const set = await latch(['policy', 'set', '--asset', 'eth:1', '--daily', '0.1', ...device()], async () => { await d.review(); });
  if (set.code !== 0) throw new Error(set.stderr);
  await home();
});
test.after.always(async () => {
  await bench?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

for (const chains of [[10, 137, 8453], [42161, 56]]) {
  test.serial(`item 2: with eth:1 limited, 5 ETH on chains ${chains.join(', ')} is refused, naming the chain and the rule to add`, async (t) => {
    for (const chainId of chains) await refusedOn(t, chainId);
  });
}

async function refusedOn(t: import('ava').ExecutionContext, chainId: number): Promise<void> {
  const tx = JSON.stringify({ chainId, nonce: 0, to: TO, value: '5000000000000000000', gasLimit: 21000, maxFeePerGas: '1000000000', maxPriorityFeePerGas: '1' });
  const r = await latch(['eth', 'sign-tx', tx, ...device()]);
  t.is(r.code, 1, `chain ${chainId}: ${r.stdout}`);
  t.regex(r.stderr, new RegExp(`refused by the spending policy: no spending rule covers .*\\(chain ${chainId}\\): while Ethereum limits are on, a chain without a rule is not signed \\(add a rule for eth:${chainId}, or one for eth:\\*`));
  await home();
}

test.serial('item 3: typed data whose domain does not declare its chainId is judged as every chain: refused without a code', async (t) => {
  const file = path.join(dir, 'permit.json');
  fs.writeFileSync(file, JSON.stringify({
    types: { EIP712Domain: [{ name: 'name', type: 'string' }, { name: 'salt', type: 'bytes32' }], Permit: [{ name: 'spender', type: 'address' }, { name: 'value', type: 'uint256' }] },
    primaryType: 'Permit', domain: { name: 'Token', salt: `0x${'11'.repeat(32)}`, chainId: 4242 }, message: { spender: TO, value: '1000000000000000000000' },
  }));
  const r = await latch(['eth', 'sign-typed-data', file, ...device()]);
  t.is(r.code, 1);
  t.regex(r.stderr, /refused by the spending policy: typed data can hand over tokens .* \(this domain signs no chain id: it is valid on every chain\), and no verification codes are set up/);
  await home();
});

test.serial('item 5: a Safe transaction\'s hash as personal_sign is refused while limits are on (no codes); sign-in text signs', async (t) => {
  const hash = await latch(['eth', 'sign-message', `0x${'8a6f2b7c'.repeat(8)}`, ...device()]);
  t.is(hash.code, 1);
  t.regex(hash.stderr, /refused by the spending policy: the message has the shape of a hash .*: while spending limits are on it needs a verification code, and no verification codes are set up/);
  await home();
  const text = await latch(['eth', 'sign-message', 'Sign in to example.com\nNonce: 32891756', '--json', ...device()], async () => { await d.review(); });
  t.is(text.code, 0, text.stderr);
  t.regex(JSON.parse(text.stdout).signature, /^0x[0-9a-f]{130}$/);
  await home();
});

let psbt: (network: 'regtest' | 'testnet', amount: bigint, index: number) => string;

test.serial('item 7: a btc:testnet limit covers regtest (the same keys): a regtest PSBT over it is refused', async (t) => {
  const set = await latch(['policy', 'set', '--asset', 'btc:testnet', '--daily', '0.001', ...device()], async () => { await d.review(); });
  t.regex(set.stdout, /The device applied the new policy/, 'the first Bitcoin rule only restricts');
  await home();
  const x = JSON.parse((await latch(['btc', 'xpub', '--network', 'regtest', '--json', ...device()])).stdout);
  const account = HDKey.fromExtendedKey(x.xpub, { private: 0x04358394, public: 0x043587cf });
  const keys: KeySource = { fingerprint: parseInt(x.fingerprint, 16), derive: (p) => account.deriveChild(p[3]).deriveChild(p[4]) };
  psbt = (network, amount, index) => base64.encode(buildPsbt(keys, NETWORKS[network], [{ type: 'wpkh', index, amount: amount + 2_000n }], [{ amount }]));
  const over = await latch(['btc', 'sign-psbt', psbt('regtest', 500_000n, 0), '--network', 'regtest', ...device()]);
  t.is(over.code, 1);
  t.regex(over.stderr, /refused by the spending policy: limit reached: 0\.001 tBTC left today; this sends 0\.00502 tBTC/);
  await home();
});

test.serial('item 7: a regtest PSBT within the testnet limit counts against it; mainnet, with no rule, is refused', async (t) => {
  const within = await latch(['btc', 'sign-psbt', psbt('regtest', 60_000n, 1), '--network', 'regtest', ...device()], async () => { await d.review(); });
  t.is(within.code, 0, within.stderr);
  await home();
  const next = await latch(['btc', 'sign-psbt', psbt('testnet', 60_000n, 2), '--network', 'testnet', ...device()]);
  t.regex(next.stderr, /limit reached: 0\.00038 tBTC left today/, 'the regtest spend counted against the testnet rule');
  await home();
  // mainnet keys are not testnet's: a network no rule covers is refused while Bitcoin limits are on
  const m = JSON.parse((await latch(['btc', 'xpub', '--json', ...device()])).stdout);
  const main = HDKey.fromExtendedKey(m.xpub);
  const mainKeys: KeySource = { fingerprint: parseInt(m.fingerprint, 16), derive: (p) => main.deriveChild(p[3]).deriveChild(p[4]) };
  const mainnet = await latch(['btc', 'sign-psbt', base64.encode(buildPsbt(mainKeys, NETWORKS.mainnet, [{ type: 'wpkh', index: 0, amount: 10_000n }], [{ amount: 8_000n }])), ...device()]);
  t.is(mainnet.code, 1);
  t.regex(mainnet.stderr, /no spending rule covers bitcoin mainnet: while Bitcoin limits are on, a network without a rule is not signed \(add a rule for btc:mainnet\)/);
});
