/** The unlocked device's menu, and the settings it changes in place (auto-lock, blind signing, the PIN). */
import { line } from '../ui/screen.js';
import { listWindow } from '../ui/list.js';
import { THEME } from '../ui/render.js';
import { AUTO_LOCK_CHOICES } from '../vault/preferences.js';
import { message, type Activity, type AppContext } from './activity.js';
import { pinEntry } from './pin-entry.js';
import { checkPin } from './pin-check.js';
import { resetConfirm } from './reset.js';
import { freezeConfirm, limitsScreen } from './guard-screens.js';
import { codesScreen } from './codes-screens.js';
import { pendingScreen } from './pending-screens.js';
import { historyScreen } from './history.js';
import { backupCodeMenu, bindingCodeMenu } from './owner-codes.js';
import { authenticatorMenu } from './authenticator.js';
import { duressLabel, duressMenu } from './duress-screens.js';
import { LatchError } from '../errors.js';
import { passphraseMenu } from './passphrase-screens.js';

export function lockNow(ctx: AppContext): void {
  ctx.vault.lock();
  ctx.locked();
  ctx.home();
}

interface MenuItem {
  label: () => string;
  select: () => void;
}

function menuItems(ctx: AppContext): MenuItem[] {
  const items: MenuItem[] = [
    { label: () => 'Lock', select: () => lockNow(ctx) },
    { label: () => 'Change PIN', select: () => ctx.go(changePin(ctx)) },
    {
      label: () => `Auto-lock: ${ctx.vault.preferences.autoLockMinutes} min`,
      select: () => {
        const p = ctx.vault.preferences;
        const at = AUTO_LOCK_CHOICES.indexOf(p.autoLockMinutes);
        ctx.vault.setPreferences({ ...p, autoLockMinutes: AUTO_LOCK_CHOICES[(at + 1) % AUTO_LOCK_CHOICES.length] });
        ctx.log.log(`auto-lock set to ${ctx.vault.preferences.autoLockMinutes} min`);
      },
    },
  ];
  items.push({
    label: () => `Blind signing: ${ctx.vault.preferences.blindSigning ? 'on' : 'off'}`,
    select: () => {
      const p = ctx.vault.preferences;
      if (p.blindSigning) {
        ctx.vault.setPreferences({ ...p, blindSigning: false });
        ctx.log.log('blind signing turned off');
      } else ctx.go(blindSigningOn(ctx));
    },
  });
  if (ctx.vault.bindFailures > 0) {
    items.push({
      label: () => 'Clear binding lock-out',
      select: () => {
        ctx.vault.clearBindFailures();
        ctx.log.log('binding lock-out cleared by the owner');
        ctx.go(message(ctx, 'bind-lock-cleared', 'Binding unlocked', [line('Failed binding attempts were forgotten: apps can bind again with the code.')], () => ctx.go(menu(ctx))));
      },
    });
  }
  const back = () => ctx.go(menu(ctx));
  items.push({ label: () => 'Spending limits', select: () => ctx.go(limitsScreen(ctx, back)) });
  const waiting = ctx.guard.changes.list().length;
  if (waiting) items.push({ label: () => `Pending changes (${waiting})`, select: () => ctx.go(pendingScreen(ctx, back)) });
  items.push({ label: () => `Verification codes: ${ctx.guard.codes.enrolled ? 'on' : 'off'}`, select: () => ctx.go(codesScreen(ctx, back)) });
  items.push({ label: () => duressLabel(ctx), select: () => ctx.go(duressMenu(ctx, back)) });
  if (!ctx.guard.freeze.frozen) items.push({ label: () => 'Freeze now', select: () => ctx.go(freezeConfirm(ctx, back, () => ctx.frozen())) });
  items.push({ label: () => 'History', select: () => ctx.go(historyScreen(ctx, back)) });
  items.push({ label: () => 'Passphrase wallet', select: () => ctx.go(passphraseMenu(ctx, back)) });
  items.push({ label: () => 'Authenticator', select: () => ctx.go(authenticatorMenu(ctx, back)) });
  items.push({ label: () => 'Binding code', select: () => ctx.go(bindingCodeMenu(ctx, back)) });
  items.push({ label: () => 'Backup code', select: () => ctx.go(backupCodeMenu(ctx, back)) });
  items.push({ label: () => 'Factory reset', select: () => ctx.go(resetConfirm(ctx)) });
  items.push({ label: () => 'About', select: () => ctx.about(() => ctx.go(menu(ctx))) });
  return items;
}

