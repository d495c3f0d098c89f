/**
 * Menu > History: the event log on the device's own screen, newest first, three events to a page (B newer, C
 * older), each with every detail in words (amounts in their units: guard/event-words.ts); an event longer than
 * the screen goes on over more pages (the layout's paging). The owner reads here what the device did (and what was
 * tried) whether or not the phone is around.
 */
import { line, type ScreenLine } from '../ui/screen.js';
import { THEME } from '../ui/render.js';
import { duration } from '../guard/spending.js';
import type { LatchEvent } from '../guard/event-format.js';
import { eventDetailWords } from '../guard/event-words.js';
import type { Activity, AppContext } from './activity.js';

export const HISTORY_PAGE = 3;

const TITLES: Record<string, string> = {
  'sign-requested': 'Signing asked',
  'signed': 'Signed',
  'sign-refused': 'Refused on the device',
  'policy-refused': 'Refused by the limits',
  'bind-requested': 'Binding asked',
  'bind-wrong-code': 'Wrong binding code',
  'bind-locked': 'Binding locked out',
  'app-bound': 'App bound',
  'app-replaced': 'App replaced',
  'pin-wrong': 'Wrong PIN',
  'wiped': 'Erased: too many wrong PINs',
  'frozen': 'Frozen',
  'unfrozen': 'Unfrozen',
  'policy-changed': 'Limits changed',
  'change-pending': 'Change pending (24 h)',
  'change-cancelled': 'Pending change cancelled',
  'change-applied': 'Pending change in force',
  'code-enrolled': 'Verification codes on',
  'code-removed': 'Verification codes off',
  'code-wrong': 'Wrong verification code',
  'world-time-set': 'Time told by the app',
  'world-time-refused': 'App\'s time refused',
  // firmware 0.3's kinds, still in older logs
  'policy-pending': 'Looser limits pending',
  'policy-pending-cancelled': 'Pending limits cancelled',
  'code-removal-pending': 'Codes removal pending',
  'code-removal-cancelled': 'Codes removal cancelled',
  'backup-code-made': 'Backup code made',
  'backup-code-used': 'Backup code used',
  'backup-code-expired': 'Backup code expired',
  'backup-code-refused': 'Backup code refused',
  'binding-code-shown': 'Binding code shown',
  'binding-code-changed': 'Binding code changed',
  'authenticator-added': 'Authenticator account added',
  'authenticator-removed': 'Authenticator account removed',
  'reset-requested': 'Reset asked by the app',
  'reset-done': 'Factory reset',
  'duress-pin-entered': 'DURESS PIN ENTERED',
  'duress-pin-set': 'Duress PIN set',
  'duress-pin-removed': 'Duress PIN removed',
  'wallet-switched': 'Wallet switched',
  'wallet-passphrase-stored': 'Passphrase kept on the device',
  'wallet-passphrase-forgotten': 'Kept passphrase forgotten',
  'wallet-app-passphrase': 'Passphrase from the app',
};

/** One event in words: what happened and its details (the same fields the app receives). */
export function describeEvent(e: LatchEvent, now: number): { title: string; detail: string } {
  const when = now >= e.at ? `${duration(now - e.at)} ago` : 'just now';
  const detail = eventDetailWords(e.details).map(([k, v]) => `${k} ${v}`).join(', ');
  return { title: `#${e.seq} ${TITLES[e.kind] ?? e.kind}, ${when}`, detail };
}

/** The newest duress-pin-entered event's seq (the ring's newest events, newest first). */
export function lastDuressSeq(ctx: Pick<AppContext, 'events'>): number {
  // the alarm kept apart from the ring (guard/event-log.ts) once the decoy's signatures overwrote it there
  const kept = ctx.events.keptAlarmSeq ?? 0;
  for (let skip = 0; skip < 64; skip += 8) {
    const found = ctx.events.latest(8, skip).find((e) => e.kind === 'duress-pin-entered');
    if (found) return Math.max(found.seq, kept);
  }
  return kept || ctx.events.head.seq;
}

export function historyScreen(ctx: AppContext, back: () => void): Activity {
  let page = 0;
  // In duress mode (vault/duress.ts) only what happened since the duress PIN opened the decoy, numbered from 1:
  // the real wallet's history (its signatures, the alarm itself) is not the decoy's.
  const since = ctx.vault.duressMode ? lastDuressSeq(ctx) : 0;
  const newest = ctx.events.head.seq - since;
  // (past the ring's wrap the decoy's oldest are no longer kept either, said as on any device)
  const oldest = since ? Math.max(1, ctx.events.oldestKept - since) : ctx.events.oldestKept;
  const total = newest >= oldest ? newest - oldest + 1 : 0;
  const pages = Math.max(1, Math.ceil(total / HISTORY_PAGE));
  return {
    interruptible: true,
    screen: () => {
      const now = ctx.vault.clock.now();
      const shown = ctx.events.latest(HISTORY_PAGE, page * HISTORY_PAGE).filter((e) => e.seq > since).map((e) => ({ ...e, seq: e.seq - since }));
      const lines: ScreenLine[] = shown.length
        ? shown.flatMap((e) => {
          const d = describeEvent(e, now);
          return [line(d.title, { color: /refused|wrong|locked|wiped|reset|frozen|replaced/i.test(e.kind) ? THEME.warning : undefined }), ...(d.detail ? [line(`  ${d.detail}`, { color: THEME.dim })] : [])];
        })
        : [line('Nothing recorded yet.')];
      if (page === pages - 1 && oldest > 1) lines.push(line(`${oldest - 1} older events are no longer kept.`, { color: THEME.dim }));
      lines.push(line(`Page ${page + 1} of ${pages}. Times are device time (powered on).`, { color: THEME.dim }));
      return {
        id: 'history',
        title: 'History',
        lines,
        buttons: { a: 'Back', ...(page > 0 ? { b: 'Newer' } : {}), ...(page < pages - 1 ? { c: 'Older' } : {}) },
      };
    },
    press: (e) => {
      if (e.long) return;
      if (e.button === 'a') back();
      else if (e.button === 'b' && page > 0) page--;
      else if (e.button === 'c' && page < pages - 1) page++;
      ctx.refresh();
    },
  };
}
