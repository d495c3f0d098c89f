/**
 * Menu > Verification codes. The guard decides what each step needs (guard.ts); these screens ask for it:
 *  - set up (none enrolled): the secret as a QR code and text, then a current code proves the authenticator has
 *    it; while spending rules exist it then waits 24 hours of device time (the bound app is told and can cancel
 *    it). Refused while frozen: a code of an attacker's own must not become his way to unfreeze;
 *  - change (enrolled): a current code first, then a new secret (replacing the codes) or removing them;
 *  - lost it (enrolled): the PIN, then the codes go after 24 hours of device time (cancellable); refused while
 *    frozen.
 */
import { base32nopad } from '@scure/base';
import { wipe } from '../bytes.js';
import { LatchError } from '../errors.js';
import { SECRET_SIZE, VerificationCodes } from '../guard/codes.js';
import { otpauthUri } from '../guard/otp.js';
import { PENDING_WAIT_MS } from '../guard/pending.js';
import { duration } from '../guard/spending.js';
import { line } from '../ui/screen.js';
import { THEME } from '../ui/render.js';
import { message, type Activity, type AppContext } from './activity.js';
import { askCode } from './code-entry.js';
import { checkPin } from './pin-check.js';
import { pinEntry } from './pin-entry.js';

function unfreezeFirst(ctx: AppContext, back: () => void, what: string): Activity {
  return message(ctx, 'codes-frozen', 'Verification codes', [
    line(`${what} is not possible while the device is frozen.`, { color: THEME.warning }),
    line('Unfreeze it first (Unfreeze on the home screen).'),
  ], back);
}

export function codesScreen(ctx: AppContext, back: () => void): Activity {
  const g = ctx.guard;
  const now = () => ctx.vault.clock.now();
  if (!g.codes.enrolled) {
    const setup = g.changes.get('codes-on');
    if (setup) {
      return {
        interruptible: true,
        screen: () => ({
          id: 'codes-pending',
          title: 'Verification codes',
          lines: [
            line('Codes are being set up.', { size: 'large' }),
            line(`They ${g.changes.when(setup, now(), g.freeze.state?.at)} of device time (spending limits are on, so setting them up waits).`),
            line('Not you? Cancel it: B.', { color: THEME.dim }),
          ],
          buttons: { a: 'Back', b: 'Cancel it' },
        }),
        press: (e) => {
          if (e.long) return;
          if (e.button === 'a') back();
          else if (e.button === 'b') {
            g.cancel(setup.id, 'device');
            ctx.log.log('pending code setup cancelled on the device');
            ctx.go(codesScreen(ctx, back));
          }
        },
      };
    }
    if (g.freeze.frozen) return unfreezeFirst(ctx, back, 'Setting up verification codes');
    return enrolShow(ctx, back, 'setup');
  }
  const removal = g.changes.get('codes-off');
  return {
    interruptible: true,
    screen: () => ({
      id: 'codes',
      title: 'Verification codes',
      lines: [
        line('Codes are on.', { size: 'large' }),
        line('They are asked for loosening limits, over-limit signing (if allowed), unfreezing, binding apps and backup codes.'),
        ...(removal ? [line(`Removal ${g.changes.when(removal, now(), g.freeze.state?.at)}.`, { color: THEME.warning })] : []),
        line(''),
        line(removal ? 'B: keep codes (cancel the removal).' : 'B: replace or remove, with a code. C: lost the authenticator (PIN, then a 24 h wait).', { color: THEME.dim }),
      ],
      buttons: { a: 'Back', b: removal ? 'Keep' : 'Change', ...(removal ? {} : { c: 'Lost it' }) },
    }),
    press: (e) => {
      if (e.long) return;
      if (e.button === 'a') back();
      else if (e.button === 'b' && removal) {
        g.cancel(removal.id, 'device');
        ctx.log.log('verification code removal cancelled on the device');
        ctx.go(codesScreen(ctx, back));
      } else if (e.button === 'b') {
        if (g.freeze.frozen) return ctx.go(unfreezeFirst(ctx, back, 'Changing verification codes'));
        ctx.go(askCode(ctx, {
          id: 'codes-change-code', title: 'Change codes', why: 'Replacing or removing verification codes needs a current code.',
          ok: () => ctx.go(codesChange(ctx, back)),
          refused: () => ctx.log.log('codes not changed: code not accepted'),
          back,
        }));
      } else if (e.button === 'c' && !removal) {
        if (g.freeze.frozen) return ctx.go(unfreezeFirst(ctx, back, 'Removing verification codes'));
        if (ctx.vault.hasDuressPin) return ctx.go(duressFirst(ctx, back));
        ctx.go(checkPin(ctx, 'pin-codes-lost', 'Lost authenticator', 'Enter your PIN to remove the codes after 24 hours.', () => {
          g.requestCodeRemoval();
          ctx.log.log('verification code removal requested (PIN; 24 h wait)');
          ctx.go(message(ctx, 'codes-removal-pending', 'Removal pending', [
            line(`Codes are removed after ${duration(PENDING_WAIT_MS)} of device time. The app is told.`),
            line('Changed your mind, or not you? Menu > Verification codes > Keep.'),
          ], back));
        }));
      }
    },
  };
}

