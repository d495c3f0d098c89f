// The simulator's emulated eFuse counter sized per board (--efuse-bits / BoardOptions.efuseBits), firmware on XS:
// the firmware takes the board's capacity (not a constant of its own), so a 2-bit board is spent after a wallet
// setup and one unlock, and a board without a counter (0 bits) never runs out.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import test from 'ava';
import { DeviceDriver } from './support/device-driver.js';
import { startSim } from './support/sim.js';

const MNEMONIC = 'all all all all all all all all all all all all';

async function withSim(efuseBits: number, run: (sim: Awaited<ReturnType<typeof startSim>>, d: DeviceDriver, efuseFile: string) => Promise<void>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latch-efuse-bits-'));
  const efuseFile = path.join(dir, 'efuse.bin');
  const sim = await startSim({ efuseFile, efuseBits });
  try {
    await run(sim, new DeviceDriver(sim.url), efuseFile);
  } finally {
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('a 2-bit counter: the wallet setup and one unlock spend it, and the board says so after a reboot', async (t) => {
  await withSim(2, async (sim, d) => {
    t.deepEqual((await sim.api('GET', '/api/efuse')).body, { burned: 0, capacity: 2, bits: '00' });
    await d.call('POST', '/api/debug/load', { mnemonic: MNEMONIC, pin: '123456' });
    await sim.api('POST', '/api/reboot', {});
    await d.toUnlockedHome('123456');
    t.deepEqual((await sim.api('GET', '/api/efuse')).body, { burned: 2, capacity: 2, bits: '11' });
    await sim.api('POST', '/api/reboot', {});
    t.is((await sim.api('GET', '/api/screen')).body.id, 'counter-spent');
  });
});

test('a board without a counter (0 bits) burns nothing and keeps taking the PIN', async (t) => {
  await withSim(0, async (sim, d) => {
    await d.call('POST', '/api/debug/load', { mnemonic: MNEMONIC, pin: '123456' });
    for (let i = 0; i < 3; i++) {
      await sim.api('POST', '/api/reboot', {});
      await d.toUnlockedHome('123456');
    }
    t.deepEqual((await sim.api('GET', '/api/efuse')).body, { burned: 0, capacity: 0, bits: '' });
  });
});

test('npm start refuses an eFuse size it cannot emulate, saying which', (t) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'hosts/sim/main.ts', '--efuse-bits', '300', '--port', '0'], { encoding: 'utf8', timeout: 60_000 });
  t.is(r.status, 2);
  t.regex(r.stderr, /--efuse-bits must be a whole number from 0 to 256/);
});
