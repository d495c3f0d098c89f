/**
 * Asking for a verification code on the device's own keypad (never over the link): the same wheel as the PIN,
 * six digits, checked by the guard (counted before the check, replay-proof, locked out after five wrong codes)
 * against the world time fixed when this screen opened: an app that moves its clock while the owner types cannot
 * turn the owner's right code into a counted failure.
 */
import { line } from '../ui/screen.js';
import { THEME } from '../ui/render.js';
import { codeProblem } from '../guard/codes.js';
import { message, type Activity, type AppContext } from './activity.js';
import { pinEntry } from './pin-entry.js';

export interface CodeRequest {
  id: string;
  title: string;
  /** why a code is asked for, in the owner's words */
  why: string;
  /** the code was right */
  ok(): void;
  /** the code was wrong, used, locked out, uncheckable or not entered: `problem` says which. Called at once (the
   * app hears it); the screen then says it, and OK leads to `back` (default: home). */
  refused(problem: string): void;
  back?(): void;
}

export function askCode(ctx: AppContext, r: CodeRequest): Activity {
  const codes = ctx.guard.codes;
  const back = () => (r.back ? r.back() : ctx.home());
  const stop = (problem: string): Activity => {
    r.refused(problem);
    return message(ctx, `${r.id}-refused`, 'Code not accepted', [line(problem, { color: THEME.warning })], back, 'OK', true);
  };
  const wait = codes.waitMs;
  if (wait > 0) return stop(codeProblem({ ok: false, reason: 'locked', waitMs: wait }));
  const time = ctx.guard.world.fixed();
  if (!time) return stop(codeProblem({ ok: false, reason: 'no-time' }));
  return pinEntry(ctx, {
    id: r.id,
    title: r.title,
    prompt: r.why,
    kind: 'Code',
    notes: [line('Enter the 6-digit code your authenticator app shows for Latch.', { color: THEME.dim })],
    cancel: () => {
      r.refused('cancelled on the device: no code was entered');
      back();
    },
    done: (code) => {
      const result = codes.verify(code, time());
      if (result.ok) return r.ok();
      const problem = codeProblem(result);
      ctx.log.log(`verification code refused (${result.reason})`);
      ctx.go(stop(problem));
    },
  });
}