/** Codes stay while a duress PIN is set: after a duress unlock only a code unfreezes (app/duress-screens.ts). */
function duressFirst(ctx: AppContext, back: () => void): Activity {
  return message(ctx, 'codes-duress', 'Duress PIN set', [
    line('Remove the duress PIN first (Menu > Duress PIN).'),
    line('After a duress unlock only a verification code unfreezes your wallet, so the codes stay while it is set.', { color: THEME.dim }),
  ], back);
}

/** After a current code: a new secret, or removing the codes (a held decision). */
function codesChange(ctx: AppContext, back: () => void): Activity {
  return {
    decision: true,
    screen: () => ({
      id: 'codes-change',
      title: 'Change codes',
      lines: [
        line('Code accepted.', { size: 'large' }),
        line('B: set up a new authenticator (the old codes stop working).'),
        line('Hold C: remove verification codes.', { color: THEME.warning }),
      ],
      buttons: { a: 'Cancel', b: 'New', c: 'Hold: Remove' },
    }),
    press: (e) => {
      if (e.button === 'a' && !e.long) back();
      else if (e.button === 'b' && !e.long) ctx.go(enrolShow(ctx, back, 'replace'));
      else if (e.button === 'c' && e.long) {
        if (ctx.vault.hasDuressPin) return ctx.go(duressFirst(ctx, back));
        ctx.guard.removeCodesWithCode();
        ctx.log.log('verification codes removed (with a code)');
        ctx.go(message(ctx, 'codes-removed', 'Codes removed', [line('The device no longer asks for verification codes.')], back));
      }
    },
  };
}

/** Step 1: the secret as a QR code (otpauth://) and as base32 text for the authenticator app. */
function enrolShow(ctx: AppContext, back: () => void, mode: 'setup' | 'replace'): Activity {
  if (ctx.guard.world.now() === undefined) {
    return message(ctx, 'codes-no-time', 'Verification codes', [
      line('The device needs today\'s time to check codes, and only the bound app can tell it.'),
      line('Open the app (any request sends the time), then come back here.'),
    ], back);
  }
  const secret = ctx.entropy.bytes(SECRET_SIZE);
  const uri = otpauthUri(secret, `Device ${ctx.vault.deviceId?.slice(0, 8) ?? ''}`);
  const text = base32nopad.encode(secret).match(/.{1,4}/g)!.join(' ');
  return {
    screen: () => ({
      id: 'codes-enrol',
      title: mode === 'replace' ? 'New codes' : 'Set up codes',
      lines: [line('Scan with an authenticator app, or type:', { color: THEME.dim }), line(text), line(''), line('C: next (enter a code).', { color: THEME.dim })],
      buttons: { a: 'Cancel', c: 'Next' },
      qr: uri,
    }),
    press: (e) => {
      if (e.long) return;
      if (e.button === 'a') { wipe(secret); back(); }
      else if (e.button === 'c') ctx.go(enrolProve(ctx, secret, back, mode));
    },
  };
}

/** Step 2: the owner proves the authenticator has it by typing its current code (checked at the time fixed when
 * this screen opened); the guard then enrols it, or makes it wait. */
function enrolProve(ctx: AppContext, secret: Uint8Array, back: () => void, mode: 'setup' | 'replace'): Activity {
  const time = ctx.guard.world.fixed();
  return pinEntry(ctx, {
    id: 'codes-enrol-code',
    title: mode === 'replace' ? 'New codes' : 'Set up codes',
    prompt: 'Enter the code your authenticator app now shows for Latch.',
    kind: 'Code',
    cancel: () => { wipe(secret); back(); },
    done: (code) => {
      const step = time === undefined ? undefined : VerificationCodes.matches(secret, code, time());
      if (step === undefined) {
        return ctx.go(message(ctx, 'codes-enrol-wrong', 'Not set up', [line('That code does not match. Check the authenticator\'s entry (and the phone\'s time), then try again.')], () => ctx.go(enrolProve(ctx, secret, back, mode))));
      }
      let outcome: 'enrolled' | 'pending';
      try {
        if (mode === 'replace') {
          ctx.guard.replaceCodes(secret, step);
          outcome = 'enrolled';
        } else outcome = ctx.guard.setUpCodes(secret, step);
      } catch (err) {
        if (!(err instanceof LatchError)) throw err;
        wipe(secret);
        return ctx.go(message(ctx, 'codes-not-set', 'Not set up', [line(err.message, { color: THEME.warning })], back));
      }
      wipe(secret);
      if (outcome === 'pending') {
        ctx.log.log('verification code setup pending for 24 h');
        return ctx.go(message(ctx, 'codes-enrol-pending', 'Codes pending', [
          line(`Spending limits are on: the codes take effect after ${duration(PENDING_WAIT_MS)} of device time.`),
          line('The bound app is told and can cancel it; so can Menu > Pending changes.', { color: THEME.dim }),
        ], back));
      }
      ctx.log.log(mode === 'replace' ? 'verification codes replaced (with a current code)' : 'verification codes enrolled');
      ctx.go(message(ctx, 'codes-enrolled', 'Codes on', [line('From now on the device asks for a code to loosen limits, sign over them (if allowed), unfreeze and bind apps.')], back));
    },
  });
}
