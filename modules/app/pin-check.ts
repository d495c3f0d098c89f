/** The PIN asked again for an owner-only step, counted like every attempt (delays, warnings, the wipe at 10). */
import { line } from '../ui/screen.js';
import { THEME } from '../ui/render.js';
import { MAX_PIN_ATTEMPTS, WARN_REMAINING } from '../vault/vault.js';
import { message, type Activity, type AppContext } from './activity.js';
import { pinEntry } from './pin-entry.js';

export function triesNote(ctx: AppContext) {
  const failures = ctx.vault.pinFailures;
  if (failures === 0) return [];
  const remaining = MAX_PIN_ATTEMPTS - failures;
  if (remaining <= WARN_REMAINING) {
    return [line(`Warning: ${remaining} ${remaining === 1 ? 'try' : 'tries'} left before the device erases itself.`, { color: THEME.danger })];
  }
  return [line(`${failures} wrong ${failures === 1 ? 'PIN' : 'PINs'} so far; ${remaining} tries left.`, { color: THEME.warning })];
}

/**
 * Ask for the PIN and check it (counted like every attempt: delays, warnings, the wipe at 10); `then` runs
 * when it is right. Unlocking, changing the PIN and other owner-only steps all go through here.
 */
export function checkPin(ctx: AppContext, id: string, title: string, prompt: string, then: () => void): Activity {
  return pinEntry(ctx, {
    id,
    title,
    prompt,
    notes: triesNote(ctx),
    cancel: () => ctx.home(),
    done: (pin) => {
      const result = ctx.vault.unlock(pin);
      if (result.ok) return then();
      if (result.reason === 'wiped') {
        ctx.forgetBonds();
        ctx.locked();
        ctx.log.log('too many wrong PINs: wiped');
        return ctx.go(message(ctx, 'wiped', 'Device erased', [
          line(`${MAX_PIN_ATTEMPTS} wrong PINs in a row.`, { color: THEME.danger }),
          line('The device erased its wallet and binding, as it must. Restore from your recovery words.'),
        ], () => ctx.home()));
      }
      if (result.reason === 'wait') return ctx.home();
      ctx.log.log(`wrong PIN (${result.failures} of ${MAX_PIN_ATTEMPTS})`);
      ctx.events.record('pin-wrong', { failures: result.failures, remaining: result.remaining });
      return ctx.go(message(ctx, 'pin-wrong', 'Wrong PIN', [
        line('That PIN is not right.'),
        ...triesNote(ctx),
        ...(result.delayMs ? [line(`Wait ${result.delayMs / 1000} s before the next try.`)] : []),
      ], () => ctx.home()));
    },
  });
}
