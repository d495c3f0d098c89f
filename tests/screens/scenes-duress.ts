/** The catalogue's duress PIN flow (app/duress-screens.ts): setting, refusing the real PIN, changing the real PIN
 * to it, removing; and what the owner sees after the duress PIN was entered (the frozen real wallet). */
import { PIN, enrolCodes, menuItem, walletWithApp } from '../portable/support/device-rig.js';
import { LABEL32, T0, okHome, type Flow } from './scene-kit.js';
import { typeChar } from './scenes-passphrase.js';

const DURESS = '654321';

export const duress: Flow = {
  name: 'the duress PIN',
  run(cam) {
    const { rig, app } = walletWithApp('cat-duress', LABEL32, T0);
    app.call('ping');
    menuItem(rig, 'Duress PIN');
    cam.shot(rig, 'duress-needs-codes');
    rig.press('b');
    enrolCodes(rig);
    menuItem(rig, 'Duress PIN');
    cam.shot(rig, 'duress-intro');
    rig.press('c');
    cam.shot(rig, 'pin-duress-current');
    rig.enterPin(PIN);
    cam.shot(rig, 'duress-pin-new');
    rig.enterPin(PIN);
    cam.shot(rig, 'duress-pin-confirm');
    rig.enterPin(PIN);
    rig.press('a'); // Empty: the vault refuses the real PIN as it sets the pair
    cam.shot(rig, 'duress-pin-same');
    rig.press('b');
    menuItem(rig, 'Duress PIN');
    rig.press('c');
    rig.enterPin(PIN);
    rig.enterPin(DURESS);
    rig.enterPin(DURESS);
    cam.shot(rig, 'duress-decoy');
    rig.press('a'); // Empty
    cam.shot(rig, 'duress-set');
    rig.press('b');
    menuItem(rig, 'Change PIN');
    rig.enterPin(PIN);
    rig.enterPin(DURESS);
    rig.enterPin(DURESS);
    cam.shot(rig, 'pin-is-duress');
    rig.press('b');
    // the codes stay while a duress PIN is set
    menuItem(rig, 'Verification codes');
    rig.press('c'); // Lost it
    cam.shot(rig, 'codes-duress');
    rig.press('b');
    rig.press('a');
    menuItem(rig, 'Duress PIN: on');
    cam.shot(rig, 'duress-pin');
    // Change: the decoy a passphrase wallet of the words
    rig.press('b');
    rig.enterPin(PIN);
    rig.enterPin(DURESS);
    rig.enterPin(DURESS);
    rig.press('c'); // Passphrase
    for (const ch of 'decoy') typeChar(rig, ch);
    rig.press('a', true);
    rig.press('c');
    rig.waitArmed();
    cam.shot(rig, 'duress-decoy-wallet');
    rig.decide('c', false);
    cam.shot(rig, 'duress-set.passphrase', 'duress-set');
    rig.press('b');
    menuItem(rig, 'Duress PIN: on');
    // the duress PIN at unlock, then the owner with the real PIN: the frozen wallet and the way out
    rig.press('a');
    rig.press('b', true);
    rig.press('a'); // Lock
    rig.unlock(DURESS);
    cam.shot(rig, 'unlocked.duress');
    rig.press('a');
    rig.unlock(PIN);
    cam.shot(rig, 'unlocked.duress-frozen');
    menuItem(rig, 'Duress PIN: on');
    rig.press('c', true);
    rig.enterPin(PIN);
    cam.shot(rig, 'duress-removed');
    okHome(rig);
  },
};
