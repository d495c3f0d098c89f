// Issue 16, played by its attacker on both engines: he holds the device and knows the PIN, sometimes with the
// bound phone, never the owner's authenticator. The holes around codes, freezes, binding and time: his own
// verification codes and a PIN-only way out of a freeze (1), binding his own app past the owner (4), the
// authenticator holding the guard's secret and the world time moved at will (6), the app's clock moved while the
// owner types a code (8). Each test failed on the code before the fix and passes after.
import test from 'ava';
import { base32nopad } from '@scure/base';
import { totp, otpauthUri } from '../../modules/guard/otp.js';
import { parsePolicy } from '../../modules/guard/policy.js';
import { decodeMs } from '../../modules/vault/device-clock.js';
import { Kind } from '../../modules/protocol/messages.js';
import { AppPeer } from './support/app-peer.js';
import { deviceRig, enrolCodes, menuItem, PIN, setPolicy, walletWithApp, type DeviceRig } from './support/device-rig.js';

const ETH = 10n ** 18n;
const T0 = 1_800_000_000;
const HOUR = 3_600_000;
const LIMIT = { rules: [{ asset: 'eth:1', daily: (ETH / 10n).toString() }] };

/** Back to the home screen (OK on messages, hold B on the menu). */
function home(rig: DeviceRig): void {
  for (let i = 0; i < 5 && !['unlocked', 'locked'].includes(rig.d.screen.id); i++) rig.press('b', rig.d.screen.id === 'menu');
}

function ready(policy?: unknown) {
  const { rig, app } = walletWithApp('owner-app', 'Alice phone', T0);
  app.call('ping'); // the device learns the time
  if (policy) setPolicy(rig, app, policy);
  home(rig);
  app.collect();
  return { rig, app };
}

/** Device time passes with the device on (the guard's tick runs every 100 ms; a coarse tick here is enough). */
function hours(rig: DeviceRig, h: number): void {
  for (let i = 0; i < h; i++) {
    rig.b.advance(HOUR);
    rig.b.tick();
  }
}

/** The text the LCD last drew (what the owner sees, not only the screen's description). */
const drawn = (rig: DeviceRig) => rig.b.canvas.frames.at(-1)!.filter((c) => c[0] === 'text').map((c) => c[1]).join(' | ');

const notices = (app: AppPeer) => (app.decode(app.collect()) as any[]).filter((r) => r.notify !== undefined);

test('item 1: on a device with limits and no codes, his own codes wait 24 hours, announced; so does "Remove all"; both listed on the LCD, cancelled there and from the app', (t) => {
  const { rig, app } = ready(LIMIT);
  const secret = enrolCodes(rig, 'codes-enrol-pending');
  t.false(rig.d.guard.codes.enrolled, 'his codes are not on');
  const heard = notices(app);
  const setup = heard.find((n) => n.notify === 'change-pending' && n.data.kind === 'codes-on');
  t.like(setup?.data, { text: 'Set up verification codes (a new authenticator)', inMs: 24 * HOUR });
  t.false(JSON.stringify(setup).includes(base32nopad.encode(secret).slice(0, 8)), 'the notice carries no secret');
  // without codes in force, "Remove all" on the device only starts a wait: no code is asked for
  menuItem(rig, 'Spending limits');
  rig.press('c');
  rig.readReview(40);
  rig.decide('c');
  t.is(rig.d.screen.id, 'policy-pending');
  rig.press('b');
  t.deepEqual(app.call('pending_list').result.changes.map((c: any) => c.kind), ['codes-on', 'policy']);
  // both are on the device too (Menu > Pending changes, and a count on the home screen), and cancellable there
  t.is(rig.d.screen.id, 'unlocked');
  t.regex(drawn(rig), /2 changes pending: Menu > Pending changes/);
  menuItem(rig, 'Pending changes (2)');
  t.regex(drawn(rig), /Pending changes \(2\).*> Set up verification codes \(a new authenticator\) \|\s+takes effect in 24 h.*Looser spending limits:|Remove every spending limit/);
  rig.press('c', true);
  t.is(rig.d.screen.id, 'pending-cancelled');
  t.like(notices(app).find((n) => n.notify === 'change-cancelled')?.data, { kind: 'codes-on', by: 'device' });
  const answers = app.ask('pending_cancel') as any[];
  t.is(answers.find((r) => r.id !== undefined).result.cancelled.length, 1, 'the app cancels the other');
  t.true(answers.some((n) => n.notify === 'change-cancelled' && n.data.kind === 'policy' && n.data.by === 'app'));
  hours(rig, 30);
  t.false(rig.d.guard.codes.enrolled);
  t.is(rig.d.guard.policy.rules.length, 1, 'the limit stands');
});

