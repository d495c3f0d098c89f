// A spent eFuse rollback counter through the simulator (issue 17), firmware on XS: a board whose efuse.bin stands
// two bits short of its 128 sets up a wallet (one bit) and unlocks once (the last bit); after a reboot the LCD says
// "Rollback counter spent", no PIN screen can be reached, and GET /api/efuse shows every bit burned.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { bindWithCli, latch } from './support/cli.js';
import { DeviceDriver } from './support/device-driver.js';
import { startSim } from './support/sim.js';

const MNEMONIC = 'all all all all all all all all all all all all';

test('the last eFuse bit spent: the board shows counter-spent after a reboot and takes no PIN', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latch-efuse-'));
  const efuseFile = path.join(dir, 'efuse.bin');
  fs.writeFileSync(efuseFile, '126\n'); // a long life behind it
  const sim = await startSim({ efuseFile });
  try {
    const d = new DeviceDriver(sim.url);
    await d.call('POST', '/api/debug/load', { mnemonic: MNEMONIC, pin: '123456' });
    t.is((await sim.api('GET', '/api/efuse')).body.burned, 127, 'the wallet\'s first head burned a bit');
    await sim.api('POST', '/api/reboot', {});
    t.regex(JSON.stringify((await sim.api('GET', '/api/screen')).body), /1 PIN entry left on this device/);
    await d.toUnlockedHome('123456'); // the last bit
    const efuse = (await sim.api('GET', '/api/efuse')).body;
    t.is(efuse.burned, efuse.capacity);
    t.is(efuse.bits, '1'.repeat(efuse.capacity));
    await sim.api('POST', '/api/reboot', {});
    const screen = (await sim.api('GET', '/api/screen')).body;
    t.is(screen.id, 'counter-spent');
    t.is(screen.state, 'locked', 'the wallet is kept (the recovery words restore it elsewhere)');
    await d.press('b'); // no Unlock here
    t.is((await sim.api('GET', '/api/screen')).body.id, 'counter-spent');
    t.is(fs.readFileSync(efuseFile, 'utf8').trim(), '128', 'the count stands in the eFuse file, beside the chip key');
  } finally {
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** A simulator whose efuse.bin stands at `burned`, the wallet loaded, unlocked and bound to a CLI app. */
async function boundSim(burned: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latch-efuse-'));
  const efuseFile = path.join(dir, 'efuse.bin');
  fs.writeFileSync(efuseFile, `${burned}\n`);
  const sim = await startSim({ efuseFile });
  const args = ['--device', `${sim.url.replace('http', 'ws')}/link`, '--home', path.join(dir, 'app')];
  const d = new DeviceDriver(sim.url);
  await d.call('POST', '/api/debug/load', { mnemonic: MNEMONIC, pin: '123456' });
  await d.toUnlockedHome('123456');
  await bindWithCli(d, args, 'Phone');
  const left = async () => { const e = (await sim.api('GET', '/api/efuse')).body; return e.capacity - e.burned as number; };
  return { sim, d, args, left, stop: async () => { await sim.stop(); fs.rmSync(dir, { recursive: true, force: true }); } };
}

test('latch info and status show the rollback counter in tens while bits are plenty', async (t) => {
  const { args, left, stop } = await boundSim(90);
  try {
    const n = await left();
    t.true(n > 20 && n < 40, `${n} bits left`);
    const tens = Math.floor(n / 10) * 10;
    const info = await latch(['info', ...args]);
    t.is(info.code, 0, info.stderr);
    t.regex(info.stdout, new RegExp(`^rollback counter: at least ${tens} bits left \\(one per PIN entry\\)$`, 'm'));
    t.notRegex(info.stdout, /object Object/);
    t.deepEqual(JSON.parse((await latch(['info', '--json', ...args])).stdout).rollbackCounter, { counted: true, spent: false, low: false, bitsLeft: tens });
    const status = await latch(['status', ...args]);
    t.is(status.stdout, `The device is bound to this app.\nrollback counter: at least ${tens} bits left (one per PIN entry)\n`);
  } finally {
    await stop();
  }
});

test('the last bits: latch info counts them exactly, then says spent; latch reset hears counter-spent at once', async (t) => {
  const { sim, d, args, left, stop } = await boundSim(122);
  try {
    const n = await left();
    t.true(n > 1 && n < 6, `${n} bits left`);
    t.regex((await latch(['info', ...args])).stdout, new RegExp(`^rollback counter: ${n} bits left \\(one per PIN entry\\): move the wallet to another device soon$`, 'm'));
    while (await left() > 0) { // reboot (locked), unlock: a bit each
      await sim.api('POST', '/api/reboot', {});
      await d.toUnlockedHome('123456');
    }
    await sim.api('POST', '/api/reboot', {});
    t.is((await d.screen()).id, 'counter-spent');
    t.like(JSON.parse((await latch(['status', '--json', ...args])).stdout), { state: 'bound-to-this-app', rollbackCounter: { counted: true, spent: true, low: true, bitsLeft: 0 } });
    t.regex((await latch(['info', ...args])).stdout, /^rollback counter: spent \(the device takes no PIN/m);
    const started = Date.now();
    const reset = await latch(['reset', ...args]);
    t.true(Date.now() - started < 10_000, 'answered at once, not after the reset request\'s 3 minutes');
    t.is(reset.code, 1, reset.stderr);
    t.regex(reset.stderr, /rollback counter is spent.*press Reset on the device itself/);
    t.is((await d.screen()).id, 'counter-spent', 'no confirmation put up that could only end on an error');
  } finally {
    await stop();
  }
});
