// Issue 16's attacker end to end on XS, through the `latch` CLI and the control API (the screen and buttons): he
// holds the device and knows the PIN, and at times drives the bound phone too, never the owner's authenticator.
// His own codes and a PIN-only way out of a freeze (item 1), his own app bound past the owner (4), the guard's
// secret in the authenticator and tomorrow's time (6), the app's clock moved while the owner types a code (8).
// The signing holes (2, 3, 5, 7) are guard-attacks-signing-e2e.test.ts.
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { base32nopad } from '@scure/base';
import type { DeviceDriver } from './support/device-driver.js';
import { latch, type CliRun } from './support/cli.js';
import { startCliBench, type CliBench } from './support/cli-bench.js';
import { parseOtpauth, totp } from '../../modules/guard/otp.js';
import { utcText } from '../../modules/guard/world-time.js';

const MNEMONIC = 'all all all all all all all all all all all all';
const HOUR = 3_600_000;

let bench: CliBench | undefined;
let d: DeviceDriver;
const thiefHome = fs.mkdtempSync(path.join(os.tmpdir(), 'latch-thief-'));
const advance = (ms: number) => d.call('POST', '/api/clock', { advanceMs: ms });

/** `latch args` as the owner's bound app (the manual device clock moved on with this computer's first, as a real
 * device's runs on); `shiftS`: its clock lies by that much. */
async function cli(args: string[], feed?: Parameters<typeof latch>[1], shiftS?: number): Promise<CliRun> {
  await bench!.syncClock();
  return latch([...args, ...bench!.device()], feed, { clockShiftS: shiftS });
}

/** The thief's own app, with its own home. */
const thief = (args: string[], feed?: Parameters<typeof latch>[1]) => latch([...args, '--device', bench!.device()[1], '--home', thiefHome], feed);

/** A code the owner's authenticator gives for the device's world time: the next step's, so it is later than any
 * code already used (the device takes one step either side). */
const nextCode = (secret: Uint8Array) => totp(secret, Date.now() / 1000 + 30);

async function home(): Promise<void> {
  for (let i = 0; i < 6; i++) {
    const s = await d.screen();
    if (s.id === 'unlocked' || s.id === 'locked') return;
    if (s.id === 'menu') await d.press('b', true);
    else if (s.buttons.b === 'OK' || s.buttons.a === 'Back') await d.press(s.buttons.b === 'OK' ? 'b' : 'a');
    else await new Promise((r) => setTimeout(r, 25));
  }
}

async function unlock(): Promise<void> {
  await home();
  if ((await d.screen()).id === 'locked') {
    await d.press('b');
    await d.enterPin('123456');
  }
}

/** Menu > Verification codes > set up: the secret read off the QR code, proven with its code. */
async function setUpCodes(expect: 'codes-enrolled' | 'codes-enrol-pending'): Promise<Uint8Array> {
  const s = await d.menuItem('Verification codes');
  if (s.id !== 'codes-enrol') throw new Error(`no enrolment screen: ${JSON.stringify(s)}`);
  const secret = parseOtpauth(s.qr!).secret;
  await d.press('c');
  await d.enterPin(totp(secret, Date.now() / 1000));
  await d.expect(expect);
  await d.press('b');
  await home();
  return secret;
}

test.before(async () => {
  bench = await startCliBench({ mnemonic: MNEMONIC, label: 'Alice phone', name: 'guard-attacks' });
  d = bench.d;
  const set = await cli(['policy', 'set', '--asset', 'eth:1', '--daily', '0.1'], async () => { await d.review(); });
  if (set.code !== 0) throw new Error(set.stderr);
  await home();
});
test.after.always(async () => {
  await bench?.stop();
  fs.rmSync(thiefHome, { recursive: true, force: true });
});

let ownerSecret: Uint8Array | undefined;

