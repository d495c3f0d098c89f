// The attacker story end to end on XS, through the `latch` CLI and the control API: someone holds the
// device and knows the PIN (and, for a while, the phone). A daily limit of 0.1 ETH; 0.08 ETH signs, a second
// 0.08 ETH is refused with what is left; raising the limit without codes becomes pending and the app hears it;
// the app freezes the device; nothing signs; a reboot keeps it frozen; codes cannot be set up while frozen; the
// PIN alone only starts a 24-hour unfreeze, which the owner's phone makes immediate (`latch unfreeze`); after
// 24 h of device time the window has rolled. The same for BTC with a PSBT over its limit.
import test from 'ava';
import { HDKey } from '@scure/bip32';
import { base64 } from '@scure/base';
import { Transaction } from 'ethers';
import type { DeviceDriver } from './support/device-driver.js';
import { latch } from './support/cli.js';
import { startCliBench, type CliBench } from './support/cli-bench.js';
import { buildPsbt, type KeySource } from '../portable/support/psbt-builder.js';
import { NETWORKS } from '../../modules/bitcoin/networks.js';

const MNEMONIC = 'all all all all all all all all all all all all';
const DAY_MS = 24 * 3_600_000;
const TO = '0x1d1c328764a41bda0492b66baa30c4a339ff85ef';

let bench: CliBench | undefined;
let d: DeviceDriver;
const device = () => bench!.device();
const advance = (ms: number) => d.call('POST', '/api/clock', { advanceMs: ms });

test.before(async () => {
  bench = await startCliBench({ mnemonic: MNEMONIC, label: 'Alice phone', name: 'guard' });
  d = bench.d;
  // the owner stays at the device: auto-lock at its longest
  await d.press('b');
  for (let i = 0; i < 4; i++) {
    const s = await d.screen();
    if (s.lines.find((l) => l.startsWith('>'))!.includes('Auto-lock: 30')) break;
    if (s.lines.find((l) => l.startsWith('>'))!.includes('Auto-lock')) await d.press('b');
    else await d.press('c');
  }
  await d.press('b', true);
});
test.after.always(async () => {
  await bench?.stop();
});

const ethTx = (value: string, nonce: number) => JSON.stringify({ chainId: 1, nonce, to: TO, value, gasLimit: 21000, maxFeePerGas: '1000000000', maxPriorityFeePerGas: '1' });

/** Back to the home screen from wherever the owner is. */
async function toHome(): Promise<void> {
  for (let i = 0; i < 6; i++) {
    const s = await d.screen();
    if (s.id === 'unlocked' || s.id === 'locked') return;
    if (s.buttons.b === 'OK') await d.press('b');
    else if (s.id === 'menu') await d.press('b', true);
    else await new Promise((r) => setTimeout(r, 25));
  }
}

