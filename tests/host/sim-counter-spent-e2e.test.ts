// A spent eFuse rollback counter through the simulator (issue 17), firmware on XS: a board whose efuse.bin stands
// two bits short of its 128 sets up a wallet (one bit) and unlocks once (the last bit); after a reboot the LCD says
// "Rollback counter spent", no PIN screen can be reached, and GET /api/efuse shows every bit burned.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
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