test.serial('item 1: with limits and no codes, his own codes wait 24 h, announced; the owner\'s phone cancels them', async (t) => {
  await setUpCodes('codes-enrol-pending');
  t.regex((await cli(['otp', 'status'])).stdout, /Verification codes are off.* Codes set up on the device take effect in 24 h \("latch pending cancel" refuses them\)/);
  t.regex((await cli(['pending'])).stdout, /^#1 Set up verification codes \(a new authenticator\): takes effect in 24 h of device time/m);
  t.regex((await cli(['pending', 'cancel'])).stdout, /Cancelled: #1\./);
});

test.serial('item 1: frozen, he cannot set up codes, and the PIN alone only starts a wait; the phone refuses it (freezing again)', async (t) => {
  t.is((await cli(['freeze'])).code, 0);
  await unlock();
  t.is((await d.menuItem('Verification codes')).id, 'codes-frozen', 'no codes of his own while frozen');
  await home();
  await d.press('c'); // Unfreeze
  await d.enterPin('123456');
  await d.expect('unfreeze-requested');
  await home();
  t.regex((await cli(['pending'])).stdout, /#2 Unfreeze with the PIN alone: takes effect in 24 h of device time/);
  t.is((await cli(['freeze'])).code, 0, 'the phone insists: stay frozen');
  t.regex((await cli(['pending'])).stdout, /^Nothing is pending\./);
  await advance(25 * HOUR);
  t.regex((await d.screen()).lines.join(' '), /FROZEN/, 'a day later: still frozen');
});

test.serial('item 1: the owner\'s phone makes a PIN-only unfreeze immediate (the device unlocked, C held)', async (t) => {
  await unlock();
  const unfreeze = await cli(['unfreeze'], async () => { await d.waitFor('unfreeze-ask'); await d.decide('c'); });
  t.is(unfreeze.code, 0, unfreeze.stderr);
  t.notRegex((await d.screen()).lines.join(' '), /FROZEN/);
});

test.serial('item 4: with limits and no codes, his app binds only after 24 h of device time, and the owner\'s phone hears it', async (t) => {
  await home();
  const bind = await thief(['bind', '--label', 'Thief phone'], async (write) => {
    const line = (await d.waitFor('bind-code')).lines.find((l) => /^[2-9A-HJ-NP-Z]{4} [2-9A-HJ-NP-Z]{4}$/.test(l))!;
    write(line); // the code is on the screen he holds
    const allow = await d.waitFor('bind-allow');
    t.regex(allow.lines.join(' '), /it is bound after 24 h of device time, and the bound app can refuse it/);
    await d.decide('c');
  });
  t.is(bind.code, 0, bind.stderr);
  t.regex(bind.stdout, /this app is bound after 24 h of device time, unless the app bound now refuses it/);
  await home();
  t.regex((await cli(['pending'])).stdout, /#\d+ Bind the app named "Thief phone" \(by binding code\); the bound app loses access: takes effect in 24 h/);
});

test.serial('item 4: the owner\'s phone refuses the waiting binding: a day later his app is still not bound', async (t) => {
  const pending = await cli(['pending']);
  t.regex((await cli(['pending', 'cancel', /#(\d+) Bind/.exec(pending.stdout)![1]])).stdout, /Cancelled: #\d+\./);
  await advance(25 * HOUR);
  await unlock();
  t.is((await thief(['ping'])).code, 1, 'never bound');
  t.is((await cli(['ping'])).code, 0, 'the owner\'s phone still is');
});

test.serial('the owner sets up codes: with limits on, they too take effect after 24 hours', async (t) => {
  ownerSecret = await setUpCodes('codes-enrol-pending');
  await advance(24 * HOUR + 60_000);
  await unlock();
  t.regex((await cli(['otp', 'status'])).stdout, /^Verification codes are on\./);
});

test.serial('item 4: with codes enrolled, his app needs a verification code after Allow; a wrong one binds nothing', async (t) => {
  const bind = await thief(['bind', '--label', 'Thief phone'], async (write) => {
    write((await d.waitFor('bind-code')).lines.find((l) => /^[2-9A-HJ-NP-Z]{4} [2-9A-HJ-NP-Z]{4}$/.test(l))!);
    await d.waitFor('bind-allow');
    await d.decide('c');
    await d.waitFor('bind-verify');
    const right = nextCode(ownerSecret!);
    await d.enterPin(right === '000000' ? '111111' : '000000');
  });
  t.is(bind.code, 1);
  t.regex(bind.stderr, /the verification code was not accepted on the device: That code is not right\./);
  await home();
  t.is((await cli(['ping'])).code, 0, 'the owner\'s phone is still the bound app');
});

test.serial('item 6: the authenticator refuses the guard\'s own secret, under another digest and period too', async (t) => {
  const uri = `otpauth://totp/Bank:alice?secret=${base32nopad.encode(ownerSecret!)}&algorithm=SHA256&period=60`;
  const own = await cli(['authenticator', 'add', uri]);
  t.is(own.code, 1);
  t.regex(own.stderr, /that is the secret of this device's own verification codes/);
});

test.serial('item 6: after a reboot a claim of tomorrow\'s time is refused and logged; the code screen shows its date', async (t) => {
  // after a reboot the first claim sets the time (an event); a phone claiming tomorrow after that is refused
  await d.call('POST', '/api/reboot', {});
  await d.waitFor('locked');
  await unlock();
  t.is((await cli(['ping'])).code, 0);
  t.is((await cli(['ping'], undefined, 86_400)).code, 0, 'the request itself is served; its time is not taken');
  const events = JSON.parse((await cli(['events', '--json'])).stdout).events as { kind: string; details: Record<string, unknown> }[];
  t.is(events.filter((e) => e.kind === 'world-time-set').at(-1)?.details.from, 'the bound app');
  t.regex(String(events.filter((e) => e.kind === 'world-time-refused').at(-1)?.details.claimed), new RegExp(`^${utcText(Date.now() / 1000 + 86_400).slice(0, 10)} `));
  const added = await cli(['authenticator', 'add', 'otpauth://totp/Exchange:alice?secret=JBSWY3DPEHPK3PXP&issuer=Exchange'], async () => { await d.waitFor('authenticator-add'); await d.decide('c'); });
  t.is(added.code, 0, added.stderr);
  await d.menuItem('Authenticator');
  const code = await d.press('b');
  t.regex(code.lines.join(' '), new RegExp(`For ${utcText(Date.now() / 1000).slice(0, 10)} `), 'today\'s date, not tomorrow\'s');
  await home();
});

test.serial('item 8: a code typed while the app moves its clock is checked at the time fixed when the entry opened', async (t) => {
  t.is((await cli(['freeze'])).code, 0);
  await unlock();
  await d.press('c'); // Unfreeze
  await d.enterPin('123456');
  await d.expect('unfreeze-code');
  const code = nextCode(ownerSecret!); // what the owner's authenticator shows now
  t.is((await cli(['ping'], undefined, 110)).code, 0, 'the app moves its clock (within the two minutes it may) while the owner types');
  await d.enterPin(code);
  t.is((await d.screen()).id, 'unfrozen');
  await home();
});