test('item 1: with the owner\'s codes, frozen: "Lost it" is refused, a removal asked before the freeze stands still, the PIN alone does not unfreeze', (t) => {
  const { rig, app } = ready();
  const secret = enrolCodes(rig);
  setPolicy(rig, app, LIMIT);
  home(rig);
  // the thief asks for the removal (PIN only) ...
  menuItem(rig, 'Verification codes');
  rig.press('c');
  rig.enterPin(PIN);
  t.is(rig.d.screen.id, 'codes-removal-pending');
  rig.press('b');
  hours(rig, 2);
  // ... the owner's app sees it and freezes: the wait stands still while frozen
  app.connect();
  app.openSession();
  app.call('freeze');
  hours(rig, 48);
  rig.reboot();
  t.true(rig.d.guard.codes.enrolled, 'no removal while frozen');
  t.is(app.call('otp_status').error?.code, undefined);
  rig.unlock();
  app.connect();
  app.openSession();
  const status = app.call('otp_status').result;
  t.is(status.removalInMs, 22 * HOUR, 'paused: the 22 hours left at the freeze are still left');
  t.deepEqual(app.call('pending_list').result.changes.map((c: any) => [c.kind, c.paused]), [['codes-off', true]]);
  t.true(app.call('otp_cancel_removal').result.cancelled);
  // while frozen, neither "Lost it" nor a change of codes is possible
  menuItem(rig, 'Verification codes');
  rig.press('c');
  t.is(rig.d.screen.id, 'codes-frozen');
  rig.press('b');
  menuItem(rig, 'Verification codes');
  rig.press('b');
  t.is(rig.d.screen.id, 'codes-frozen');
  rig.press('b');
  rig.press('b', true);
  // unfreezing needs the owner's code after the PIN; a wrong one leaves it frozen
  rig.press('c');
  rig.enterPin(PIN);
  t.is(rig.d.screen.id, 'unfreeze-code');
  const right = totp(secret, rig.d.guard.world.now()!);
  rig.enterPin(right === '000000' ? '111111' : '000000');
  t.true(rig.d.guard.freeze.frozen);
});

test('item 1: without codes the PIN alone unfreezes only after 24 hours, announced; the owner\'s app refuses it; his own codes cannot be set up while frozen', (t) => {
  const { rig, app } = ready(LIMIT);
  app.call('freeze');
  rig.unlock();
  menuItem(rig, 'Verification codes');
  t.is(rig.d.screen.id, 'codes-frozen', 'no codes of his own while frozen');
  rig.press('b');
  rig.press('b', true);
  const requestUnfreeze = () => {
    t.is(rig.d.screen.buttons.c, 'Unfreeze');
    rig.press('c');
    rig.enterPin(PIN);
    t.is(rig.d.screen.id, 'unfreeze-requested');
    rig.press('b');
  };
  requestUnfreeze();
  t.true(rig.d.guard.freeze.frozen);
  app.connect();
  app.openSession();
  const pending = app.call('pending_list').result.changes;
  t.like(pending[0], { kind: 'unfreeze', text: 'Unfreeze with the PIN alone', inMs: 24 * HOUR });
  t.deepEqual(app.call('pending_cancel', { id: pending[0].id }).result, { cancelled: [pending[0].id] });
  hours(rig, 30);
  t.true(rig.d.guard.freeze.frozen, 'refused by the app: still frozen');
  // the app's freeze on a frozen device also says "stay frozen"
  rig.unlock();
  requestUnfreeze();
  app.connect();
  app.openSession();
  app.call('freeze');
  t.deepEqual(app.call('pending_list').result.changes, []);
  // nobody refuses: after the stated wait it unfreezes, and the log says why
  rig.unlock();
  requestUnfreeze();
  hours(rig, 23);
  t.true(rig.d.guard.freeze.frozen);
  hours(rig, 1);
  t.false(rig.d.guard.freeze.frozen);
  t.like(rig.d.events.latest(3).find((e) => e.kind === 'unfrozen')?.details, { after: 'the 24 h wait' });
});

