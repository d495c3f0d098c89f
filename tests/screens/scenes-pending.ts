/**
 * The catalogue's flows through the guard's pending changes (issue 16): a loosening that waits 24 hours of device
 * time while spending limits are on (codes set up by whoever holds the PIN, a new app bound), the list of them on
 * the device and a cancel there, a PIN-only unfreeze waiting and cancelled, changing codes behind a current code,
 * and binding an app behind one.
 */
import { parseOtpauth, totp } from '../../modules/guard/otp.js';
import { AppPeer } from '../portable/support/app-peer.js';
import { PIN, enrolCodes, menuItem, setPolicy, walletWithApp, type DeviceRig } from '../portable/support/device-rig.js';
import { ETH, LABEL32, T0, codeRefused, type Flow } from './scene-kit.js';

const LIMIT = { rules: [{ asset: 'eth:1', daily: (ETH / 10n).toString() }] };

/** OK on messages, hold B on the menu, until a home screen shows. */
function home(rig: DeviceRig): void {
  for (let i = 0; i < 6 && !['unlocked', 'locked', 'bound-home'].includes(rig.d.screen.id); i++) {
    rig.waitArmed();
    rig.press('b', rig.d.screen.id === 'menu');
  }
}

/** Back (A) out of a menu's screens, then hold B on the menu: home. */
function backHome(rig: DeviceRig): void {
  rig.waitArmed();
  for (let i = 0; i < 6 && rig.d.screen.id !== 'menu' && !['unlocked', 'locked', 'bound-home'].includes(rig.d.screen.id); i++) rig.press('a');
  if (rig.d.screen.id === 'menu') rig.press('b', true);
}

export const pending: Flow = {
  name: 'pending changes: codes and an app waiting, cancelled on the device; a PIN-only unfreeze',
  run(cam) {
    const { rig, app } = walletWithApp('cat-pending', LABEL32, T0);
    app.call('ping'); // the device learns the time
    setPolicy(rig, app, LIMIT);
    home(rig);
    // codes set up while limits are on: they wait
    menuItem(rig, 'Verification codes');
    const secret = parseOtpauth(rig.d.screen.qr!).secret;
    rig.press('c');
    rig.enterPin(totp(secret, rig.d.guard.world.now()!));
    cam.shot(rig, 'codes-enrol-pending');
    home(rig);
    menuItem(rig, 'Verification codes');
    cam.shot(rig, 'codes-pending');
    rig.press('a');
    home(rig);
    // a second phone with the binding code: bound only after the wait
    const phone = new AppPeer(rig.b, 247, 'cat-pending-phone');
    phone.connect();
    phone.bindUntilAllow(rig.d, 'Second phone');
    rig.decide('c');
    cam.shot(rig, 'bind-pending');
    home(rig);
    menuItem(rig, 'Pending changes (2)');
    cam.shot(rig, 'pending');
    rig.press('c', true);
    cam.shot(rig, 'pending-cancelled');
    rig.press('b');
    rig.press('c', true);
    rig.press('b');
    cam.shot(rig, 'pending-none');
    home(rig);
    // frozen: no codes of anyone's own; the PIN alone starts a 24-hour wait, which the device can cancel
    menuItem(rig, 'Freeze now');
    rig.decide('c');
    if (rig.d.screen.id === 'locked') rig.unlock();
    menuItem(rig, 'Verification codes');
    cam.shot(rig, 'codes-frozen');
    home(rig);
    rig.press('c');
    rig.enterPin(PIN);
    cam.shot(rig, 'unfreeze-requested');
    rig.press('b');
    rig.press('c');
    cam.shot(rig, 'unfreeze-pending');
    rig.press('c');
    cam.shot(rig, 'unfreeze-cancelled');
    home(rig);
  },
};

export const codesChange: Flow = {
  name: 'changing codes and binding an app behind a current code',
  run(cam) {
    const { rig, app } = walletWithApp('cat-codes-change', LABEL32, T0);
    app.call('ping');
    const secret = enrolCodes(rig);
    home(rig);
    menuItem(rig, 'Verification codes');
    rig.press('b');
    codeRefused(cam, rig, 'codes-change-code');
    rig.press('b');
    backHome(rig);
    rig.b.advance(30_000); // the next step: the enrolment's code is spent
    app.time = T0 + 30;
    app.call('ping');
    menuItem(rig, 'Verification codes');
    rig.press('b');
    rig.enterPin(totp(secret, rig.d.guard.world.now()!));
    cam.shot(rig, 'codes-change');
    backHome(rig);
    // binding a second app needs a code after Allow
    const phone = new AppPeer(rig.b, 247, 'cat-verify-phone');
    phone.connect();
    phone.bindUntilAllow(rig.d, 'Second phone');
    rig.decide('c');
    codeRefused(cam, rig, 'bind-verify');
    home(rig);
    // with codes, the PIN and a code unfreeze at once
    menuItem(rig, 'Freeze now');
    rig.decide('c');
    rig.press('c');
    rig.enterPin(PIN);
    rig.b.advance(600_000); // past the wrong-code lock-out, and a fresh code
    rig.enterPin(totp(secret, rig.d.guard.world.now()!));
    cam.shot(rig, 'unfrozen');
    home(rig);
    if (rig.d.screen.id === 'locked') rig.unlock();
    // the app freezes the device while the owner proves a new authenticator: nothing is set up
    menuItem(rig, 'Verification codes');
    rig.press('b');
    rig.b.advance(30_000);
    app.time = T0 + 700;
    app.call('ping');
    rig.enterPin(totp(secret, rig.d.guard.world.now()!));
    rig.waitArmed();
    rig.press('b'); // New
    const next = parseOtpauth(rig.d.screen.qr!).secret;
    rig.press('c');
    rig.d.guard.freezeNow('owner');
    rig.enterPin(totp(next, rig.d.guard.world.now()!));
    cam.shot(rig, 'codes-not-set');
  },
};
