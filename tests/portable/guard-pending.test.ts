// Pending changes on their own (both engines): every loosening without a code waits 24 hours of device time in
// one record, announced and cancellable; while frozen the waits stand still and the frozen time is added when the
// device is unfrozen (exactly, even when a power cut falls between the two writes of an unfreeze); only the
// PIN-only unfreeze runs while frozen; one change of each kind; a record that does not open reads as none.
import test from 'ava';
import { parsePolicy } from '../../modules/guard/policy.js';
import { RecordKey } from '../../modules/vault/records.js';
import { DAY_MS } from '../../modules/guard/ledger.js';
import { guardRig, type GuardRig } from './support/guard-rig.js';

const HOUR = 3_600_000;
const LIMIT = parsePolicy({ rules: [{ asset: 'eth:1', daily: '100' }] });
const RAISED = parsePolicy({ rules: [{ asset: 'eth:1', daily: '1000' }] });

function limited(): GuardRig {
  const r = guardRig();
  r.guard.apply(LIMIT);
  return r;
}

test('a loosening waits 24 h; frozen, its wait stands still; unfrozen, the frozen time is added to it', (t) => {
  const r = limited();
  r.guard.schedule({ kind: 'policy', policy: RAISED });
  r.advance(10 * HOUR);
  r.guard.freezeNow('app', 'phone');
  r.advance(30 * HOUR);
  r.guard.tick();
  t.is(r.guard.policy.rules[0].daily, 100n, 'nothing progresses while frozen');
  const c = r.guard.pendingPolicy!;
  t.like(r.guard.describe(c), { inMs: 14 * HOUR, paused: true });
  t.is(r.guard.changes.when(c, r.vault.clock.now(), r.guard.freeze.state!.at), 'paused while frozen (14 h left)');
  r.guard.unfreeze('a code');
  t.like(r.guard.describe(r.guard.pendingPolicy!), { inMs: 14 * HOUR });
  t.is(r.guard.describe(r.guard.pendingPolicy!).paused, undefined);
  r.advance(14 * HOUR - 60_000);
  r.guard.tick();
  t.is(r.guard.policy.rules[0].daily, 100n);
  r.advance(60_000);
  r.guard.tick();
  t.is(r.guard.policy.rules[0].daily, 1000n);
  t.deepEqual(r.notices.slice(-2).map((n) => n.notice), ['policy-changed', 'change-applied']);
});

test('a power cut between the two writes of an unfreeze credits the frozen time once, not twice', (t) => {
  const r = limited();
  r.guard.schedule({ kind: 'policy', policy: RAISED });
  r.advance(4 * HOUR);
  r.guard.freezeNow('owner');
  r.advance(6 * HOUR);
  // the unfreeze's first write (the credit) lands, the second (deleting the freeze) does not
  r.guard.changes.creditFreeze(r.guard.freeze.state!.at, r.vault.clock.now());
  r.reboot();
  t.true(r.guard.freeze.frozen);
  t.like(r.guard.describe(r.guard.pendingPolicy!), { inMs: 20 * HOUR, paused: true });
  r.advance(5 * HOUR);
  r.guard.unfreeze('a code');
  // 4 h of the 24 ran before the freeze; the 11 h frozen (6 before the cut, 5 after) are added once: 20 h left
  t.like(r.guard.describe(r.guard.pendingPolicy!), { inMs: 20 * HOUR });
  r.advance(20 * HOUR);
  r.guard.tick();
  t.is(r.guard.policy.rules[0].daily, 1000n);
});