/** menu items on one screen (large font), above the line saying how many more there are */
const MENU_ROWS = 5;

export function menu(ctx: AppContext): Activity {
  let at = 0;
  let items = menuItems(ctx);
  return {
    interruptible: true,
    screen: () => ({
      id: 'menu',
      title: 'Menu',
      lines: listWindow(items.map((item) => item.label()), at, MENU_ROWS, 'large'),
      buttons: { a: 'Up', b: 'Select', c: 'Down' },
    }),
    press: (e) => {
      if (e.long) {
        if (e.button === 'b') ctx.home(); // hold B: back; other long presses do nothing here
        return;
      }
      if (e.button === 'a') at = (at + items.length - 1) % items.length;
      else if (e.button === 'c') at = (at + 1) % items.length;
      else {
        const before = items[at];
        before.select();
        items = menuItems(ctx);
        at = Math.min(at, items.length - 1);
      }
      ctx.refresh();
    },
  };
}

/** Turning blind signing on is a security decision (hold C), as on Ledger where it is a setting, not a prompt. */
function blindSigningOn(ctx: AppContext): Activity {
  return {
    decision: true,
    screen: () => ({
      id: 'blind-signing-on',
      title: 'Blind signing',
      lines: [
        line('Allow signing data the device cannot decode?', { size: 'large' }),
        line('Contract calls and typed data it cannot show will then be signed by their hash alone.', { color: THEME.warning }),
        line('Turn it on only for an app and contracts you trust; turn it off again after.'),
      ],
      buttons: { a: 'Cancel', c: 'Hold: Allow' },
    }),
    press: (e) => {
      if (e.button === 'a') ctx.go(menu(ctx));
      else if (e.button === 'c' && e.long) {
        ctx.vault.setPreferences({ ...ctx.vault.preferences, blindSigning: true });
        ctx.log.log('blind signing turned on');
        ctx.go(menu(ctx));
      }
    },
  };
}

/** The current PIN first (an unlocked device left on a table must not let anyone change it), then the new one twice. */
function changePin(ctx: AppContext): Activity {
  return checkPin(ctx, 'pin-current', 'Current PIN', 'Enter your current PIN.', () =>
    ctx.go(pinEntry(ctx, {
      id: 'pin-change',
      title: 'New PIN',
      prompt: 'Choose a new PIN of 6 to 8 digits.',
      cancel: () => ctx.home(),
      done: (first) =>
        ctx.go(pinEntry(ctx, {
          id: 'pin-change-confirm',
          title: 'Confirm new PIN',
          prompt: 'Enter the new PIN again.',
          cancel: () => ctx.home(),
          done: (second) => {
            if (first !== second) return ctx.go(message(ctx, 'pin-mismatch', 'PINs differ', [line('The two PINs were not the same; the PIN is unchanged.')], () => ctx.home()));
            try {
              ctx.vault.changePin(first);
            } catch (err) {
              if (!(err instanceof LatchError) || err.code !== 'pin-is-duress') throw err;
              return ctx.go(message(ctx, 'pin-is-duress', 'Not your duress PIN', [line('That is your duress PIN: choose another. The PIN is unchanged.')], () => ctx.home()));
            }
            ctx.log.log('PIN changed');
            ctx.go(message(ctx, 'pin-changed', 'PIN changed', [line('Use the new PIN from now on.')], () => ctx.home()));
          },
        })),
    })));
}
