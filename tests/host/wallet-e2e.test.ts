// The vault's "done when", through the board simulator's control API alone, with the firmware on XS.
import test from 'ava';
import { DeviceDriver } from './support/device-driver.js';
import { startSim, type RunningSim } from './support/sim.js';
import { XsRuntime } from '../../hosts/sim/runtime-xs.js';
import { afterReset } from '../portable/support/vault-rig.js';

const PIN = '246810';

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack).indexOf(Buffer.from(needle)) >= 0;
}

let sim: RunningSim | undefined;
test.afterEach.always(async () => { await sim?.stop(); sim = undefined; });

test.serial('set a PIN, create a wallet, pass the word check, reboot, unlock, fail until warned, reset: blank and no secret left', async (t) => {
  // A fixed, small PBKDF2 work factor: calibrated to a second, thirteen PIN checks cost a loaded machine a minute
  // (the calibration has its own tests in tests/portable/vault.test.ts).
  sim = await startSim({ manualClock: true, pinIterations: 50 });
  const d = new DeviceDriver(sim.url);
  await d.expect('blank');
  await d.press('a'); // Set up
  await d.expect('setup-choice');
  await d.press('a'); // Create
  await d.press('a'); // 12 words
  const words = await d.readWords();
  t.is(words.length, 12);
  await d.passWordCheck(words);
  await d.expect('pin-new');
  await d.enterPin(PIN);
  await d.expect('pin-confirm');
  const created = await d.enterPin(PIN);
  t.is(created.id, 'wallet-created');
  t.is((await d.press('b')).id, 'unlocked');

  // Capture the secrets from inside the firmware to look for them in flash later.
  const runtime = sim.board.runtime as XsRuntime;
  const secrets = (await runtime.evaluate(`
    device.vault.setBindingCode('K7M2QX9P');
    return { dek: Array.from(device.vault.dek), entropy: Array.from(device.vault.seedEntropy()) };
  `)) as { dek: number[]; entropy: number[] };
  t.is(secrets.entropy.length, 16);

  await d.call('POST', '/api/reboot');
  await d.expect('locked');
  t.is((await d.screen()).state, 'locked');
  await d.press('b');
  await d.expect('pin-unlock');
  t.is((await d.enterPin(PIN)).id, 'unlocked');
  await d.press('a'); // lock

  // Wrong PINs until the screen warns that 3 tries remain.
  let warned = false;
  for (let i = 1; i <= 7; i++) {
    const locked = await d.expect('locked');
    if (!locked.buttons.b) await d.call('POST', '/api/clock', { advanceMs: 64_000 });
    await d.press('b');
    const result = await d.enterPin('111111');
    t.is(result.id, 'pin-wrong');
    warned = result.lines.some((l) => /Warning: 3 tries left before the device erases itself/.test(l));
    await d.press('b');
  }
  t.true(warned, 'the warning shows at 3 tries left');

  // Unlock with the right PIN after the delay, then reset from the menu: confirm twice.
  await d.call('POST', '/api/clock', { advanceMs: 64_000 });
  await d.press('b');
  t.is((await d.enterPin(PIN)).id, 'unlocked');
  t.is((await d.menuItem('Factory reset')).id, 'reset-confirm-1');
  await d.press('c');
  await d.expect('reset-confirm-2');
  t.is((await d.decide('c')).id, 'reset-done');
  t.is((await d.press('b')).id, 'blank');
  t.is((await d.screen()).state, 'blank');

  const flash = new Uint8Array(await (await fetch(`${sim.url}/api/flash`)).arrayBuffer());
  t.deepEqual(afterReset(flash), { clean: true, events: 1 }, 'the vault region is erased but for the device clock, a new identity and the event saying so');
  t.false(contains(flash, Uint8Array.from(secrets.entropy)));
  t.false(contains(flash, Uint8Array.from(secrets.dek)));
  t.false(contains(flash, Buffer.from(PIN)));
  t.false(contains(flash, Buffer.from('K7M2QX9P')));
});

