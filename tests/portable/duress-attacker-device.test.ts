// The duress PIN attacked through the whole device (both engines) by whoever forces the owner to unlock: he binds
// his own app in duress mode (the owner, forced, gives the verification code), or "sets a duress PIN" on the
// decoy; each test fails if the attack works (the owner's alarm path cut, real events read, a tell on the screen).
import test from 'ava';
import { decodeEvent } from '../../modules/guard/event-format.js';
import { totp } from '../../modules/guard/otp.js';
import { AppPeer } from './support/app-peer.js';
import { enrolCodes, menuItem, PIN, walletWithApp, type DeviceRig } from './support/device-rig.js';

const DURESS = '654321';
const T0 = 1_800_000_000;

function home(rig: DeviceRig): void {
  for (let i = 0; i < 5 && rig.d.screen.id !== 'unlocked'; i++) {
    rig.waitArmed();
    if (rig.d.screen.id === 'menu') rig.press('b', true);
    else rig.press(rig.d.screen.buttons.a === 'Back' ? 'a' : 'b');
  }
  if (rig.d.screen.id !== 'unlocked') throw new Error(`not home: ${rig.d.screen.id}: ${rig.text()}`);
}

/** Menu > Duress PIN > Set with `current`, the new PIN twice; the screen it ends on. */
function setDuress(rig: DeviceRig, pin: string, current: string): string {
  menuItem(rig, 'Duress PIN');
  if (rig.d.screen.id !== 'duress-intro') throw new Error(`expected duress-intro, got ${rig.d.screen.id}: ${rig.text()}`);
  rig.press('c');
  rig.enterPin(current);
  rig.enterPin(pin);
  rig.enterPin(pin);
  if ((rig.d.screen.id as string) === 'duress-decoy') rig.press('a'); // Empty: a new wallet of its own
  const shown = rig.d.screen.id;
  rig.press('b');
  return shown;
}

function owned(duress: boolean): { rig: DeviceRig; app: AppPeer; secret: Uint8Array } {
  const { rig, app } = walletWithApp('duress-app', 'Alice phone', T0);
  app.call('ping');
  const secret = enrolCodes(rig);
  if (duress) setDuress(rig, DURESS, PIN);
  home(rig);
  return { rig, app, secret };
}

function relock(rig: DeviceRig, pin: string): void {
  rig.press('a');
  rig.unlock(pin);
}

test('an app bound in duress mode does not replace the owner\'s app (the alarm\'s way to the owner) nor read the real events', (t) => {
  const { rig, app, secret } = owned(true);
  relock(rig, DURESS);
  t.true(rig.d.vault.duressMode);
  const thief = new AppPeer(rig.b, 247, 'thief');
  thief.time = T0 + 60;
  thief.connect();
  thief.bindUntilAllow(rig.d, 'Thief phone', rig.d.vault.bindingCode() ?? undefined);
  rig.decide('c');
  t.is(rig.d.screen.id, 'bind-verify');
  rig.b.advance(30_000);
  rig.enterPin(totp(secret, rig.d.guard.world.now()!)); // the forced owner gives the code
  t.is(rig.d.screen.id, 'bound', 'bound, as on any device');
  rig.press('b');
  thief.openSession();
  const info = thief.call('get_info').result;
  t.is(info.state, 'unlocked');
  const seen = thief.call('events_since', { since: 1 }).result;
  const kinds = seen.events.map((e: Uint8Array) => decodeEvent(e).kind);
  t.false(kinds.includes('duress-pin-entered'), `the thief's app does not read the alarm: ${kinds.join(', ')}`);
  t.false(kinds.includes('duress-pin-set') || kinds.includes('codes-enrolled') || kinds.includes('app-bound'), 'nor the real wallet\'s history');
  // the device locks with the thief's session open: his session does not now read the whole log
  home(rig);
  rig.press('a');
  t.is(rig.d.screen.id, 'locked');
  const after = thief.call('events_since', { since: 1 });
  const later = (after.result?.events ?? []).map((e: Uint8Array) => decodeEvent(e).kind);
  t.false(later.includes('duress-pin-entered'), `locked: ${JSON.stringify(after.error ?? later)}`);
  rig.unlock(DURESS);
  // the owner later: the real PIN; the owner's own app is still the one bound, and it reads the alarm
  thief.disconnect();
  home(rig);
  relock(rig, PIN);
  t.false(rig.d.vault.duressMode);
  t.is(rig.d.vault.appBinding()?.label, 'Alice phone');
  (app as unknown as { seen: number }).seen = rig.b.notified.length; // the thief's session traffic is not the owner's
  app.connect();
  app.openSession();
  const owner = app.call('events_since', { since: 1 }).result.events.map((e: Uint8Array) => decodeEvent(e).kind);
  t.true(owner.includes('duress-pin-entered'), owner.join(', '));
});

test('the decoy\'s History survives a lock as on any device: a second duress unlock neither starts it again nor writes a second alarm', (t) => {
  const { rig, app } = owned(true);
  relock(rig, DURESS);
  app.connect();
  app.openSession();
  app.ask('eth_sign_message', { message: new TextEncoder().encode('hello') });
  rig.readReview(10);
  rig.decide('c');
  t.truthy(app.answer().result.signature);
  home(rig);
  relock(rig, DURESS);
  t.true(rig.d.vault.duressMode);
  menuItem(rig, 'History');
  t.regex(rig.text(), /#2 Signed.*#1 Signing asked/, `the signature from before the lock is still there: ${rig.text()}`);
  t.is(rig.d.events.latest(20).filter((e) => e.kind === 'duress-pin-entered').length, 1, 'one alarm for the episode');
  t.is(rig.d.guard.freeze.inForce?.by, 'duress');
});
