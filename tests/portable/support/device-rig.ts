/** A whole Device on the fake board, with helpers to work its screen like an owner (both engines). */
import { btcMethods } from '../../../modules/protocol/methods/btc-methods.js';
import { Device } from '../../../modules/device.js';
import type { ButtonId } from '../../../modules/ports.js';
import { GUARD_MS } from '../../../modules/app/navigator.js';
import { fakeBoard, type FakeBoard } from './fake-ports.js';
import { AppPeer } from './app-peer.js';
import { parseOtpauth, totp } from '../../../modules/guard/otp.js';
import type { AntiExfilSigner } from '../../../modules/signing/anti-exfil.js';

export const PIN = '123456';
export const ENTROPY = Uint8Array.from({ length: 16 }, (_, i) => 0x11 * (i % 15));

export interface DeviceRig {
  b: FakeBoard;
  d: Device;
  press(button: ButtonId, long?: boolean, heldMs?: number): void;
  /** as the owner takes a security decision: read it to its last page, let it arm, then press */
  decide(button?: ButtonId, long?: boolean): void;
  /** wait (on the fake clock) until the screen takes presses: a decision, or a screen the link just put up */
  waitArmed(): void;
  enterPin(pin: string): void;
  /** turn the wheel and enter digits, without confirming */
  enterDigits(digits: string): void;
  unlock(pin?: string): void;
  reboot(): Device;
  text(): string;
  /** Page through a review (C) to its last screen, at most `maxPages`; returns every page's text, the last included. */
  readReview(maxPages: number): string[];
}

/** `flashSize`: the vault's bytes (fake-ports.ts: 16 KiB unless a test needs the device's 64 KiB) */
export function deviceRig(options: { wallet?: boolean; unlocked?: boolean; antiExfilSigner?: AntiExfilSigner; flashSize?: number } = {}): DeviceRig {
  const b = fakeBoard(undefined, options.flashSize);
  const make = () => {
    // btc_* answer at once here (the firmware loads their code on the first request: tests/portable/on-demand.test.ts)
    const d = new Device(b.ports, { platform: 'test', vault: { pinIterations: 2 }, antiExfilSignerForTests: options.antiExfilSigner, bitcoin: btcMethods });
    d.boot();
    return d;
  };
  const rig: DeviceRig = {
    b,
    d: make(),
    press: (button, long = false, heldMs) => b.press({ button, long, heldMs }),
    decide: (button = 'c', long = true) => {
      rig.waitArmed();
      for (let i = 0; i < 20 && rig.d.screen.page < rig.d.screen.pages.length; i++) b.press({ button: 'c', long: false });
      b.advance(GUARD_MS);
      b.press({ button, long });
    },
    waitArmed: () => b.advance(rig.d.screen.armsInMs),
    enterPin(pin) {
      rig.enterDigits(pin);
      b.press({ button: 'c', long: true });
    },
    enterDigits(pin) {
      for (const digit of pin) {
        const m = /\[(\d)\]/.exec(rig.d.screen.lines.join(' '));
        if (!m) throw new Error(`no PIN wheel on ${rig.d.screen.id}`);
        const forward = (Number(digit) - Number(m[1]) + 10) % 10;
        for (let i = 0; i < forward; i++) b.press({ button: 'c', long: false });
        b.press({ button: 'b', long: false });
      }
    },
    unlock(pin = PIN) {
      if (rig.d.screen.id !== 'locked') throw new Error(`not on the locked screen: ${rig.d.screen.id}`);
      b.press({ button: 'b', long: false });
      rig.enterPin(pin);
    },
    reboot: () => (rig.d = make()),
    text: () => `${rig.d.screen.title} ${rig.d.screen.lines.join(' ')}`,
    readReview(maxPages) {
      // The owner reads each screen of the review (each page of a screen that has several) and presses C for more.
      const seen: string[] = [];
      rig.waitArmed(); // a review the link just put up ignores presses at first
      for (let i = 0; i < maxPages && rig.d.screen.id.endsWith('-review'); i++) {
        if (rig.d.screen.page === 1) seen.push(`${rig.d.screen.title}: ${rig.d.screen.lines.join(' | ')}`);
        rig.press('c');
      }
      seen.push(`${rig.d.screen.title}: ${rig.d.screen.lines.join(' | ')}`);
      return seen;
    },
  };
  if (options.wallet) {
    rig.d.vault.createWallet(PIN, ENTROPY);
    rig.reboot();
    if (options.unlocked) rig.unlock();
  }
  return rig;
}

/** From the unlocked home screen (or the menu): Menu, then down to the item whose label starts with `label`, and select it. */
export function menuItem(rig: DeviceRig, label: string): void {
  if (rig.d.screen.id !== 'menu') rig.press('b');
  if (rig.d.screen.id !== 'menu') throw new Error(`no menu: the device shows ${rig.d.screen.id}: ${rig.text()}`);
  const chosen = () => rig.d.screen.lines.find((l) => l.startsWith('>'))!.slice(2);
  for (let i = 0; i < 30 && !chosen().startsWith(label); i++) rig.press('c');
  if (!chosen().startsWith(label)) throw new Error(`no menu item "${label}"`);
  rig.press('b');
}

/**
 * Menu > Verification codes > set up, reading the secret off the QR code; returns it. `expect` is the screen the
 * proof leads to: 'codes-enrolled', or 'codes-enrol-pending' while spending rules make setting up wait.
 */
export function enrolCodes(rig: DeviceRig, expect: 'codes-enrolled' | 'codes-enrol-pending' = 'codes-enrolled'): Uint8Array {
  menuItem(rig, 'Verification codes');
  if (rig.d.screen.id !== 'codes-enrol') throw new Error(`expected the enrolment screen, got ${rig.d.screen.id}: ${rig.text()}`);
  const secret = parseOtpauth(rig.d.screen.qr!).secret;
  rig.press('c');
  rig.enterPin(totp(secret, rig.d.guard.world.now()!));
  if ((rig.d.screen.id as string) !== expect) throw new Error(`enrolment led to ${rig.d.screen.id}, not ${expect}: ${rig.text()}`);
  rig.press('b');
  return secret;
}

/** The app proposes `policy`; the owner reads it and holds C; the app's answer. */
export function setPolicy(rig: DeviceRig, app: AppPeer, policy: unknown): any {
  app.ask('policy_set', { policy });
  rig.readReview(40);
  rig.decide('c');
  return app.answer();
}

/** An app bound to the rig's unlocked device as the owner binds it (the code the device shows, Allow held, "App
 * bound" dismissed), with a session open. */
export function bindApp(rig: DeviceRig, seed: string, label: string): AppPeer {
  const app = new AppPeer(rig.b, 247, seed);
  app.connect();
  app.bindUntilAllow(rig.d, label, rig.d.vault.bindingCode() ?? undefined);
  rig.decide('c');
  rig.press('b');
  app.openSession();
  return app;
}

/** An unlocked wallet whose owner stays at it (auto-lock at its longest) and a bound app in session, which tells
 * the device `time` with its requests when given. */
export function walletWithApp(seed: string, label: string, time?: number, flashSize?: number): { rig: DeviceRig; app: AppPeer } {
  const rig = deviceRig({ wallet: true, unlocked: true, flashSize });
  rig.d.vault.setPreferences({ ...rig.d.vault.preferences, autoLockMinutes: 30 });
  const app = bindApp(rig, seed, label);
  if (time !== undefined) app.time = time;
  return { rig, app };
}
