/**
 * The LCD side of binding: the code (two groups of four), "Allow app named ...?", failures, and the result.
 * The label is the app's own claim, so the screen says so (`app named "..."`) and shows printable ASCII only.
 *
 * Whoever holds the unlocked device sees the binding code, so the code and a held C cannot be all a new app
 * needs while guards are set (the guard decides: Guard.newAppNeeds): with verification codes enrolled, a code
 * typed on the device follows the Allow hold; without codes but with spending rules, the new app is bound only
 * after 24 hours of device time, announced to the bound app, which can refuse it.
 */
import { displayCode } from '../binding/code.js';
import type { BindAnswer, BindCandidate } from '../protocol/bind-responder.js';
import { duration } from '../guard/spending.js';
import { PENDING_WAIT_MS } from '../guard/pending.js';
import { LatchError } from '../errors.js';
import { line } from '../ui/screen.js';
import { escapeForScreen } from '../ui/escape.js';
import { THEME } from '../ui/render.js';
import { BIND_FREE_ATTEMPTS } from '../vault/vault.js';
import { answerOnce, message, type Activity, type AppContext } from './activity.js';
import { askCode } from './code-entry.js';

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

/**
 * A new app proved the code: Allow (hold C), then what the guard asks for: a verification code, or the wait
 * (scheduled here, announced to the bound app). `answer` hears the outcome once.
 */
export function bindDecision(ctx: AppContext, app: BindCandidate, answer: (a: BindAnswer) => void): Activity {
  const decide = answerOnce(answer);
  const needs = ctx.guard.newAppNeeds();
  return bindAllow(ctx, app.label, needs, (allow) => {
    if (!allow) return decide(false);
    if (needs === 'nothing') return decide(true);
    if (needs === 'code') {
      const entry = askCode(ctx, {
        id: 'bind-verify', title: 'Bind an app', why: 'Binding a new app needs a verification code.',
        ok: () => decide(true),
        refused: (problem) => decide({ refused: `the verification code was not accepted on the device: ${problem}` }),
      });
      // leaving without a code (auto-lock, a freeze) refuses, as leaving the Allow screen does
      return ctx.go({ ...entry, leave: () => { entry.leave?.(); decide({ refused: 'no verification code was entered on the device' }); } });
    }
    try {
      const c = ctx.guard.schedule({ kind: 'bind', publicKey: app.publicKey, label: app.label, how: app.how });
      ctx.log.log(`binding of app named "${app.label}" pending for ${duration(PENDING_WAIT_MS)}`);
      decide({ pending: c.dueAt - ctx.now() > 0 ? PENDING_WAIT_MS : 0 });
      ctx.go(message(ctx, 'bind-pending', 'Binding pending', [
        line(`The ${appNamed(app.label)} is bound after ${duration(PENDING_WAIT_MS)} of device time.`),
        line('The bound app is told and can refuse it; cancel it here in Menu > Pending changes.', { color: THEME.dim }),
      ], () => ctx.home(), 'OK', true));
    } catch (err) {
      if (!(err instanceof LatchError)) throw err;
      decide({ refused: err.message });
      ctx.home();
    }
  });
}

/** A security decision: hold C to allow (the code screen before it uses only B), A refuses. */
export function bindAllow(ctx: AppContext, label: string, needs: 'code' | 'wait' | 'nothing', answer: (allow: boolean) => void): Activity {
  const decide = answerOnce(answer);
  const next = needs === 'code' ? [line('Next: a verification code from your authenticator.')]
    : needs === 'wait' ? [line(`Spending limits are on and no verification codes are set up: it is bound after ${duration(PENDING_WAIT_MS)} of device time, and the bound app can refuse it.`, { color: THEME.warning })]
      : [];
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
        ...next,
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
