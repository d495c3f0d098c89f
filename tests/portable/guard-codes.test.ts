// Verification codes and the freeze on a real vault (both engines), played by an attacker who knows the PIN and
// may hold the phone: replayed, stale, future and wrong codes; an app winding its clock back; the lock-out
// counted before the check and holding across reboots; removal without a code waits 24 hours; a freeze that
// survives reboots and fails closed when its record is damaged.
import test from 'ava';
import { totp } from '../../modules/guard/otp.js';
import { VerificationCodes, codeLockMs, codeProblem } from '../../modules/guard/codes.js';
import { RecordKey } from '../../modules/vault/records.js';
import { guardRig } from './support/guard-rig.js';
import { HealthTestedEntropy } from '../../modules/entropy/health.js';
import { RecordLog } from '../../modules/storage/record-log.js';
import { Vault } from '../../modules/vault/vault.js';

const SECRET = Uint8Array.from({ length: 20 }, (_, i) => i * 7 + 1);
const T0 = 1_800_000_000; // a Unix time the app tells (2027)

function enrolled() {
  const r = guardRig();
  r.guard.world.tell(T0);
  const step = VerificationCodes.matches(SECRET, totp(SECRET, T0), T0)!;
  r.guard.codes.enrol(SECRET, step);
  return r;
}

test('enrolment needs a current code; the secret is sealed, not in the clear', (t) => {
  const r = guardRig();
  t.is(VerificationCodes.matches(SECRET, '000000', T0), totp(SECRET, T0) === '000000' ? Math.floor(T0 / 30) : undefined);
  t.is(VerificationCodes.matches(SECRET, totp(SECRET, T0 - 30), T0), Math.floor(T0 / 30) - 1, 'one step of skew');
  t.is(VerificationCodes.matches(SECRET, totp(SECRET, T0 - 60), T0), undefined, 'two steps: no');
  r.guard.codes.enrol(SECRET, Math.floor(T0 / 30));
  t.true(r.guard.codes.enrolled);
  const flash = r.b.flash.bytes;
  const hex = Array.from(flash, (b) => b.toString(16).padStart(2, '0')).join('');
  t.false(hex.includes(Array.from(SECRET, (b) => b.toString(16).padStart(2, '0')).join('')), 'the secret is not in the flash image');
});

test('a code works once; used, older, future and wrong codes are refused and counted', (t) => {
  const r = enrolled();
  r.advance(30_000);
  t.deepEqual(r.guard.codes.verify(totp(SECRET, T0 + 30)), { ok: true });
  t.like(r.guard.codes.verify(totp(SECRET, T0 + 30)), { ok: false, reason: 'used', failures: 1 });
  t.like(r.guard.codes.verify(totp(SECRET, T0)), { ok: false, reason: 'used', failures: 2 }, 'the enrolment step is spent too');
  t.like(r.guard.codes.verify(totp(SECRET, T0 + 120)), { ok: false, reason: 'wrong' }, 'three steps ahead');
  // a lying app winds the time back to make an old code current: still refused
  r.guard.world.tell(T0);
  t.like(r.guard.codes.verify(totp(SECRET, T0)), { ok: false, reason: 'used' });
  r.guard.world.tell(T0 + 60);
  const right = totp(SECRET, T0 + 60);
  const wrong = `${(Number(right[0]) + 1) % 10}${right.slice(1)}`;
  t.like(r.guard.codes.verify(wrong), { ok: false, reason: 'wrong', failures: 5, lockMs: 5 * 60_000 }, 'the fifth failure locks');
  t.regex(codeProblem({ ok: false, reason: 'wrong', failures: 5, lockMs: 300_000 }), /locked for 5 min/);
});

