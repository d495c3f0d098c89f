// Steps the duress PIN's device tests share (duress-device, duress-attacker-device): back to the home screen,
// Menu > Duress PIN, and Unfreeze with a verification code.
import { totp } from '../../../modules/guard/otp.js';
import type { AppPeer } from './app-peer.js';
import { menuItem, PIN, type DeviceRig } from './device-rig.js';

/** Back to the unlocked home screen from the menu or one of its screens. */
export function home(rig: DeviceRig): void {
  for (let i = 0; i < 5 && rig.d.screen.id !== 'unlocked'; i++) {
    rig.waitArmed(); // a screen the link put up takes presses only after a moment
    if (rig.d.screen.id === 'menu') rig.press('b', true);
    else rig.press(rig.d.screen.buttons.a === 'Back' ? 'a' : 'b');
  }
  if (rig.d.screen.id !== 'unlocked') throw new Error(`not home: ${rig.d.screen.id}: ${rig.text()}`);
}

/** Menu > Duress PIN > Set with `current`, the new PIN twice; the screen it ends on. */
export function setDuress(rig: DeviceRig, pin: string, current = PIN): string {
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

/**
 * From the home screen: Unfreeze, `pin`, then (30 s later, the app having told the time `t0 + 60`) the
 * verification code for `secret`; returns the screen it ends on.
 */
export function unfreezeWithCode(rig: DeviceRig, app: AppPeer, pin: string, secret: Uint8Array, t0: number): string {
  rig.press('c'); // Unfreeze
  rig.enterPin(pin);
  if (rig.d.screen.id !== 'unfreeze-code') throw new Error(`expected unfreeze-code, got ${rig.d.screen.id}: ${rig.text()}`);
  rig.b.advance(30_000);
  app.time = t0 + 60;
  app.call('ping');
  rig.enterPin(totp(secret, rig.d.guard.world.now()!));
  return rig.d.screen.id;
}
