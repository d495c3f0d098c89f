import test from 'ava';
import { utf8Encode } from '../../modules/bytes.js';
import { LatchError } from '../../modules/errors.js';
import { RecordKey } from '../../modules/vault/records.js';
import { MAX_PIN_ATTEMPTS, MIN_PIN_ITERATIONS, calibratePinIterations, pinDelayMs } from '../../modules/vault/vault.js';
import { open, seal } from '../../modules/vault/seal.js';
import { PowerCutError } from '../../hosts/sim/nor-flash.js';
import { contains, onlyTheClockRemains, vaultRig } from './support/vault-rig.js';

const ENTROPY = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);

test('create, lock, reboot locked, unlock with the right PIN, read the seed back', (t) => {
  const rig = vaultRig();
  t.false(rig.vault.hasWallet);
  rig.vault.createWallet('123456', ENTROPY);
  t.true(rig.vault.isUnlocked);
  t.deepEqual(rig.vault.seedEntropy(), ENTROPY);
  const v = rig.reboot();
  t.true(v.hasWallet);
  t.false(v.isUnlocked);
  t.throws(() => v.seedEntropy(), { code: 'locked' });
  t.deepEqual(v.unlock('123456'), { ok: true });
  t.deepEqual(v.seedEntropy(), ENTROPY);
  t.is(v.pinFailures, 0);
  t.false(contains(rig.flash.bytes, ENTROPY), 'the entropy is only stored sealed');
  t.false(contains(rig.flash.bytes, utf8Encode('123456')), 'the PIN is never stored');
});

test('a wrong PIN counts, is delayed after the 4th failure, and a right one resets the counter', (t) => {
  const rig = vaultRig();
  rig.vault.createWallet('123456', ENTROPY);
  rig.vault.lock();
  for (let i = 1; i <= 3; i++) t.like(rig.vault.unlock('000000'), { ok: false, reason: 'wrong-pin', failures: i, remaining: 10 - i, delayMs: 0 });
  t.like(rig.vault.unlock('000000'), { ok: false, reason: 'wrong-pin', failures: 4, delayMs: 2000 });
  t.like(rig.vault.unlock('123456'), { ok: false, reason: 'wait', waitMs: 2000 }, 'even the right PIN waits');
  t.is(rig.vault.pinFailures, 4, 'a refused attempt does not count');
  rig.clock.advance(2000);
  t.deepEqual(rig.vault.unlock('123456'), { ok: true });
  t.is(rig.vault.pinFailures, 0);
  t.deepEqual([4, 5, 9].map(pinDelayMs), [2000, 4000, 64000]);
});

test('the delay survives a reboot, counted from boot', (t) => {
  const rig = vaultRig();
  rig.vault.createWallet('123456', ENTROPY);
  rig.vault.lock();
  for (let i = 0; i < 5; i++) {
    rig.vault.unlock('000000');
    rig.clock.advance(pinDelayMs(i + 1));
  }
  const v = rig.reboot();
  t.is(v.pinFailures, 5);
  t.is(v.waitMs, 4000);
  t.like(v.unlock('123456'), { ok: false, reason: 'wait' });
});

test('10 wrong PINs wipe the vault: only the device clock remains, no trace of the secrets', (t) => {
  const rig = vaultRig();
  rig.vault.createWallet('123456', ENTROPY);
  rig.vault.setBindingCode('ABCD2345');
  rig.vault.lock();
  let last;
  for (let i = 1; i <= MAX_PIN_ATTEMPTS; i++) {
    rig.clock.advance(pinDelayMs(i - 1));
    last = rig.vault.unlock('999999');
  }
  t.deepEqual(last, { ok: false, reason: 'wiped' });
  t.false(rig.vault.hasWallet);
  t.true(onlyTheClockRemains(rig.flash.bytes));
  t.is(rig.reboot().deviceId, undefined);
});

test('a counter already at the limit at boot wipes before anything else', (t) => {
  const rig = vaultRig();
  rig.vault.createWallet('123456', ENTROPY);
  rig.vault.head.commit([], { bump: false, failures: MAX_PIN_ATTEMPTS }); // as left by a cut before the wipe
  const report = rig.vault.open();
  t.is(report.wiped, 'too-many-pins');
  t.false(rig.vault.hasWallet);
});

test('factory reset erases everything, makes a new identity on next use', (t) => {
  const rig = vaultRig();
  const id = rig.vault.ensureIdentity();
  rig.vault.createWallet('12345678', ENTROPY);
  rig.vault.setBindingCode('ZZ23ABCD');
  const key = rig.vault.staticPrivateKey();
  rig.vault.wipe();
  t.true(onlyTheClockRemains(rig.flash.bytes));
  t.false(contains(rig.flash.bytes, key));
  const v = rig.reboot();
  t.is(v.deviceId, undefined);
  t.is(v.bindingCode(), undefined);
  t.not(v.ensureIdentity(), id);
});

test('a reset cut by power at any write or erase is finished at the next boot', (t) => {
  const base = vaultRig();
  base.vault.createWallet('123456', ENTROPY);
  base.vault.setBindingCode('ABCD2345');
  const image = base.flash.bytes.slice();
  const start = base.flash.operations;
  base.vault.wipe();
  const n = base.flash.operations - start;
  t.true(n > 16);
  for (let cut = 1; cut <= n; cut++) {
    const rig = vaultRig();
    rig.flash.bytes.set(image);
    rig.reboot();
    rig.flash.armPowerCut(cut);
    t.throws(() => rig.vault.wipe(), { instanceOf: PowerCutError });
    rig.flash.powerOn();
    const v = rig.reboot();
    if (cut === 1 && v.hasWallet) {
      // The cut tore the wipe marker itself: the reset never began, and everything is as before.
      t.is(v.bindingCode(), 'ABCD2345');
      t.deepEqual(v.unlock('123456'), { ok: true });
      t.deepEqual(v.seedEntropy(), ENTROPY);
      continue;
    }
    t.false(v.hasWallet, `cut ${cut}`);
    t.is(v.bindingCode(), undefined, `cut ${cut}`);
    t.true(onlyTheClockRemains(rig.flash.bytes), `cut ${cut}: flash not erased`);
  }
});