test('five wrong codes lock entry for a growing time, counted before the check, across reboots', (t) => {
  const r = enrolled();
  for (let i = 1; i <= 4; i++) t.like(r.guard.codes.verify('000001'), { reason: 'wrong', failures: i, lockMs: 0 });
  t.like(r.guard.codes.verify('000002'), { reason: 'wrong', failures: 5, lockMs: 300_000 });
  r.reboot();
  r.guard.world.tell(T0 + 100);
  t.like(r.guard.codes.verify(totp(SECRET, T0 + 100)), { ok: false, reason: 'locked' }, 'even the right code waits');
  r.advance(300_000);
  t.like(r.guard.codes.verify('000003'), { reason: 'wrong', failures: 6, lockMs: 600_000 }, 'doubling');
  t.is(codeLockMs(40), 24 * 3_600_000, 'capped at 24 h');
  r.advance(600_000);
  r.guard.world.tell(T0 + 1000);
  t.deepEqual(r.guard.codes.verify(totp(SECRET, T0 + 1000)), { ok: true });
  t.like(r.guard.codes.verify('000004'), { failures: 1 }, 'a good code resets the count');
});

test('a power cut after the count and before the answer still costs the try', (t) => {
  const r = enrolled();
  // what the device wrote before checking: the counter record already says 1 failure
  const writes: number[] = [];
  const set = r.vault.records.set;
  r.vault.records.set = (key, value, what) => { writes.push(key); set(key, value, what); if (writes.length === 1) throw new Error('power cut'); };
  t.throws(() => r.guard.codes.verify(totp(SECRET, T0 + 30)), { message: 'power cut' });
  r.vault.records.set = set;
  r.reboot();
  t.is(writes[0], RecordKey.otpState);
  t.is(r.vault.records.get(RecordKey.otpState)![9], 1, 'the failure was counted before the check');
});

test('without the time from an app no code is checked; without enrolment nothing is', (t) => {
  const r = enrolled();
  r.reboot(); // the app's time is not kept across a reboot
  t.like(r.guard.codes.verify(totp(SECRET, T0)), { ok: false, reason: 'no-time' });
  t.regex(codeProblem({ ok: false, reason: 'no-time' }), /open the bound app/);
  r.guard.world.tell(12345); // absurd times are ignored
  t.like(r.guard.codes.verify(totp(SECRET, 12345)), { ok: false, reason: 'no-time' });
  r.guard.codes.remove();
  t.like(r.guard.codes.verify('123456'), { ok: false, reason: 'not-enrolled' });
});

test('a lost authenticator: removal waits 24 hours of device time, survives reboots, can be cancelled', (t) => {
  const r = enrolled();
  const c = r.guard.requestCodeRemoval();
  t.is(c.dueAt, r.vault.clock.now() + 24 * 3_600_000);
  t.like(r.notices.at(-1), { notice: 'change-pending', data: { kind: 'codes-off', inMs: 24 * 3_600_000 } });
  r.advance(23 * 3_600_000);
  r.reboot();
  r.guard.tick();
  t.true(r.guard.codes.enrolled);
  t.true(r.guard.cancelKind('codes-off', 'app'));
  t.like(r.notices.at(-1), { notice: 'change-cancelled', data: { kind: 'codes-off', by: 'app' } });
  r.advance(2 * 3_600_000);
  r.guard.tick();
  t.true(r.guard.codes.enrolled, 'cancelled: still enrolled');
  r.guard.requestCodeRemoval();
  r.advance(24 * 3_600_000);
  r.guard.tick();
  t.false(r.guard.codes.enrolled);
  t.true(r.notices.some((n) => n.notice === 'code-removed' && n.data.after === 'the 24 h wait'));
  t.like(r.notices.at(-1), { notice: 'change-applied', data: { kind: 'codes-off' } });
});