test('item 4: with codes enrolled, a PIN holder binding his own app needs a verification code after Allow: a wrong one binds nothing', (t) => {
  const { rig, app } = ready();
  const secret = enrolCodes(rig);
  const thief = new AppPeer(rig.b, 247, 'thief');
  thief.connect();
  thief.bindUntilAllow(rig.d, 'Thief phone'); // the code is on the screen he holds
  t.is(rig.d.screen.id, 'bind-allow');
  const allow = rig.text();
  rig.decide('c');
  t.is(rig.d.screen.id, 'bind-verify');
  t.regex(allow, /Next: a verification code/);
  t.deepEqual(thief.collect(), [], 'not bound yet');
  const right = totp(secret, rig.d.guard.world.now()!);
  rig.enterPin(right === '000000' ? '111111' : '000000');
  const refusal = thief.collect().find((r) => r.error)!;
  t.regex(refusal.error?.message ?? '', /^the verification code was not accepted on the device: That code is not right\./);
  t.is(rig.d.vault.appBinding()?.label, 'Alice phone');
  rig.press('b');
  // the owner's second phone, with the owner's code: bound. After a reboot the device knows no time; the new app's
  // confirmation brings it, so the code can be checked before any session exists
  rig.b.advance(30_000);
  rig.reboot();
  rig.unlock();
  t.is(rig.d.guard.world.now(), undefined);
  const phone = new AppPeer(rig.b, 247, 'second-phone');
  phone.time = T0 + 60;
  phone.connect();
  phone.bindUntilAllow(rig.d, 'Second phone');
  rig.decide('c');
  t.is(rig.d.screen.id, 'bind-verify');
  rig.enterPin(totp(secret, T0 + 60));
  t.deepEqual(phone.collect().filter((r) => r.kind === Kind.bindResult).map((r) => r.body[0]), [0]);
  t.is(rig.d.screen.id, 'bound');
  void app;
});

