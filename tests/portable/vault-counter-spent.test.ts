/**
 * A spent rollback counter (issue 17; modules/vault/head.ts, README: the eFuse budget). Every PIN attempt burns an
 * eFuse bit before the PIN is checked; once none is left, an attempt could only be counted in the flash, which a
 * clip programs back, so the vault takes none: the 10-try limit holds by refusing. The LCD says so
 * ('counter-spent'), warns while the bits run low, and the app hears `counter-spent`.
 */
import test, { type ExecutionContext } from 'ava';
import { NorFlash, seededRandom } from '../../hosts/sim/nor-flash.js';
import { walletClosed } from '../../modules/protocol/rpc.js';
import { RecordKey } from '../../modules/vault/records.js';
import { COUNTER_LOW, MAX_PIN_ATTEMPTS } from '../../modules/vault/vault.js';
import { bindApp, deviceRig, type DeviceRig, ENTROPY as DEVICE_ENTROPY, PIN as DEVICE_PIN } from './support/device-rig.js';
import { memoryCounter } from './support/fake-ports.js';
import { retire } from './support/flash-clip.js';
import { vaultRig } from './support/vault-rig.js';

const PIN = '123456';
const ENTROPY = Uint8Array.from({ length: 16 }, (_, i) => 0x30 + i);
const SECTOR = 4096;

/** A wallet on a counter of `capacity` bits, the right PIN entered until every bit is burned. */
function spentWallet(capacity = 3) {
  const rig = vaultRig({ pinIterations: 2, counter: memoryCounter(capacity) });
  rig.vault.createWallet(PIN, ENTROPY); // the first head burns a bit
  rig.vault.lock();
  const shots = [rig.flash.bytes.slice()];
  while (rig.vault.counterRemaining > 0) {
    rig.vault.unlock(PIN);
    rig.vault.lock();
    shots.push(rig.flash.bytes.slice());
  }
  return { rig, shots };
}

test('a spent counter takes no PIN attempt, right or wrong, and counts none; a reboot changes nothing', (t) => {
  const { rig } = spentWallet(3);
  t.is(rig.counter!.value, 3);
  t.true(rig.vault.counterSpent);
  const failures = rig.vault.pinFailures;
  t.throws(() => rig.vault.unlock(PIN), { code: 'counter-spent', message: /recovery words/ });
  t.throws(() => rig.vault.unlock('000000'), { code: 'counter-spent' });
  t.false(rig.vault.isUnlocked);
  t.is(rig.vault.pinFailures, failures, 'a refused attempt is not counted (nor could it be, where a clip cannot undo it)');
  t.is(rig.counter!.value, 3);
  const v = rig.reboot();
  t.is(v.storage, 'ok');
  t.true(v.hasWallet, 'the wallet is kept: the recovery words restore it elsewhere, a reset erases it');
  t.true(v.counterSpent);
  t.throws(() => v.unlock(PIN), { code: 'counter-spent' });
  t.is(boot(retire(rig.flash.bytes, SECTOR, RecordKey.pin), 3, 3).vault.storage, 'tampered', 'a retired record is still caught');
});

test('a bad PIN format is still told before the spent counter (bad input gets its own clear error)', (t) => {
  const { rig } = spentWallet(2);
  t.throws(() => rig.vault.unlock('12'), { code: 'bad-pin-format' });
});

test('the flash-clip attacker on a spent device: no earlier image and no count of guesses opens the wallet', (t) => {
  const { rig, shots } = spentWallet(4);
  let tampered = 0, refused = 0;
  for (const [i, image] of shots.entries()) {
    const v = boot(image, 4, 4).vault;
    for (let guess = 0; guess < MAX_PIN_ATTEMPTS + 4; guess++) {
      if (v.storage === 'tampered') break;
      t.throws(() => v.unlock(guess === 0 ? PIN : `${100000 + guess}`), { code: 'counter-spent' }, `image ${i}, guess ${guess}`);
    }
    t.false(v.isUnlocked, `image ${i}`);
    if (v.storage === 'tampered') tampered++;
    else refused++;
  }
  t.is(tampered, shots.length - 1, 'every earlier image is older than the counter');
  t.is(refused, 1, 'the current image refuses');
  t.false(rig.reboot().isUnlocked);
});

test('a spent counter makes no new wallet after a reset (its PIN could never be counted)', (t) => {
  const { rig } = spentWallet(2);
  rig.vault.wipe();
  t.false(rig.vault.hasWallet);
  t.throws(() => rig.vault.createWallet(PIN, ENTROPY), { code: 'counter-spent' });
  t.false(rig.reboot().hasWallet);
});

test('a counter of capacity 0 is no counter: nothing runs out, the head only chains the records', (t) => {
  const rig = vaultRig({ pinIterations: 2, counter: memoryCounter(0) });
  rig.vault.createWallet(PIN, ENTROPY);
  for (let i = 0; i < 5; i++) {
    rig.vault.lock();
    t.like(rig.reboot().unlock(PIN), { ok: true });
  }
  t.false(rig.vault.head.counted);
  t.is(rig.vault.counterRemaining, Infinity);
  t.false(rig.vault.counterSpent);
  t.false(rig.vault.head.exhausted);
});

