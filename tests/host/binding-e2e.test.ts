// Binding and sessions end to end: the `latch` CLI against the board simulator with the firmware on XS.
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeviceDriver } from './support/device-driver.js';
import { latch } from './support/cli.js';
import { startSim, type RunningSim } from './support/sim.js';

let sim: RunningSim;
test.before(async () => { sim = await startSim({ manualClock: true, pinIterations: 50, autoTick: true }); });
test.after.always(async () => { await sim?.stop(); });

const home = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `latch-${name}-`));

/** The code as the LCD shows it ("ABCD EFGH"), read through the control API only. */
async function codeOnScreen(d: DeviceDriver): Promise<string> {
  return (await d.waitFor('bind-code')).lines.find((l) => /^[2-9A-HJ-NP-Z]{4} [2-9A-HJ-NP-Z]{4}$/.test(l))!;
}

/** Bind with the CLI: read the code off the screen, type it on stdin, press Allow (C) when asked. */
async function bindWithCli(d: DeviceDriver, appHome: string, label: string, code?: (shown: string) => string) {
  return latch(['bind', '--device', `${sim.url.replace('http', 'ws')}/link`, '--home', appHome, '--label', label], async (write) => {
    const shown = await codeOnScreen(d);
    write(code ? code(shown) : shown.toLowerCase()); // case and the space do not matter
    if (code) return;
    await d.waitFor('bind-allow');
    await d.decide('c');
  });
}

const device = () => ['--device', `${sim.url.replace('http', 'ws')}/link`];

test.serial('first bind reads the code from the screen; ping and info then work over a session', async (t) => {
  const d = new DeviceDriver(sim.url);
  const appA = home('a');
  t.regex((await latch(['status', ...device(), '--home', appA])).stdout, /not bound to any app/);
  const r = await bindWithCli(d, appA, 'Phone A');
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /Bound to device [0-9a-f]{32} as "Phone A"/);
  t.is((await d.screen()).id, 'bound');
  t.is((fs.statSync(path.join(appA, 'app.json')).mode & 0o777).toString(8), '600');
  const ping = await latch(['ping', ...device(), '--home', appA]);
  t.is(ping.code, 0, ping.stderr);
  t.regex(ping.stdout, /pong/);
  const info = await latch(['info', ...device(), '--home', appA, '--json']);
  const j = JSON.parse(info.stdout);
  t.is(j.state, 'bound');
  t.is(j.platform, 'node-sim (xs)');
  t.regex((await latch(['status', ...device(), '--home', appA])).stdout, /bound to this app/);
});

test.serial('a new app binds with the same code and replaces the old one, which then hears "bound to another app"', async (t) => {
  const d = new DeviceDriver(sim.url);
  const appA = home('a2');
  const appB = home('b');
  t.is((await bindWithCli(d, appA, 'Phone A')).code, 0);
  await d.press('b');
  const before = (await latch(['bind', ...device(), '--home', appB, '--label', 'Phone B'], async (write) => {
    const shown = await codeOnScreen(d);
    write(shown);
    await d.waitFor('bind-allow');
    await d.decide('c');
  }));
  t.is(before.code, 0, before.stderr);
  const old = await latch(['ping', ...device(), '--home', appA]);
  t.is(old.code, 1);
  t.regex(old.stderr, /bound to another app: enter your binding code to re-bind/);
  t.regex((await latch(['status', ...device(), '--home', appA])).stdout, /bound to another app/);
  t.is((await latch(['ping', ...device(), '--home', appB])).code, 0);
});

test.serial('wrong codes are counted, hit the lock-out after 5, and the lock-out survives a reboot', async (t) => {
  const d = new DeviceDriver(sim.url);
  const app = home('wrong');
  for (let i = 1; i <= 5; i++) {
    const r = await bindWithCli(d, app, 'Guesser', (shown) => (shown.startsWith('2') ? '3' : '2') + shown.slice(1));
    t.is(r.code, 1);
    t.regex(r.stderr, /wrong binding code/);
    t.is((await d.screen()).id, 'bind-failed');
    await d.press('b');
  }
  const locked = await latch(['bind', ...device(), '--home', app, '--code', '22222222']);
  t.is(locked.code, 1);
  t.regex(locked.stderr, /binding is locked for 30 s after 5 failed attempts/);
  await d.call('POST', '/api/reboot');
  // Measured on the device clock: a reboot does not restart the lock-out (it may add the unsaved seconds).
  const after = (await latch(['bind', ...device(), '--home', app, '--code', '22222222'])).stderr;
  const left = Number(/locked for (\d+) s/.exec(after)?.[1]);
  t.true(left >= 30 && left < 90, after);
  await d.call('POST', '/api/clock', { advanceMs: left * 1000 + 1000 });
  const r = await bindWithCli(d, app, 'Guesser');
  t.is(r.code, 0, r.stderr);
});

test.serial('a factory reset makes a new code, and the old app is then unbound', async (t) => {
  const d = new DeviceDriver(sim.url);
  const app = home('reset');
  t.is((await bindWithCli(d, app, 'Resetter')).code, 0);
  await d.press('b');
  /** Start a bind that waits for the code, read the code off the screen, then give up (no attempt is made). */
  const peekCode = async () => {
    let shown = '';
    const r = await latch(['bind', ...device(), '--home', home('peek')], async (write) => {
      shown = await codeOnScreen(d);
      write('no');
    });
    t.regex(r.stderr, /a binding code is 8 characters/);
    return shown;
  };
  const oldCode = await peekCode();
  const reset = await latch(['reset', ...device(), '--home', app], async () => {
    const s = await d.waitFor('reset-confirm-1');
    t.true(s.lines.some((l) => l.includes('The app named "Resetter" asks to erase this device')));
    await d.press('c');
    await d.expect('reset-confirm-2');
    await d.decide('c'); // a device without a wallet: no PIN
  });
  t.is(reset.code, 0, reset.stderr);
  t.regex(reset.stderr, /The device asks its owner to confirm the erase/);
  t.regex(reset.stdout, /^The device was erased: it is blank again/);
  await d.press('b');
  t.is((await d.screen()).state, 'blank');
  t.regex((await latch(['status', ...device(), '--home', app])).stdout, /not bound to any app/);
  const newCode = await peekCode();
  t.regex(newCode, /^[2-9A-HJ-NP-Z]{4} [2-9A-HJ-NP-Z]{4}$/);
  t.not(newCode, oldCode);
});