test('sealed values are bound to their record key', (t) => {
  const key = new Uint8Array(32).fill(7);
  const sealed = seal(key, RecordKey.seed, Uint8Array.of(1, 2, 3), new Uint8Array(12));
  t.deepEqual(open(key, RecordKey.seed, sealed), Uint8Array.of(1, 2, 3));
  t.is((t.throws(() => open(key, RecordKey.bindingCode, sealed)) as LatchError).code, 'record-damaged');
  sealed[20] ^= 1;
  t.throws(() => open(key, RecordKey.seed, sealed), { message: /failed authentication/ });
  t.throws(() => open(key, RecordKey.seed, new Uint8Array(5)), { message: /too short/ });
});

test('unknown record keys are reported and left alone; bad PINs and double setup are refused', (t) => {
  const rig = vaultRig();
  rig.vault.log.set(400, Uint8Array.of(9, 9));
  const report = rig.vault.open();
  t.deepEqual(report.unknownKeys, [400]);
  t.deepEqual(rig.vault.log.get(400), Uint8Array.of(9, 9));
  t.is((t.throws(() => rig.vault.createWallet('12345', ENTROPY)) as LatchError).code, 'bad-pin-format');
  t.is((t.throws(() => rig.vault.createWallet('12345a', ENTROPY)) as LatchError).code, 'bad-pin-format');
  t.is((t.throws(() => rig.vault.createWallet('123456', new Uint8Array(20))) as LatchError).code, 'bad-entropy');
  rig.vault.createWallet('123456', ENTROPY);
  t.is((t.throws(() => rig.vault.createWallet('123456', ENTROPY)) as LatchError).code, 'wallet-exists');
});

test('changing the PIN: the old PIN stops working, the new one opens the seed', (t) => {
  const rig = vaultRig();
  rig.vault.createWallet('111111', ENTROPY);
  rig.vault.changePin('22222222');
  const v = rig.reboot();
  t.like(v.unlock('111111'), { ok: false, reason: 'wrong-pin' });
  t.deepEqual(v.unlock('22222222'), { ok: true });
  t.deepEqual(v.seedEntropy(), ENTROPY);
  v.lock();
  t.is((t.throws(() => v.changePin('33333333')) as LatchError).code, 'locked');
});

test('a seed without its PIN record (setup cut before the commit) is dropped at boot', (t) => {
  const rig = vaultRig();
  rig.vault.ensureIdentity();
  rig.vault.log.set(RecordKey.seed, new Uint8Array(44)); // setup's first write, then the power went
  const report = rig.vault.open();
  t.true(report.droppedIncompleteSetup);
  t.false(rig.vault.hasWallet);
  t.false(rig.vault.log.has(RecordKey.seed));
});

test('PIN iterations are calibrated with the clock and kept in settings', (t) => {
  let now = 0;
  const clock = { now: () => (now += 100) }; // every reading advances 100 ms: 64 iterations "take" 100 ms
  t.is(calibratePinIterations(clock, 1000), MIN_PIN_ITERATIONS, '640 is raised to the floor');
  t.is(calibratePinIterations(clock, 50000), 32000);
  t.is(calibratePinIterations({ now: () => 0 }, 1000), MIN_PIN_ITERATIONS, 'a stopped clock ends the trial');
  const rig = vaultRig({ calibrationTargetMs: 1000 });
  rig.vault.createWallet('123456', ENTROPY);
  const settings = rig.vault.log.get(RecordKey.settings)!;
  t.is(settings[0], 1);
  t.true(calibratePinIterations({ now: () => (now += 100) }, 1000) >= MIN_PIN_ITERATIONS);
  const iterations = ((settings[1] << 24) | (settings[2] << 16) | (settings[3] << 8) | settings[4]) >>> 0;
  t.true(iterations >= MIN_PIN_ITERATIONS);
});

test('a flipped bit in any vault record: a clear error or a clean recovery, never a wrong secret', (t) => {
  const rig = vaultRig();
  rig.vault.createWallet('123456', ENTROPY);
  rig.vault.setBindingCode('ABCD2345');
  const image = rig.flash.bytes.slice();
  // every byte of the first sector's used area, one bit each
  let outcomes = { intact: 0, dropped: 0, error: 0 };
  for (let at = 16; at < 600; at++) {
    const r = vaultRig();
    r.flash.bytes.set(image);
    r.flash.bytes[at] ^= 1 << (at % 8);
    try {
      const v = r.reboot();
      const report = v.open();
      if (v.hasWallet) {
        const result = v.unlock('123456');
        if (result.ok) t.deepEqual(v.seedEntropy(), ENTROPY, `byte ${at}: wrong seed`);
        outcomes.intact++;
      } else outcomes.dropped++;
      const code = v.bindingCode();
      t.true(code === undefined || code === 'ABCD2345', `byte ${at}: binding code read as ${code}`);
      void report;
    } catch (err) {
      t.true(err instanceof LatchError, `byte ${at}: ${(err as Error).message}`);
      outcomes.error++;
    }
  }
  t.log(outcomes);
  t.true(outcomes.intact > 0 && outcomes.dropped + outcomes.error > 0);
});
