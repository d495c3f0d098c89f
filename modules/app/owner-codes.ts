/**
 * The owner's codes on the unlocked device, each behind the PIN (and a verification code when enrolled):
 *  - Menu > Binding code: shows the code again (imToken shows it to a verified user); "New binding code" (hold C)
 *    replaces it: the bound app stays bound, later binds need the new one.
 *  - Menu > Backup code: a one-time 60-character code (binding/backup-code.ts) for the owner who lost both the
 *    phone and the binding code; refused while frozen (a frozen device binds nothing).
 * And the screens binding shows for the backup code: the app's request, and the binding code that replaced it.
 */
import { displayCode } from '../binding/code.js';
import { BACKUP_CODE_TTL_MS, groupBackupCode } from '../binding/backup-code.js';
import { duration } from '../guard/spending.js';
import { line } from '../ui/screen.js';
import { THEME } from '../ui/render.js';
import { message, type Activity, type AppContext } from './activity.js';
import { appNamed } from './binding.js';
import { askCode } from './code-entry.js';
import { checkPin } from './pin-check.js';

/** The PIN, then a verification code when enrolled, then `then`. */
function ownerOnly(ctx: AppContext, id: string, title: string, why: string, then: () => void, back: () => void): Activity {
  return checkPin(ctx, `pin-${id}`, title, `Enter your PIN to ${why}.`, () => {
    if (!ctx.guard.codes.enrolled) return then();
    ctx.go(askCode(ctx, {
      id: `${id}-code`, title, why: `A verification code is needed to ${why}.`, ok: then,
      refused: (problem) => ctx.log.log(`${id}: verification code not accepted (${problem})`),
      back,
    }));
  });
}

export function bindingCodeMenu(ctx: AppContext, back: () => void): Activity {
  return ownerOnly(ctx, 'binding-code', 'Binding code', 'see the binding code', () => {
    const code = ctx.vault.bindingCode() ?? ctx.vault.newBindingCode();
    ctx.events.record('binding-code-shown', {});
    ctx.log.log('binding code shown on the LCD to the owner');
    ctx.go(bindingCodeShow(ctx, code, back));
  }, back);
}

function bindingCodeShow(ctx: AppContext, code: string, back: () => void, changed = false): Activity {
  return {
    decision: !changed, // replacing the code is a held decision; the replaced code's screen only has Done
    screen: () => ({
      id: changed ? 'binding-code-changed' : 'binding-code',
      title: changed ? 'New binding code' : 'Binding code',
      lines: [
        line(changed ? 'The old code no longer binds. Apps bind with:' : 'Apps bind to this device with:'),
        line(''),
        line(displayCode(code), { size: 'huge', align: 'center' }),
        line(''),
        line(changed ? 'The bound app stays bound.' : 'Fear someone knows it? Hold C for a new one; the bound app stays bound.', { color: THEME.dim }),
      ],
      buttons: { a: 'Done', ...(changed ? {} : { c: 'Hold: New code' }) },
    }),
    press: (e) => {
      if (e.button === 'a' && !e.long) {
        code = '';
        back();
      } else if (e.button === 'c' && e.long && !changed) {
        code = ctx.vault.newBindingCode();
        ctx.events.record('binding-code-changed', { why: 'the owner asked for a new one' });
        ctx.log.log('binding code replaced by the owner (shown on the LCD only)');
        ctx.go(bindingCodeShow(ctx, code, back, true));
      }
    },
    leave: () => { code = ''; },
  };
}

export function backupCodeMenu(ctx: AppContext, back: () => void): Activity {
  const frozen = ctx.guard.frozenReason;
  if (frozen) {
    ctx.events.record('backup-code-refused', { reason: 'frozen' });
    return message(ctx, 'backup-code-frozen', 'Backup code', [line(`No backup code while the device is ${frozen}: unfreeze it first.`, { color: THEME.warning })], back);
  }
  return ownerOnly(ctx, 'backup-code', 'Backup code', 'make a backup code', () => {
    const made = ctx.backupCodes.make();
    ctx.events.record('backup-code-made', { validForMs: BACKUP_CODE_TTL_MS });
    ctx.log.log('backup code made (shown on the LCD only)');
    ctx.go(backupCodeShow(ctx, made.code, back));
  }, back);
}

/**
 * The backup code in full: twelve groups of five, two to a row at the large size (so it takes two pages, the QR
 * code on both); Done is on B, so it is there on every page.
 */
function backupCodeShow(ctx: AppContext, code: string, back: () => void): Activity {
  const groups = groupBackupCode(code);
  const rows = [0, 2, 4, 6, 8, 10].map((i) => groups.slice(i, i + 2).join(' '));
  return {
    screen: () => ({
      id: 'backup-code',
      title: 'Backup code',
      lines: [
        line('Binds one new app, once, if you lost the phone and the binding code:', { color: THEME.dim }),
        ...rows.map((r) => line(r, { size: 'large' })),
        line(`Valid ${duration(BACKUP_CODE_TTL_MS)} of device time; a reboot or a new one voids it.`, { color: THEME.warning }),
        line('Type it in the new app, or scan the QR code.', { color: THEME.dim }),
      ],
      qr: code,
      buttons: { b: 'Done' },
    }),
    press: (e) => {
      if (e.button !== 'b' || e.long) return;
      back();
    },
    leave: () => { code = ''; groups.fill(''); rows.fill(''); },
  };
}

/** An app asks to bind with the backup code: nothing to read off the screen, so say what is happening. */
export function backupBindNotice(ctx: AppContext, label: string): Activity {
  return {
    interruptible: true,
    screen: () => ({
      id: 'bind-backup',
      title: 'Bind with backup code',
      lines: [
        line(`An ${appNamed(label)} is binding with the backup code.`),
        line('If it proves the code, you are asked to allow it, and the binding code is replaced.', { color: THEME.dim }),
      ],
      buttons: { b: 'Hide' },
    }),
    press: (e) => { if (e.button === 'b') ctx.home(); },
  };
}

/** After a backup code was used: the binding code that replaced the old one. */
export function bindingCodeReplaced(ctx: AppContext, code: string): Activity {
  return bindingCodeShow(ctx, code, () => ctx.home(), true);
}
