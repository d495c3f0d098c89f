/**
 * The LCD side of binding: the code (two groups of four), "Allow app named ...?", failures, and the result.
 * The label is the app's own claim, so the screen says so (`app named "..."`) and shows printable ASCII only.
 */
import { displayCode } from '../binding/code.js';
import { line } from '../ui/screen.js';
import { escapeForScreen } from '../ui/escape.js';
import { THEME } from '../ui/render.js';
import { BIND_FREE_ATTEMPTS } from '../vault/vault.js';
import { answerOnce, message, type Activity, type AppContext } from './activity.js';

/** Labels come from the app (at most 32 bytes): shown in full, anything outside printable ASCII as an escape. */
export function safeLabel(label: string): string {
  return escapeForScreen(label.trim()) || '(unnamed app)';
}

/** How every screen names an app: as what it claims to be. */
export function appNamed(label: string): string {
  return `app named "${safeLabel(label)}"`;
}

export function bindCode(ctx: AppContext, code: string, label: string): Activity {
  return {
    interruptible: true,
    screen: () => ({
      id: 'bind-code',
      title: 'Bind an app',
      lines: [
        line(`An ${appNamed(label)} asks to bind. Enter this code in the app:`),
        line(''),
        line(displayCode(code), { size: 'huge', align: 'center' }),
        line(''),
        line('The code stays the same until a factory reset.', { color: THEME.dim }),
      ],
      buttons: { b: 'Hide' },
    }),
    press: (e) => { if (e.button === 'b') ctx.home(); },
  };
}

/** A security decision: hold C to allow (the code screen before it uses only B), A refuses. */
export function bindAllow(ctx: AppContext, label: string, answer: (allow: boolean) => void): Activity {
  const decide = answerOnce(answer);
  return {
    decision: true,
    screen: () => ({
      id: 'bind-allow',
      title: 'Allow this app?',
      lines: [
        line(`Allow the ${appNamed(label)}?`, { size: 'large' }),
        line(''),
        line('It will be able to use this device. Any app bound before loses access.'),
        line('The name is what the app calls itself: allow it only if you started this binding.', { color: THEME.warning }),
      ],
      buttons: { a: 'Refuse', c: 'Hold: Allow' },
    }),
    press: (e) => {
      if (e.button === 'a') {
        decide(false);
        ctx.home();
      } else if (e.button === 'c' && e.long) decide(true);
    },
    // Leaving without a choice (auto-lock, power of the link) is a refusal.
    leave: () => decide(false),
  };
}

export function bindFailed(ctx: AppContext, reason: string, failures: number, waitMs: number): Activity {
  const left = BIND_FREE_ATTEMPTS - failures;
  return message(ctx, 'bind-failed', 'Binding failed', [
    line(reason),
    waitMs > 0
      ? line(`Binding is locked for ${Math.ceil(waitMs / 1000)} s (${failures} failed attempts in a row).`, { color: THEME.danger })
      : line(`${Math.max(0, left)} ${left === 1 ? 'try' : 'tries'} left before binding locks for a while.`, { color: THEME.warning }),
  ], () => ctx.home(), 'OK', true);
}

export function bound(ctx: AppContext, label: string): Activity {
  return message(ctx, 'bound', 'App bound', [line(`This device is now bound to the ${appNamed(label)}.`)], () => ctx.home(), 'OK', true);
}
