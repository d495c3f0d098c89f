/**
 * Menu > Pending changes: every loosening waiting out its 24 hours (guard/pending.ts), with what is left (or
 * "paused while frozen"); B marks the next one, hold C cancels the marked one. Cancelling only tightens, so it
 * needs nothing more than the unlocked device; the bound app hears it.
 */
import { line, type ScreenLine } from '../ui/screen.js';
import { THEME } from '../ui/render.js';
import { describeChange } from '../guard/pending.js';
import { message, type Activity, type AppContext } from './activity.js';

export function pendingScreen(ctx: AppContext, back: () => void): Activity {
  const g = ctx.guard;
  const changes = g.changes.list();
  if (!changes.length) return message(ctx, 'pending-none', 'Pending changes', [line('Nothing is waiting.')], back);
  let at = 0;
  return {
    interruptible: true,
    screen: () => {
      const now = ctx.vault.clock.now();
      const frozenAt = g.freeze.state?.at;
      const lines: ScreenLine[] = changes.flatMap((c, i) => [
        line(`${i === at ? '>' : ' '} ${describeChange(c)}`),
        line(`  ${g.changes.when(c, now, frozenAt)}`, { color: THEME.dim }),
      ]);
      lines.push(line('B: next. Hold C: cancel the marked change.', { color: THEME.dim }));
      return { id: 'pending', title: `Pending changes (${changes.length})`, lines, buttons: { a: 'Back', b: 'Next', c: 'Hold: Cancel' } };
    },
    press: (e) => {
      if (e.button === 'a' && !e.long) back();
      else if (e.button === 'b' && !e.long) {
        at = (at + 1) % changes.length;
        ctx.refresh();
      } else if (e.button === 'c' && e.long) {
        const c = changes[at];
        g.cancel(c.id, 'device');
        ctx.log.log(`pending change cancelled on the device: ${c.kind}`);
        ctx.go(message(ctx, 'pending-cancelled', 'Cancelled', [line(`Cancelled: ${describeChange(c)}.`), line('The bound app is told.', { color: THEME.dim })], () => ctx.go(pendingScreen(ctx, back))));
      }
    },
  };
}