test('the LCD: a warning from COUNTER_LOW bits left, then "Rollback counter spent" with Reset and About only', (t) => {
  const rig = deviceRig();
  rig.b.counter.value = rig.b.counter.capacity - (COUNTER_LOW + 2); // a long life behind it, before this wallet
  rig.d.vault.createWallet(DEVICE_PIN, DEVICE_ENTROPY);
  rig.reboot();
  t.is(rig.d.vault.counterRemaining, COUNTER_LOW + 1);
  t.is(rig.d.screen.id, 'locked');
  t.notRegex(rig.text(), /Rollback counter/, 'no warning while more than COUNTER_LOW bits are left');
  rig.unlock();
  t.is(rig.d.screen.id, 'unlocked');
  t.regex(rig.text(), new RegExp(`Rollback counter: ${COUNTER_LOW} PIN entries left`));
  rig.press('a'); // Lock
  t.is(rig.d.screen.id, 'locked');
  t.regex(rig.text(), new RegExp(`${COUNTER_LOW} PIN entries left on this device`));
  while (rig.d.vault.counterRemaining > 1) {
    t.like(rig.d.vault.unlock(DEVICE_PIN), { ok: true });
    rig.d.vault.lock();
  }
  rig.d.returnHome();
  t.regex(rig.text(), /1 PIN entry left/);
  rig.unlock(); // the last bit
  t.is(rig.d.screen.id, 'unlocked', 'the entry that burned the last bit opens as usual');
  t.regex(rig.text(), /once locked, this device takes no PIN/);
  rig.press('a'); // Lock
  t.is(rig.d.screen.id, 'counter-spent');
  t.is(rig.d.state, 'locked');
  t.regex(rig.text(), /takes no PIN/);
  t.regex(rig.text(), /restore your wallet from its recovery words on another device/);
  t.deepEqual(rig.d.screen.buttons, { a: 'Reset', b: null, c: 'About' });
  rig.press('b');
  t.is(rig.d.screen.id, 'counter-spent', 'B (Unlock elsewhere) does nothing here');
  t.is(rig.reboot().screen.id, 'counter-spent');
  t.throws(() => rig.d.vault.unlock(DEVICE_PIN), { code: 'counter-spent' });
  // Reset still erases (no PIN on the device, as from the locked screen); the blank device says the same
  rig.press('a');
  t.is(rig.d.screen.id, 'reset-confirm-1');
  rig.waitArmed();
  rig.press('c');
  rig.decide('c');
  t.false(rig.d.vault.hasWallet);
  t.is(rig.d.screen.id, 'reset-done');
  rig.press('b'); // OK
  t.is(rig.d.screen.id, 'counter-spent');
  t.regex(rig.text(), /Set up your wallet on another device/);
  t.is(rig.d.screen.buttons.b, null, 'no Set up');
});

test('the app hears counter-spent, not "unlock it", from a method that needs the wallet', (t) => {
  t.deepEqual(walletClosed({ hasWallet: true, isUnlocked: false, counterSpent: true })?.error.code, 'counter-spent');
  t.deepEqual(walletClosed({ hasWallet: false, isUnlocked: false, counterSpent: true })?.error.code, 'counter-spent');
  t.deepEqual(walletClosed({ hasWallet: true, isUnlocked: false, counterSpent: false })?.error.code, 'locked');
  t.is(walletClosed({ hasWallet: true, isUnlocked: true, counterSpent: true }), undefined, 'an open wallet works until it locks');
});

/** A vault booted on `image` with a counter standing at `counter` of `capacity`. */
function boot(image: Uint8Array, counter: number, capacity: number) {
  const flash = new NorFlash({ size: image.length, sectorSize: SECTOR, random: seededRandom(7) });
  flash.bytes.set(image);
  const c = memoryCounter(capacity);
  c.value = counter;
  return vaultRig({ pinIterations: 2, counter: c }, 3, flash);
}

/**
 * A device with a wallet, 40 bits short of its counter, an app bound to it, then unlocked until the last bit is
 * burned (each unlock one bit): it is left open by that last unlock. `beforeBind` runs on the unlocked device first.
 */
function spentWithBoundApp(t: ExecutionContext, name: string, beforeBind: (rig: DeviceRig) => void = () => {}) {
  const rig = deviceRig();
  rig.b.counter.value = rig.b.counter.capacity - 40;
  rig.d.vault.createWallet(DEVICE_PIN, DEVICE_ENTROPY);
  rig.reboot();
  rig.unlock();
  beforeBind(rig);
  const app = bindApp(rig, name, 'Phone');
  while (rig.d.vault.counterRemaining > 0) {
    rig.d.vault.lock();
    t.like(rig.d.vault.unlock(DEVICE_PIN), { ok: true });
  }
  return { rig, app };
}