test.serial('the attacker story for ETH: limit, refusal in words, pending raise, freeze, reboot, a PIN-only unfreeze made immediate by the phone, the window rolls', async (t) => {
  const set = await latch(['policy', 'set', '--asset', 'eth:1', '--daily', '0.1', ...device()], async () => { await d.review(); });
  t.is(set.code, 0, set.stderr);
  t.regex(set.stdout, /The device applied the new policy/);

  const first = await latch(['eth', 'sign-tx', ethTx('80000000000000000', 0), '--json', ...device()], async () => { await d.review(); });
  t.is(first.code, 0, first.stderr);
  t.is(Transaction.from(JSON.parse(first.stdout).signedTx).value, 80_000_000_000_000_000n);
  const second = await latch(['eth', 'sign-tx', ethTx('80000000000000000', 1), ...device()]);
  t.is(second.code, 1);
  t.regex(second.stderr, /refused by the spending policy: limit reached: 0\.019979 ETH left today; this sends 0\.080021 ETH \(more frees up in 24 h of device time\)/);
  await toHome();

  const show = await latch(['policy', 'show', ...device()]);
  t.regex(show.stdout, /0\.1 ETH per 24 h of device time; 0\.019979 ETH left \(more frees up in 24 h\)/);

  const raise = await latch(['policy', 'set', '--asset', 'eth:1', '--daily', '5', ...device()], async () => {
    const pages = await d.review();
    t.true(pages.some((p) => /This loosens the limits\./.test(p)));
  });
  t.is(raise.code, 0, raise.stderr);
  t.regex(raise.stdout, /takes effect in 24 h of device time/);
  t.regex(raise.stderr, /announced a pending change: Looser spending limits: ETH on Ethereum \(chain 1\) \(#1\), in 24 h of device time/, 'the app hears it');
  await toHome();

  const freeze = await latch(['freeze', ...device()]);
  t.is(freeze.code, 0, freeze.stderr);
  t.regex((await d.screen()).lines.join(' '), /FROZEN by the app "Alice phone"/);
  const frozen = await latch(['eth', 'sign-tx', ethTx('1', 1), ...device()]);
  t.regex(frozen.stderr, /the device is locked/, 'the freeze forgot the keys');
  await d.press('b');
  await d.enterPin('123456');
  const stillFrozen = await latch(['eth', 'sign-tx', ethTx('1', 1), ...device()]);
  t.regex(stillFrozen.stderr, /the device is frozen: frozen by the app "Alice phone": unfreeze on the device with your PIN/);
  await toHome();
  t.regex((await latch(['policy', 'set', '--asset', 'eth:1', '--daily', '9', ...device()])).stderr, /the device is frozen/);

  await d.call('POST', '/api/reboot', {});
  await d.waitFor('locked');
  t.regex((await d.screen()).lines.join(' '), /FROZEN/, 'a reboot does not unfreeze');
  t.regex((await latch(['policy', 'show', ...device()])).stdout, /FROZEN by the app "Alice phone"/);

  // while frozen no codes can be set up (a code of a thief's own would unfreeze it); the PIN alone starts a wait
  await d.press('b');
  await d.enterPin('123456');
  await latch(['ping', ...device()]); // the device learns the time
  t.is((await d.menuItem('Verification codes')).id, 'codes-frozen');
  await d.press('b');
  await d.press('b', true);
  await d.expect('unlocked');
  await d.press('c'); // Unfreeze
  await d.enterPin('123456');
  await d.expect('unfreeze-requested');
  await d.press('b');
  const pending = await latch(['pending', ...device()]);
  t.regex(pending.stdout, /#2 Unfreeze with the PIN alone: takes effect in 24 h of device time/);
  t.regex(pending.stdout, /#1 Looser spending limits: ETH on Ethereum \(chain 1\): paused while frozen \(24 h( 1 min)? left\)/); // a reboot may lose up to a minute
  // the owner's phone vouches: the unfreeze takes effect at once
  const unfreeze = await latch(['unfreeze', ...device()], async () => {
    await d.waitFor('unfreeze-ask');
    await d.decide('c');
  });
  t.is(unfreeze.code, 0, unfreeze.stderr);
  t.regex(unfreeze.stdout, /The device is unfrozen/);
  t.false((await d.screen()).lines.join(' ').includes('FROZEN'));

  // the pending raise is cancelled from the app; a day of device time later the window has rolled
  t.regex((await latch(['policy', 'cancel', ...device()])).stdout, /The pending change was cancelled/);
  await advance(DAY_MS + 2 * 60_000); // (the reboot may have lost up to a minute of device time)
  await d.expect('locked'); // auto-lock went off long ago
  await d.press('b');
  await d.enterPin('123456');
  const rolled = await latch(['eth', 'sign-tx', ethTx('80000000000000000', 1), '--json', ...device()], async () => { await d.review(); });
  t.is(rolled.code, 0, rolled.stderr);
});

test.serial('BTC: a PSBT over the network\'s limit is refused with what is left; within it signs', async (t) => {
  await toHome();
  if ((await d.screen()).id === 'locked') {
    await d.press('b');
    await d.enterPin('123456');
  }
  const x = JSON.parse((await latch(['btc', 'xpub', '--network', 'testnet', '--json', ...device()])).stdout);
  const account = HDKey.fromExtendedKey(x.xpub, { private: 0x04358394, public: 0x043587cf });
  const keys: KeySource = { fingerprint: parseInt(x.fingerprint, 16), derive: (p) => account.deriveChild(p[3]).deriveChild(p[4]) };
  const set = await latch(['policy', 'set', '--asset', 'btc:testnet', '--daily', '0.001', ...device()], async () => { await d.review(); });
  t.is(set.code, 0, set.stderr);
  t.regex(set.stdout, /The device applied the new policy/, 'adding a limit tightens: no code, no wait');
  await toHome();
  const psbt = (amount: bigint, index: number) => base64.encode(buildPsbt(keys, NETWORKS.testnet, [{ type: 'wpkh', index, amount: amount + 2_000n }], [{ amount }]));
  const ok = await latch(['btc', 'sign-psbt', psbt(70_000n, 0), '--network', 'testnet', ...device()], async () => { await d.review(); });
  t.is(ok.code, 0, ok.stderr);
  const over = await latch(['btc', 'sign-psbt', psbt(70_000n, 1), '--network', 'testnet', ...device()]);
  t.is(over.code, 1);
  t.regex(over.stderr, /refused by the spending policy: limit reached: 0\.00028 tBTC left today; this sends 0\.00072 tBTC/);
});