test.serial('restore 12 words on the device (prefix completion) and unlock after reboot', async (t) => {
  sim = await startSim({ pinIterations: 50 });
  const d = new DeviceDriver(sim.url);
  const phrase = 'legal winner thank year wave sausage worth useful legal winner thank yellow'.split(' ');
  await d.press('a');
  await d.press('c'); // Restore
  await d.press('a'); // 12 words
  for (const [i, w] of phrase.entries()) {
    const s = await d.expect('restore-word');
    t.is(s.title, `Word ${i + 1} of 12`);
    await d.typeWord(w);
  }
  await d.expect('pin-new');
  await d.enterPin('13572468');
  t.is((await d.enterPin('13572468')).id, 'wallet-created');
  const runtime = sim.board.runtime as XsRuntime;
  t.deepEqual(await runtime.evaluate('return Array.from(device.vault.seedEntropy())'), Array(16).fill(0x7f), 'python-mnemonic vector 2');
  await d.call('POST', '/api/reboot');
  await d.press('b');
  t.is((await d.enterPin('13572468')).id, 'unlocked');
});

test.serial('10 wrong PINs wipe the device; a power cut during the 10th attempt still ends wiped', async (t) => {
  sim = await startSim({ manualClock: true, pinIterations: 50 });
  const d = new DeviceDriver(sim.url);
  const runtime = () => sim!.board.runtime as XsRuntime;
  // Quick setup through the firmware, then PIN failures through the buttons.
  await runtime().evaluate(`device.vault.createWallet('123456', new Uint8Array(16).fill(3)); device.vault.lock();`);
  await d.call('POST', '/api/reboot');
  const image = async () => new Uint8Array(await (await fetch(`${sim!.url}/api/flash`)).arrayBuffer());
  for (let i = 1; i <= 9; i++) {
    await d.call('POST', '/api/clock', { advanceMs: 64_000 });
    await d.press('b');
    await d.enterPin('999999');
    await d.press('b');
  }
  const before10th = await image();
  const fuseBefore10th = sim.board.hw.counter.read(); // the state is flash and eFuse together (issue 17)
  t.is((await d.screen()).id, 'locked');

  // The 10th attempt with a power cut at each flash operation it makes, in turn.
  let cutsThatWiped = 0;
  for (let cut = 1; cut <= 40; cut++) {
    sim.board.hw.flash.bytes.set(before10th);
    sim.board.hw.counter.setForTest(fuseBefore10th);
    await d.call('POST', '/api/reboot');
    await d.call('POST', '/api/clock', { advanceMs: 64_000 });
    await d.press('b');
    await d.call('POST', '/api/power-cut', { afterOps: cut });
    const result = await d.enterPin('999999');
    if (result.id !== 'off') {
      t.is(result.id, 'wiped', 'without a cut, the 10th wrong PIN wipes');
      break;
    }
    await d.call('POST', '/api/reboot');
    const s = await d.screen();
    if (cut === 1) {
      // The cut tore the counter write itself: the attempt never happened and the PIN was not checked.
      t.is(s.id, 'locked');
      t.true(s.lines.some((l) => /1 try left/.test(l)));
    } else {
      // Wiped: either boot finished the wipe and says so, or the cut tore the last erase and nothing was left.
      t.is(s.state, 'blank', `cut ${cut}: not wiped after reboot`);
      t.true(s.id === 'wiped' || s.id === 'blank', `cut ${cut}: screen ${s.id}`);
      if (s.id === 'wiped') t.is((await d.press('b')).id, 'blank');
      t.true(afterReset(await image()).clean, `cut ${cut}: flash not erased`);
      cutsThatWiped++;
    }
  }
  t.true(cutsThatWiped > 10, `${cutsThatWiped} cut points`);
});
