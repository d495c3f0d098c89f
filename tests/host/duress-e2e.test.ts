// The duress PIN end to end on XS, through the `latch` CLI against the simulator (issue 23): the owner sets it on the
// device; forced to unlock, the owner enters it: the device shows an ordinary unlock, and the CLI (the bound app, as
// a thief holding the phone would use it) gets another wallet's addresses; the owner's app then reads the alarm with
// `latch events`; the real PIN shows the frozen wallet; the app cannot unfreeze it; a verification code does.
import test from 'ava';
import { parseOtpauth, totp } from '../../modules/guard/otp.js';
import type { DeviceDriver } from './support/device-driver.js';
import { latch, type CliRun } from './support/cli.js';
import { startCliBench, type CliBench } from './support/cli-bench.js';

const MNEMONIC = 'all all all all all all all all all all all all';
const PIN = '123456';
const DURESS = '654321';

let bench: CliBench | undefined;
let d: DeviceDriver;

async function cli(args: string[], feed?: Parameters<typeof latch>[1]): Promise<CliRun> {
  await bench!.syncClock();
  return latch([...args, ...bench!.device()], feed);
}

async function home(): Promise<void> {
  for (let i = 0; i < 6; i++) {
    const s = await d.screen();
    if (s.id === 'unlocked' || s.id === 'locked') return;
    if (s.id === 'menu') await d.press('b', true);
    else if (s.buttons.b === 'OK' || s.buttons.a === 'Back') await d.press(s.buttons.b === 'OK' ? 'b' : 'a');
    else await new Promise((r) => setTimeout(r, 25));
  }
}

test.before(async () => {
  bench = await startCliBench({ mnemonic: MNEMONIC, label: 'Alice phone', name: 'duress' });
  d = bench.d;
});
test.after.always(async () => {
  await bench?.stop();
});

test.serial('set on the device; entered at unlock it opens a decoy; the owner\'s app sees the alarm; only a code unfreezes', async (t) => {
  const realAddress = JSON.parse((await cli(['eth', 'address', '--json'])).stdout).address;
  // Menu > Duress PIN needs codes: set them up first (the secret read off the QR code)
  await cli(['ping']); // the device learns the time
  t.is((await d.menuItem('Duress PIN')).id, 'duress-needs-codes');
  await home();
  const enrol = await d.menuItem('Verification codes');
  const secret = parseOtpauth(enrol.qr!).secret;
  await d.press('c');
  const enrolledAt = Date.now() / 1000;
  await d.enterPin(totp(secret, enrolledAt));
  await d.expect('codes-enrolled');
  await home();
  t.is((await d.menuItem('Duress PIN')).id, 'duress-intro');
  await d.press('c');
  await d.enterPin(PIN);
  await d.enterPin(DURESS);
  await d.enterPin(DURESS);
  await d.expect('duress-decoy');
  await d.press('a'); // Empty: a new wallet of its own
  await d.expect('duress-set');
  await home();

  // forced: the duress PIN at unlock; an ordinary unlock on screen, another wallet over the link
  await d.press('a'); // Lock
  await d.expect('locked');
  await d.press('b');
  await d.enterPin(DURESS);
  const shown = await d.expect('unlocked');
  t.notRegex(shown.lines.join(' '), /FROZEN|duress/i);
  const decoy = await cli(['eth', 'address', '--json']);
  t.is(decoy.code, 0, decoy.stderr);
  t.not(JSON.parse(decoy.stdout).address, realAddress, 'the decoy is another wallet');
  const policy = await cli(['policy', 'show']);
  t.notRegex(policy.stdout, /FROZEN/, 'the decoy is not frozen');

  // the owner's app: the alarm
  const events = await cli(['events']);
  t.is(events.code, 0, events.stderr);
  t.regex(events.stdout, /^ALARM: the duress PIN was entered on the device/);
  t.regex(events.stdout, /duress-pin-entered {2}ALARM/);
  const json = JSON.parse((await cli(['events', '--json'])).stdout.trim().split('\n')[0]);
  t.is(json.alarms.length, 1);

  // the owner, later: the real PIN shows the frozen wallet; the app cannot lift it; PIN and code do
  await d.press('a');
  await d.press('b');
  await d.enterPin(PIN);
  t.regex((await d.expect('unlocked')).lines.join(' '), /FROZEN by the duress PIN/);
  t.regex((await cli(['policy', 'show'])).stdout, /FROZEN by the duress PIN/);
  const unfreeze = await cli(['unfreeze']);
  t.is(unfreeze.code, 1);
  t.regex(unfreeze.stderr, /verification code/);
  await d.press('c'); // Unfreeze
  await d.enterPin(PIN);
  await d.expect('unfreeze-code');
  // the enrolment's 30 s window is used: this window's code if it is a later one, else the next window's (a fixed
  // "+30 s" could land two windows ahead of the device's clock and be refused)
  const now = Date.now() / 1000;
  await d.enterPin(totp(secret, Math.floor(now / 30) > Math.floor(enrolledAt / 30) ? now : now + 30));
  await d.expect('unfrozen');
  t.notRegex((await cli(['policy', 'show'])).stdout, /FROZEN/);
  t.is(JSON.parse((await cli(['eth', 'address', '--json'])).stdout).address, realAddress, 'the real wallet again');
});