test('through the link: a bound app asking for an address hears counter-spent once the device takes no PIN', (t) => {
  const { rig, app } = spentWithBoundApp(t, 'spent-app');
  rig.d.vault.lock();
  const r = app.call('eth_get_xpub');
  t.is(r.error?.code, 'counter-spent', JSON.stringify(r));
  t.regex(r.error.message, /recovery words/);
});

test('an app\'s factory reset on a spent device with a wallet is refused at once with counter-spent; the device\'s own Reset still erases', (t) => {
  const { rig, app } = spentWithBoundApp(t, 'spent-reset', (r) => r.d.vault.setPreferences({ ...r.d.vault.preferences, autoLockMinutes: 30 }));
  rig.d.returnHome();
  // still open (the last bit opened it), but the PIN an app's reset needs could not be taken any more
  t.is(rig.d.screen.id, 'unlocked');
  const open = app.ask('request_factory_reset') as any[];
  t.is(open.length, 1, 'an answer at once, no confirm-on-device notice to wait on');
  t.is(open[0].error?.code, 'counter-spent', JSON.stringify(open));
  t.regex(open[0].error.message, /press Reset on the device/);
  t.is(rig.d.screen.id, 'unlocked', 'no confirmation that would end on an error');
  rig.d.vault.lock();
  rig.d.returnHome();
  t.is(rig.d.screen.id, 'counter-spent');
  const locked = app.ask('request_factory_reset') as any[];
  t.like(locked, [{ error: { code: 'counter-spent' } }]);
  t.is(rig.d.screen.id, 'counter-spent');
  t.true(rig.d.vault.hasWallet, 'nothing erased by the app');
  t.like(app.call('ping'), { result: { pong: true } }, 'the session goes on: nothing left in flight');
  // the owner, at the device, resets without a PIN
  rig.press('a');
  t.is(rig.d.screen.id, 'reset-confirm-1');
  rig.waitArmed();
  rig.press('c');
  rig.decide('c');
  t.is(rig.d.screen.id, 'reset-done');
  t.false(rig.d.vault.hasWallet);
});

test('get_info tells the bound app the rollback counter: tens while plenty, exact once low, spent at the end', (t) => {
  const rig = deviceRig();
  rig.b.counter.value = rig.b.counter.capacity - (COUNTER_LOW + 16); // wallet, unlock, preferences, binding: 4 bits
  rig.d.vault.createWallet(DEVICE_PIN, DEVICE_ENTROPY);
  rig.reboot();
  rig.unlock();
  rig.d.vault.setPreferences({ ...rig.d.vault.preferences, autoLockMinutes: 30 });
  const app = bindApp(rig, 'counter-info', 'Phone');
  const counter = () => app.call('get_info').result.rollbackCounter;
  const left = rig.d.vault.counterRemaining;
  t.is(left, COUNTER_LOW + 12);
  const before = counter();
  t.deepEqual(before, { counted: true, spent: false, low: false, bitsLeft: Math.floor(left / 10) * 10 });
  rig.d.vault.lock();
  t.like(rig.d.vault.unlock(DEVICE_PIN), { ok: true });
  t.is(rig.d.vault.counterRemaining, left - 1);
  t.deepEqual(counter(), before, 'one unlock does not show while bits are plenty (32 and 31 both read 30)');
  while (rig.d.vault.counterRemaining > COUNTER_LOW) {
    rig.d.vault.lock();
    rig.d.vault.unlock(DEVICE_PIN);
  }
  t.deepEqual(counter(), { counted: true, spent: false, low: true, bitsLeft: COUNTER_LOW });
  rig.d.vault.lock();
  rig.d.vault.unlock(DEVICE_PIN);
  t.is(counter().bitsLeft, COUNTER_LOW - 1, 'exact once low: the owner plans the move with it');
  while (rig.d.vault.counterRemaining > 0) {
    rig.d.vault.lock();
    rig.d.vault.unlock(DEVICE_PIN);
  }
  rig.d.vault.lock();
  const info = app.call('get_info').result;
  t.is(info.state, 'locked');
  t.deepEqual(info.rollbackCounter, { counted: true, spent: true, low: true, bitsLeft: 0 });
});

test('get_info on a board without a counter says so, with no bit count', (t) => {
  const rig = deviceRig();
  Object.assign(rig.b.counter, { capacity: 0 }); // a release CoreS3, or an ESP32 with the 3/4 coding scheme
  rig.reboot().vault.createWallet(DEVICE_PIN, DEVICE_ENTROPY);
  rig.reboot();
  rig.unlock();
  t.false(rig.d.vault.head.counted);
  const app = bindApp(rig, 'no-counter', 'Phone');
  t.deepEqual(app.call('get_info').result.rollbackCounter, { counted: false, spent: false, low: false });
});