test('only the PIN-only unfreeze runs while frozen; the app\'s freeze on a frozen device refuses it; the owner\'s does not', (t) => {
  const r = limited();
  r.guard.schedule({ kind: 'bind', publicKey: new Uint8Array(32).fill(7), label: 'New phone', how: 'binding code' });
  r.guard.freezeNow('app', 'phone');
  r.guard.requestUnfreeze();
  t.is(r.guard.requestUnfreeze().kind, 'unfreeze', 'asking again keeps the one pending');
  r.guard.freezeNow('owner');
  t.truthy(r.guard.changes.get('unfreeze'), 'the owner freezing again changes nothing');
  r.guard.freezeNow('app', 'phone');
  t.is(r.guard.changes.get('unfreeze'), undefined, 'the phone insists: stay frozen');
  t.like(r.notices.at(-1), { notice: 'change-cancelled', data: { kind: 'unfreeze', by: 'app' } });
  r.guard.requestUnfreeze();
  r.advance(DAY_MS);
  r.guard.tick();
  t.false(r.guard.freeze.frozen, 'unfrozen after the wait');
  t.deepEqual(r.bound, [], 'the binding waited the whole freeze out: not yet');
  t.like(r.guard.describe(r.guard.changes.get('bind')!), { inMs: DAY_MS });
  r.advance(DAY_MS);
  r.guard.tick();
  t.deepEqual(r.bound, [{ label: 'New phone', how: 'binding code' }]);
  t.deepEqual(r.guard.changes.list(), []);
});

test('what each change needs: codes set up wait while rules exist, nothing changes while frozen, one of each kind', (t) => {
  const r = guardRig();
  t.is(r.guard.newAppNeeds(), 'nothing');
  t.is(r.guard.setUpCodes(new Uint8Array(20).fill(1), 5), 'enrolled', 'no rules: at once');
  t.is(r.guard.newAppNeeds(), 'code');
  r.guard.removeCodesWithCode();
  r.guard.apply(LIMIT);
  t.is(r.guard.newAppNeeds(), 'wait');
  t.is(r.guard.setUpCodes(new Uint8Array(20).fill(2), 5), 'pending');
  t.false(r.guard.codes.enrolled);
  const notice = r.notices.find((n) => n.notice === 'change-pending' && n.data.kind === 'codes-on')!;
  t.false(JSON.stringify(notice.data).includes('2,2,2'), 'no secret in the notice');
  t.throws(() => r.guard.setUpCodes(new Uint8Array(20).fill(3), 6), { code: 'change-pending' });
  t.true(r.guard.isCodeSecret(Uint8Array.from([...new Uint8Array(20).fill(2), 0, 0])), 'the pending secret, zero-padded');
  t.false(r.guard.isCodeSecret(new Uint8Array(20).fill(3)));
  r.advance(DAY_MS);
  r.guard.tick();
  t.true(r.guard.codes.enrolled);
  t.true(r.guard.codes.isEnrolledSecret(new Uint8Array(20).fill(2)));
  r.guard.freezeNow('owner');
  t.throws(() => r.guard.requestCodeRemoval(), { code: 'frozen' });
  t.throws(() => r.guard.removeCodesWithCode(), { code: 'frozen' });
  t.throws(() => r.guard.replaceCodes(new Uint8Array(20).fill(4), 9), { code: 'frozen' });
  t.throws(() => r.guard.requestUnfreeze(), { code: 'needs-code' });
});

test('the pending record: sealed (no secret in flash), kept across reboots, and one that does not open reads as none', (t) => {
  const r = limited();
  const secret = Uint8Array.from({ length: 20 }, (_, i) => 0xa0 + i);
  r.guard.setUpCodes(secret, 3);
  r.guard.schedule({ kind: 'policy', policy: RAISED });
  const flash = r.b.flash.bytes;
  t.false(flash.some((_, i) => secret.every((x, k) => flash[i + k] === x)), 'the pending secret is not in the clear');
  r.reboot();
  t.deepEqual(r.guard.changes.list().map((c) => [c.id, c.kind]), [[1, 'codes-on'], [2, 'policy']]);
  t.true(r.guard.cancel(1, 'device'));
  t.false(r.guard.cancel(1, 'device'), 'cancelled once');
  r.vault.records.set(RecordKey.pendingChanges, Uint8Array.of(1, 2, 3), 'garbage');
  t.deepEqual(r.guard.changes.list(), [], 'damaged: nothing pending (dropping a loosening only tightens)');
  t.is(r.guard.schedule({ kind: 'codes-off' }).kind, 'codes-off');
});
