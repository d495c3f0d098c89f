// The device clock and what is measured on it: binding lock-outs capped at an hour and not restarted by reboots.
import test from 'ava';
import fc from 'fast-check';
import { BIND_FREE_ATTEMPTS, MAX_BIND_DELAY_MS, bindDelayMs } from '../../modules/vault/vault.js';
import { PERSIST_EVERY_MS, decodeMs, encodeMs } from '../../modules/vault/device-clock.js';
import { vaultRig } from './support/vault-rig.js';

test('the clock counts powered-on time, is written once a minute, and a reboot loses at most a minute', (t) => {
  const rig = vaultRig();
  t.is(rig.vault.clock.now(), 0);
  rig.clock.advance(59_000);
  t.false(rig.vault.clock.persistIfDue());
  rig.clock.advance(1_000);
  t.true(rig.vault.clock.persistIfDue());
  rig.clock.advance(50_000);
  t.is(rig.vault.clock.now(), 110_000);
  const v = rig.reboot(); // uptime keeps running in the rig; the device clock resumes from flash
  t.is(v.clock.now(), PERSIST_EVERY_MS, 'resumes from the last written value: 50 s lost, never more than a minute');
  rig.clock.advance(5_000);
  t.is(v.clock.now(), 65_000);
});

test('the clock never moves back, whatever the uptime does across reboots', (t) => {
  fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 10 * 60_000 }), fc.boolean()), { minLength: 1, maxLength: 25 }), (steps) => {
    const rig = vaultRig();
    let before = rig.vault.clock.now();
    let written = 0;
    for (const [ms, reboot] of steps) {
      rig.clock.advance(ms);
      if (rig.vault.clock.persistIfDue()) written = rig.vault.clock.now();
      const running = rig.vault.clock.now();
      if (running !== before + ms) return false; // counts powered-on time exactly
      if (reboot) rig.reboot();
      const now = rig.vault.clock.now();
      // A reboot resumes from the last written value: never earlier, and at most the unsaved minute is lost.
      if (reboot && (now !== written || running - now >= PERSIST_EVERY_MS)) return false;
      before = now;
    }
    return true;
  }), { numRuns: 60 });
  t.pass();
});

test('u64 time encoding round-trips every safe integer', (t) => {
  fc.assert(fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (ms) => decodeMs(encodeMs(ms)) === ms));
  t.deepEqual(encodeMs(0x0102030405), Uint8Array.of(0, 0, 0, 1, 2, 3, 4, 5));
});

test('binding lock-outs: 30 s after the 5th failure, doubling, never more than an hour', (t) => {
  t.is(bindDelayMs(BIND_FREE_ATTEMPTS - 1), 0);
  t.is(bindDelayMs(5), 30_000);
  t.is(bindDelayMs(6), 60_000);
  t.is(bindDelayMs(11), 1_920_000);
  t.is(bindDelayMs(12), MAX_BIND_DELAY_MS);
  t.is(bindDelayMs(18), MAX_BIND_DELAY_MS, 'the review: 18 wrong codes locked binding for 22 days');
  t.is(bindDelayMs(255), MAX_BIND_DELAY_MS);
});

test('a lock-out is measured on the device clock: a reboot does not restart it, and the owner can clear it', (t) => {
  const rig = vaultRig();
  for (let i = 0; i < 18; i++) rig.vault.countBindAttempt();
  t.is(rig.vault.bindFailures, 18);
  t.is(rig.vault.bindWaitMs, MAX_BIND_DELAY_MS);
  rig.clock.advance(30 * 60_000);
  rig.vault.clock.persistIfDue();
  const v = rig.reboot();
  t.is(v.bindWaitMs, 30 * 60_000, 'half an hour had passed: half an hour is left after the reboot, not a fresh hour');
  rig.clock.advance(30 * 60_000);
  t.is(v.bindWaitMs, 0);
  for (let i = 0; i < 3; i++) v.countBindAttempt();
  t.true(v.bindWaitMs > 0);
  v.clearBindFailures();
  t.is(v.bindFailures, 0);
  t.is(v.bindWaitMs, 0);
  t.is(rig.reboot().bindWaitMs, 0);
});
