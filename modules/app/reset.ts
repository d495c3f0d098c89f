/**
 * Factory reset from the device: confirmed twice on the screen (the second time a security decision: hold C),
 * then every vault sector erased with progress. A reset an app asked for also needs the PIN on the device when
 * a wallet exists: a bound app alone (or a thief holding the phone) cannot wipe a device.
 */
import { line } from '../ui/screen.js';
import { THEME } from '../ui/render.js';
import { MAX_PIN_ATTEMPTS } from '../vault/vault.js';
import { message, type Activity, type AppContext } from './activity.js';
import { appNamed } from './binding.js';
import { pinEntry } from './pin-entry.js';

export function resetConfirm(ctx: AppContext, requestedBy?: string): Activity {
  return {
    screen: () => ({
      id: 'reset-confirm-1',
      title: 'Factory reset',
      lines: [
        ...(requestedBy ? [line(`The ${appNamed(requestedBy)} asks to erase this device.`, { color: THEME.warning })] : []),
        line('Erase everything on this device?', { size: 'large' }),
        line(''),
        line('The wallet, the PIN and the app binding will be erased.'),
        line('Without your written recovery words, the funds are lost.', { color: THEME.warning }),
      ],
      buttons: { a: 'Cancel', c: 'Erase...' },
    }),
    press: (e) => {
      if (e.button === 'a') ctx.home();
      else if (e.button === 'c' && !e.long) ctx.go(resetConfirmAgain(ctx, requestedBy !== undefined));
    },
  };
}

function resetConfirmAgain(ctx: AppContext, askedByApp: boolean): Activity {
  const needsPin = askedByApp && ctx.vault.hasWallet;
  return {
    decision: true,
    screen: () => ({
      id: 'reset-confirm-2',
      title: 'Really erase?',
      lines: [
        line('This cannot be undone.', { size: 'large', color: THEME.danger }),
        line(''),
        line(needsPin ? 'Hold C, then enter your PIN, to erase the device.' : 'Hold C to erase the device now.'),
      ],
      buttons: { a: 'Cancel', c: 'Hold: erase' },
    }),
    press: (e) => {
      if (e.button === 'a') ctx.home();
      else if (e.button === 'c' && e.long) {
        if (needsPin) ctx.go(resetPin(ctx));
        else factoryReset(ctx);
      }
    },
  };
}

/** The PIN check for an app's reset request: counted like any PIN attempt. */
function resetPin(ctx: AppContext): Activity {
  return pinEntry(ctx, {
    id: 'pin-reset',
    title: 'PIN to erase',
    prompt: 'An app asked for this reset: enter your PIN to erase the device.',
    cancel: () => ctx.home(),
    done: (pin) => {
      const result = ctx.vault.unlock(pin);
      if (result.ok) return factoryReset(ctx);
      if (result.reason === 'wiped') {
        ctx.forgetBonds();
        ctx.locked();
        return ctx.go(message(ctx, 'wiped', 'Device erased', [line(`${MAX_PIN_ATTEMPTS} wrong PINs in a row: the device erased itself.`)], () => ctx.home()));
      }
      if (result.reason === 'wrong-pin') ctx.events.record('pin-wrong', { failures: result.failures, remaining: result.remaining });
      const why = result.reason === 'wait' ? `Wait ${Math.ceil(result.waitMs / 1000)} s before the next try.` : `Wrong PIN; ${result.remaining} tries left.`;
      ctx.go(message(ctx, 'reset-pin-wrong', 'Not erased', [line(why), line('The device was not erased.')], () => ctx.home()));
    },
  });
}

function factoryReset(ctx: AppContext): void {
  let progress = 'Starting';
  const erasing: Activity = {
    screen: () => ({ id: 'erasing', title: 'Erasing', lines: [line(progress, { size: 'large', align: 'center' }), line('Do not power off.', { align: 'center' })], buttons: {} }),
    press: () => {},
  };
  ctx.go(erasing);
  ctx.log.log('factory reset');
  ctx.locked();
  ctx.vault.wipe((done, total) => {
    progress = `Sector ${done} of ${total}`;
    ctx.refresh();
  });
  ctx.forgetBonds();
  ctx.go(message(ctx, 'reset-done', 'Reset done', [line('The device is blank again, with a new identity.')], () => ctx.home()));
}
