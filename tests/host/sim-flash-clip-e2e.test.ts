// The flash-clip attack through the simulator's control API (issue 17), firmware on XS: power off, program back
// an image read earlier (PUT /api/flash), boot: the device says its storage was tampered with and opens nothing.
import test from 'ava';
import { DeviceDriver } from './support/device-driver.js';
import { startSim } from './support/sim.js';

const MNEMONIC = 'all all all all all all all all all all all all';

test('an older image programmed back with a clip: tampered, nothing opens, the eFuse count stands', async (t) => {
  const sim = await startSim();
  try {
    const d = new DeviceDriver(sim.url);
    await d.call('POST', '/api/debug/load', { mnemonic: MNEMONIC, pin: '123456' });
    const old = (await sim.api('GET', '/api/flash')).body as Buffer;
    const efuse0 = (await sim.api('GET', '/api/efuse')).body;
    t.true(efuse0.burned >= 1, 'the wallet burned a bit');
    t.is(efuse0.bits.length, efuse0.capacity);
    await sim.api('POST', '/api/reboot', {});
    await d.toUnlockedHome('123456'); // an unlock: a bit burned before the PIN was checked
    const efuse1 = (await sim.api('GET', '/api/efuse')).body;
    t.is(efuse1.burned, efuse0.burned + 1, 'one PIN attempt, one bit');
    const refused = await fetch(`${sim.url}/api/flash`, { method: 'PUT', body: new Uint8Array(old) });
    t.is(refused.status, 409, 'a running board is not programmed');
    await sim.api('POST', '/api/power-cut', { afterOps: 0 });
    const put = await fetch(`${sim.url}/api/flash`, { method: 'PUT', body: new Uint8Array(old) });
    t.is(put.status, 200);
    t.is((await fetch(`${sim.url}/api/flash`, { method: 'PUT', body: new Uint8Array(old.subarray(1)) })).status, 400, 'a wrong size is refused');
    await sim.api('POST', '/api/reboot', {});
    const screen = (await sim.api('GET', '/api/screen')).body;
    t.true(sim.board.log.some((e) => /STORAGE TAMPERED: the storage is an older image/.test(e.message)), 'the device logged why');
    t.is(screen.id, 'storage-tampered');
    t.is(screen.state, 'tampered');
    t.is((await sim.api('GET', '/api/efuse')).body.burned, efuse1.burned, 'the eFuse count is not in the image');
  } finally {
    await sim.stop();
  }
});
