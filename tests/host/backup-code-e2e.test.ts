// The one-time backup code end to end on XS, through the `latch` CLI: made on the device behind the PIN, a new
// app binds with it (typed in groups of five) and the owner allows it; the device shows a new binding code and
// the old one binds no more; the backup code fails a second time, after 2 h of device time and after a reboot;
// the link log holds no form of the backup code or of either binding code.
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeviceDriver } from './support/device-driver.js';
import { bindWithCli, latch } from './support/cli.js';
import { encodings } from './support/code-forms.js';
import { startSim, type RunningSim } from './support/sim.js';

const MNEMONIC = 'all all all all all all all all all all all all';
const CODE_LINE = /^[2-9A-HJ-NP-Z]{4} [2-9A-HJ-NP-Z]{4}$/;

let sim: RunningSim;
let d: DeviceDriver;
let root: string;
const device = (home: string) => ['--device', `${sim.url.replace('http', 'ws')}/link`, '--home', path.join(root, home)];

test.before(async () => {
  sim = await startSim({ manualClock: true, pinIterations: 50, autoTick: true });
  d = new DeviceDriver(sim.url);
  await d.call('POST', '/api/debug/load', { mnemonic: MNEMONIC, pin: '123456' });
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'latch-backup-'));
});
test.after.always(async () => {
  await sim?.stop();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

/** Menu > Backup code, with the PIN: the code as the QR code carries it, and the screen's grouped lines. */
async function makeBackupCode(): Promise<{ code: string; grouped: string }> {
  await d.menuItem('Backup code');
  const s = await d.enterPin('123456');
  if (s.id !== 'backup-code') throw new Error(`no backup code: ${JSON.stringify(s)}`);
  // six rows of two groups, over the screen's two pages (rows as drawn)
  const grouped = s.pages.flatMap((p) => p.rows.map((r) => r.text)).filter((l) => /^[2-9A-HJ-NP-Z]{5} [2-9A-HJ-NP-Z]{5}$/.test(l)).join(' ');
  await d.press('b'); // Done
  await d.press('b', true);
  return { code: s.qr!, grouped };
}

test.serial('bind a new app with the backup code; the binding code is replaced; reuse, expiry and a reboot are refused; nothing on the link', async (t) => {
  // the owner's first phone, bound with the binding code
  const oldBinding = await bindWithCli(d, device('a'), 'Lost phone');

  const { code, grouped } = await makeBackupCode();
  t.is(code.length, 60);
  t.is(grouped.replace(/ /g, ''), code, 'the screen shows the code in twelve groups of five');

  // the new phone: the code typed in groups, read from standard input
  const bound = await latch(['bind', '--backup-code', ...device('b'), '--label', 'New phone'], async (write) => {
    await d.waitFor('bind-backup');
    write(grouped);
    await d.waitFor('bind-allow');
    await d.decide('c');
  });
  t.is(bound.code, 0, bound.stderr);
  t.regex(bound.stdout, /Bound to device/);
  const changed = await d.waitFor('binding-code-changed');
  const newBinding = changed.lines.find((l) => CODE_LINE.test(l))!.replace(' ', '');
  t.not(newBinding, oldBinding);
  await d.press('a');
  const ping = await latch(['ping', ...device('b')]);
  t.is(ping.code, 0, ping.stderr);

  // used: a second bind with it is refused, in words
  const again = await latch(['bind', '--backup-code', '--code', code, ...device('c'), '--label', 'Thief']);
  t.is(again.code, 1);
  t.is(again.stderr, 'latch: that backup code was already used: a backup code works once; make a new one on the device\n', 'said in words, once');
  // the old binding code binds no more
  const old = await latch(['bind', '--code', oldBinding, ...device('c'), '--label', 'Thief']);
  t.is(old.code, 1);
  t.regex(old.stderr, /wrong binding code/);
  await d.toUnlockedHome();

  // expired after 2 h of device time
  const late = await makeBackupCode();
  await d.call('POST', '/api/clock', { advanceMs: 2 * 3_600_000 + 1000 });
  await d.toUnlockedHome();
  const expired = await latch(['bind', '--backup-code', '--code', late.code, ...device('d'), '--label', 'Late']);
  t.is(expired.code, 1);
  t.regex(expired.stderr, /expired/);
  await d.toUnlockedHome();

  // voided by a reboot
  const lost = await makeBackupCode();
  await d.call('POST', '/api/reboot');
  await d.toUnlockedHome();
  const rebooted = await latch(['bind', '--backup-code', '--code', lost.code, ...device('e'), '--label', 'After reboot']);
  t.is(rebooted.code, 1);
  t.regex(rebooted.stderr, /no backup code is valid/);

  // the link log: no form of any of the codes
  const log = (await d.call('GET', '/api/link-log')) as { dir: string; hex?: string }[];
  const packets = log.filter((e) => e.hex).map((e) => Buffer.from(e.hex!, 'hex'));
  const everything = Buffer.concat(packets);
  t.true(packets.length > 20);
  for (const c of [code, late.code, lost.code, oldBinding, newBinding]) {
    for (const enc of encodings(c)) t.is(everything.indexOf(enc), -1, `the link carried ${enc.toString('hex')}`);
    for (const p of packets) t.is(p.indexOf(Buffer.from(c.slice(0, 8))), -1, 'part of a code crossed the link');
  }
});