test('item 4: with limits and no codes, a new app (binding code or backup code) is bound only after 24 hours, announced; the owner\'s app refuses it', (t) => {
  const { rig, app } = ready(LIMIT);
  const thief = new AppPeer(rig.b, 247, 'thief');
  thief.connect();
  thief.bindUntilAllow(rig.d, 'Thief phone');
  t.regex(rig.text(), /it is bound after 24 h of device time, and the bound app can refuse it/);
  rig.decide('c');
  const result = thief.collect().find((r) => r.kind === Kind.bindResult)!;
  t.deepEqual([result.kind, result.body[0], decodeMs(result.body, 1)], [Kind.bindResult, 2, 24 * HOUR]);
  t.is(rig.d.screen.id, 'bind-pending');
  rig.press('b');
  t.is(rig.d.vault.appBinding()?.label, 'Alice phone', 'the owner\'s app is still the one bound');
  const second = new AppPeer(rig.b, 247, 'thief-2');
  second.connect();
  t.regex(second.requestBind('Thief two')[0].error?.message ?? '', /another new app's binding is already waiting/);
  app.connect();
  app.openSession();
  const [change] = app.call('pending_list').result.changes;
  t.like(change, { kind: 'bind', app: 'Thief phone', how: 'binding code' });
  app.call('pending_cancel', { id: change.id });
  hours(rig, 30);
  t.is(rig.d.vault.appBinding()?.label, 'Alice phone');
  // unrefused, it binds after the stated wait, and the log says so
  rig.unlock();
  thief.connect();
  thief.collect(); // what the owner's app heard meanwhile went over the same link
  thief.bindUntilAllow(rig.d, 'Thief phone');
  rig.decide('c');
  rig.press('b');
  hours(rig, 24);
  t.is(rig.d.vault.appBinding()?.label, 'Thief phone');
  t.like(rig.d.events.latest(5).find((e) => e.kind === 'app-replaced')?.details, { app: 'Thief phone', replaced: 'Alice phone', after: 'the 24 h wait' });
});

test('item 4: a first app on a device that holds a wallet and limits follows the same rule: it waits', (t) => {
  const rig = deviceRig({ wallet: true, unlocked: true });
  rig.d.guard.apply(parsePolicy(LIMIT)); // limits kept from before the app was lost
  const app = new AppPeer(rig.b, 247, 'first');
  app.connect();
  app.bindUntilAllow(rig.d, 'First phone');
  rig.decide('c');
  t.is(app.collect().find((r) => r.kind === Kind.bindResult)?.body[0], 2, 'pending');
  t.is(rig.d.vault.appBinding(), undefined);
  rig.press('b');
  hours(rig, 24);
  t.is(rig.d.vault.appBinding()?.label, 'First phone');
});

test('item 6: the authenticator refuses the guard\'s own secret, whatever digest, period, digit count or zero padding it comes with', (t) => {
  const { rig, app } = ready();
  const secret = enrolCodes(rig);
  const b32 = (s: Uint8Array) => base32nopad.encode(s);
  const padded = new Uint8Array(secret.length + 3);
  padded.set(secret);
  const uris = [
    otpauthUri(secret, 'me'),
    `otpauth://totp/Bank:me?secret=${b32(secret)}&algorithm=SHA256&period=60`,
    `otpauth://totp/Mail:me?secret=${b32(secret)}&digits=8&algorithm=SHA512`,
    `otpauth://hotp/Other:me?secret=${b32(secret)}&counter=5`,
    `otpauth://totp/Zero:me?secret=${b32(padded)}`,
  ];
  for (const uri of uris) {
    const r = app.call('authenticator_add', { uri });
    t.regex(r.error?.message ?? '', /that is the secret of this device's own verification codes/, uri.slice(0, 40));
  }
  t.not(rig.d.screen.id, 'authenticator-add', 'nothing was put before the owner');
  // and a secret waiting to be set up is refused too
  const other = ready(LIMIT);
  const waiting = enrolCodes(other.rig, 'codes-enrol-pending');
  t.regex(other.app.call('authenticator_add', { uri: otpauthUri(waiting, 'me') }).error?.message ?? '', /own verification codes/);
});

test('item 6: within one power-on the world time moves only with the device clock; the first claim after a boot is an event; the code screen shows its date', (t) => {
  const { rig, app } = ready();
  app.time = T0 + 86_400; // tomorrow
  app.call('ping');
  t.true(Math.abs(rig.d.guard.world.now()! - T0) < 5, 'refused: the time did not move');
  t.like(rig.d.events.latest(10).find((e) => e.kind === 'world-time-set')?.details, { utc: '2027-01-15 08:00:00 UTC', from: 'the bound app' });
  t.like(rig.d.events.latest(1)[0], { kind: 'world-time-refused', details: { claimed: '2027-01-16 08:00:00 UTC' } });
  app.time = T0 + 100; // a phone syncing its clock: within two minutes
  app.call('ping');
  t.true(Math.abs(rig.d.guard.world.now()! - (T0 + 100)) < 1);
  app.time = T0 + 200; // creeping two minutes at a time is refused too: the bound is the boot's first claim
  app.call('ping');
  t.true(rig.d.guard.world.now()! < T0 + 110);
  // an account's code shows the date and time it is for
  app.time = T0 + 100;
  app.ask('authenticator_add', { uri: 'otpauth://totp/Exchange:alice?secret=JBSWY3DPEHPK3PXP&issuer=Exchange' });
  rig.decide('c');
  t.true(app.answer().result.added);
  menuItem(rig, 'Authenticator');
  rig.press('b');
  t.is(rig.d.screen.id, 'authenticator-code');
  t.regex(drawn(rig), /For 2027-01-15 08:01:4\d UTC/);
  // after a reboot the first claim is taken, and recorded for the owner to see
  rig.reboot();
  rig.unlock();
  app.connect();
  app.openSession();
  app.time = T0 + 86_400;
  app.call('ping');
  t.like(rig.d.events.latest(3).find((e) => e.kind === 'world-time-set')?.details, { utc: '2027-01-16 08:00:00 UTC' });
});

test('item 8: a code is checked at the time fixed when its entry opened: the app moving its clock meanwhile does not spoil the owner\'s right code', (t) => {
  const { rig, app } = ready();
  const secret = enrolCodes(rig);
  setPolicy(rig, app, LIMIT);
  rig.b.advance(60_000);
  app.time = T0 + 60;
  app.ask('policy_set', { policy: { rules: [{ asset: 'eth:1', daily: ETH.toString() }] } });
  rig.readReview(40);
  rig.decide('c');
  t.is(rig.d.screen.id, 'policy-code');
  const opened = rig.d.guard.world.now()!;
  app.time = T0 + 60 + 115; // the app moves its clock while the owner types (within the two minutes it may)
  app.ask('ping');
  t.true(rig.d.guard.world.now()! - opened > 100, 'the app did move the world time');
  rig.enterPin(totp(secret, opened));
  t.deepEqual(app.answer().result, { status: 'applied' });
  t.is(rig.d.guard.codes.waitMs, 0);
});
