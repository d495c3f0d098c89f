/** The LCD side of binding: the code (two groups of four), "Allow <app>?", failures, and the result. */
import { displayCode } from '../binding/code.js';
import { line } from '../ui/screen.js';
import { THEME } from '../ui/render.js';
import { BIND_FREE_ATTEMPTS } from '../vault/vault.js';
import { message, type Activity, type AppContext } from './activity.js';

/** Labels come from the app: show only printable ASCII (the font has nothing else), at most 24 characters. */
export function safeLabel(label: string): string {
  const clean = label.replace(/[^\x20-\x7e]/g, '?').trim().slice(0, 24);
  return clean || '(unnamed app)';
}

export function bindCode(ctx: AppContext, code: string, label: string): Activity {
  return {
    screen: () => ({
      id: 'bind-code',
      title: 'Bind an app',
      lines: [
        line(`"${safeLabel(label)}" asks to bind. Enter this code in the app:`),
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

export function bindAllow(ctx: AppContext, label: string, answer: (allow: boolean) => void): Activity {
  return {
    screen: () => ({
      id: 'bind-allow',
      title: 'Allow this app?',
      lines: [
        line(`Allow "${safeLabel(label)}"?`, { size: 'large' }),
        line(''),
        line('It will be able to use this device. Any app bound before loses access.'),
      ],
      buttons: { a: 'Refuse', c: 'Allow' },
    }),
    press: (e) => {
      if (e.button === 'a' || e.button === 'c') {
        answer(e.button === 'c');
        if (e.button === 'a') ctx.home();
      }
    },
  };
}

export function bindFailed(ctx: AppContext, reason: string, failures: number, waitMs: number): Activity {
  const left = BIND_FREE_ATTEMPTS - failures;
  return message(ctx, 'bind-failed', 'Binding failed', [
    line(reason),
    waitMs > 0
      ? line(`Binding is locked for ${Math.ceil(waitMs / 1000)} s (${failures} failed attempts in a row).`, { color: THEME.danger })
      : line(`${Math.max(0, left)} ${left === 1 ? 'try' : 'tries'} left before binding locks for a while.`, { color: THEME.warning }),
  ], () => ctx.home());
}

export function bound(ctx: AppContext, label: string): Activity {
  return message(ctx, 'bound', 'App bound', [line(`This device is now bound to "${safeLabel(label)}".`)], () => ctx.home());
}