test('the freeze: written before anything, kept across reboots, by whom; a damaged record reads as frozen', (t) => {
  const r = guardRig();
  t.is(r.guard.frozenReason, undefined);
  const f = r.guard.freeze.freeze('app', 'Alice phone');
  t.like(f, { by: 'app', label: 'Alice phone' });
  r.reboot();
  t.regex(r.guard.frozenReason!, /^frozen by the app "Alice phone": unfreeze on the device with your PIN \(after 24 h of device time, or at once when the bound app asks for it\)$/);
  t.like(r.guard.freeze.freeze('owner'), { by: 'app' }, 'a second freeze keeps the first');
  r.guard.freeze.unfreeze();
  t.false(r.guard.freeze.frozen);
  r.vault.records.set(RecordKey.freeze, Uint8Array.of(9, 9), 'freeze');
  t.regex(r.guard.frozenReason!, /unreadable freeze record/);
});

/** A fresh boot of the rig's flash as it stands (no clock persisted first: the image is what a clip left). */
function bootAsIs(r: ReturnType<typeof guardRig>) {
  const entropy = new HealthTestedEntropy(r.b.ports.entropy);
  entropy.startup();
  const vault = new Vault(new RecordLog(r.b.ports.flash), entropy, r.b.ports.clock, r.b.ports.chipKey, { pinIterations: 2, counter: r.b.counter });
  vault.open();
  return { vault, codes: new VerificationCodes(vault.records, vault.clock, r.guard.world) };
}

test('the eFuse budget: a code checked right or wrong burns one rollback-counter bit (the answer only loosens)', (t) => {
  const r = enrolled();
  r.advance(30_000);
  let before = r.b.counter.value;
  t.deepEqual(r.guard.codes.verify(totp(SECRET, T0 + 30), T0 + 30), { ok: true });
  t.is(r.b.counter.value - before, 1, 'right: the count before the check, not the answer');
  before = r.b.counter.value;
  t.like(r.guard.codes.verify('000001', T0 + 30), { ok: false, reason: 'wrong', failures: 1 });
  t.is(r.b.counter.value - before, 1, 'wrong: the count');
  r.guard.world.tell(T0 + 30);
  t.deepEqual(r.guard.codes.verify(totp(SECRET, T0 + 60), T0 + 60), { ok: true }, 'after a wrong code, the next step\'s code still works');
});

test('a wrong code gives its window back: the owner\'s right code in the same 30 s still works', (t) => {
  const r = enrolled();
  r.advance(30_000);
  t.like(r.guard.codes.verify('000001', T0 + 30), { ok: false, reason: 'wrong' });
  t.deepEqual(r.guard.codes.verify(totp(SECRET, T0 + 30), T0 + 30), { ok: true });
});

test('a flash clip between the count and the answer: the code the attacker watched is refused as used', (t) => {
  const r = enrolled();
  r.advance(30_000);
  r.reboot();
  const before = r.b.flash.bytes.slice(); // the image before the check: older than the counter once it is counted
  let counted: Uint8Array | undefined;
  const set = r.vault.records.set;
  r.vault.records.set = (key, value, what, options) => {
    set(key, value, what, options);
    if (key === RecordKey.otpState && !counted) counted = r.b.flash.bytes.slice();
  };
  const code = totp(SECRET, T0 + 30);
  t.deepEqual(r.guard.codes.verify(code, T0 + 30), { ok: true }, 'the owner uses the code; the attacker watches');
  r.vault.records.set = set;
  r.b.flash.bytes.set(counted!); // power off, program back the image read between the count and the answer
  const a = bootAsIs(r);
  t.is(a.vault.storage, 'ok', 'the image is as new as the counter: the device cannot tell it');
  t.like(a.codes.verify(code, T0 + 30), { ok: false, reason: 'used' }, 'but the watched code is spent in it');
  t.like(a.codes.verify(totp(SECRET, T0 + 60), T0 + 60), { ok: false, reason: 'used' }, 'and so is the next step (within the window)');
  r.b.flash.bytes.set(before);
  t.is(bootAsIs(r).vault.storage, 'tampered', 'the image from before the count is older than the counter');
});
