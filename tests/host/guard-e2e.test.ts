// The attacker story end to end on XS, through the `latch` CLI and the control API: someone holds the
// device and knows the PIN (and, for a while, the phone). A daily limit of 0.1 ETH; 0.08 ETH signs, a second
// 0.08 ETH is refused with what is left; raising the limit without codes becomes pending and the app hears it;
// the app freezes the device; nothing signs; a reboot keeps it frozen; the owner enrols codes and unfreezes
// with PIN and code; after 24 h of device time the window has rolled. The same for BTC with a PSBT over its
// limit. Verification codes are computed here from the secret read off the device's QR code.
import test from 'ava';
import { HDKey } from '@scure/bip32';
import { base64 } from '@scure/base';
import { Transaction } from 'ethers';
import type { DeviceDriver } from './support/device-driver.js';
import { latch } from './support/cli.js';
import { startCliBench, type CliBench } from './support/cli-bench.js';
import { parseOtpauth, totp } from '../../modules/guard/otp.js';
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

let secret: Uint8Array | undefined;
/** A current code, for the device's idea of the time: told by the last CLI call, moved on by `aheadS` of device time. */
const code = (aheadS: number) => totp(secret!, Date.now() / 1000 + aheadS);

test.serial('the attacker story for ETH: limit, refusal in words, pending raise, freeze, reboot, unfreeze with PIN and code, the window rolls', async (t) => {
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
  t.regex(raise.stderr, /announced a pending loosening/, 'the app hears it');
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

  // the owner (who also knows the PIN) enrols codes on the device, then unfreezes with PIN and code
  await d.press('b');
  await d.enterPin('123456');
  await latch(['ping', ...device()]); // the device learns the time
  const enrol = await d.menuItem('Verification codes');
  t.is(enrol.id, 'codes-enrol');
  secret = parseOtpauth(enrol.qr!).secret;
  t.regex(enrol.lines.join(' '), /[A-Z2-7]{4} [A-Z2-7]{4}/, 'the secret as text too');
  await d.press('c');
  await d.enterPin(code(0));
  t.is((await d.screen()).id, 'codes-enrolled');
  t.regex((await latch(['otp', 'status', ...device()])).stdout, /Verification codes are on\./);
  await d.press('b');
  await d.press('b', true);
  await d.expect('unlocked');
  await d.press('c'); // Unfreeze
  await d.enterPin('123456');
  await d.expect('unfreeze-code');
  await latch(['ping', ...device()]);
  await advance(90_000); // a later step than the enrolment's
  await d.enterPin(code(90));
  t.is((await d.screen()).id, 'unfrozen');
  await d.press('b');

  // the pending raise is cancelled from the app; a day of device time later the window has rolled
  t.regex((await latch(['policy', 'cancel', ...device()])).stdout, /The pending change was cancelled/);
  await advance(DAY_MS);
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
