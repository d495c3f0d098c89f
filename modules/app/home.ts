/** Home screens for each device state, the unlocked menu, unlocking and changing the PIN. */
import { line } from '../ui/screen.js';
import { THEME } from '../ui/render.js';
import { MAX_PIN_ATTEMPTS, WARN_REMAINING } from '../vault/vault.js';
import { AUTO_LOCK_CHOICES } from '../vault/preferences.js';
import { message, type Activity, type AppContext } from './activity.js';
import { pinEntry } from './pin-entry.js';
import { resetConfirm } from './reset.js';
import { setupChoice } from './setup.js';
import { appNamed } from './binding.js';
import { codesScreen, freezeConfirm, frozenLines, limitsScreen, unfreezeFlow } from './guard-screens.js';

/** The vault is not this chip's (a flash image from another board) or from older firmware: only a reset helps. */
export function storageHome(ctx: AppContext, status: 'foreign' | 'old-format'): Activity {
  return {
    interruptible: true,
    screen: () => ({
      id: status === 'foreign' ? 'storage-foreign' : 'storage-old-format',
      title: status === 'foreign' ? 'Not this device\'s storage' : 'Storage format changed',
      lines: status === 'foreign'
        ? [
          line('The storage on this board was made by another device.', { color: THEME.warning }),
          line('Nothing in it can be opened here, not even with the right PIN: its keys are bound to the other chip.'),
          line(''),
          line('Reset erases it so this device can be set up. Restore your wallet from its recovery words.'),
        ]
        : [
          line('The storage was written by older firmware, from before chip-bound keys.', { color: THEME.warning }),
          line('It is not migrated. Reset erases it; then restore your wallet from its recovery words.'),
        ],
      buttons: { a: 'Reset', c: 'About' },
    }),
    press: (e) => {
      if (e.button === 'a') ctx.go(resetConfirm(ctx));
      else if (e.button === 'c') ctx.about(() => ctx.home());
    },
  };
}

export function blankHome(ctx: AppContext): Activity {
  return {
    interruptible: true,
    screen: () => {
      const app = ctx.vault.appBinding();
      return {
        id: app ? 'bound-home' : 'blank',
        title: 'Latch',
        lines: app
          ? [
            line('No wallet yet', { size: 'large', align: 'center' }),
            line(''),
            line(`Bound to the ${appNamed(app.label)}.`, { align: 'center' }),
            line('Press Set up to create or restore a wallet.', { align: 'center' }),
          ]
          : [
            line('Blank device', { size: 'large', align: 'center' }),
            line(''),
            line('No app is bound and no wallet exists.', { align: 'center' }),
            line('Open the Latch app on your phone to bind it,', { align: 'center' }),
            line('or press Set up to create a wallet.', { align: 'center' }),
          ],
        buttons: { a: 'Set up', b: 'About' },
      };
    },
    press: (e) => {
      if (e.button === 'a') ctx.go(setupChoice(ctx));
      else if (e.button === 'b') ctx.about(() => ctx.home());
    },
  };
}

function triesNote(ctx: AppContext) {
  const failures = ctx.vault.pinFailures;
  if (failures === 0) return [];
  const remaining = MAX_PIN_ATTEMPTS - failures;
  if (remaining <= WARN_REMAINING) {
    return [line(`Warning: ${remaining} ${remaining === 1 ? 'try' : 'tries'} left before the device erases itself.`, { color: THEME.danger })];
  }
  return [line(`${failures} wrong ${failures === 1 ? 'PIN' : 'PINs'} so far; ${remaining} tries left.`, { color: THEME.warning })];
}

export function lockedHome(ctx: AppContext): Activity {
  let shownWait = -1;
  const waitSeconds = () => Math.ceil(ctx.vault.waitMs / 1000);
  return {
    interruptible: true,
    screen: () => {
      const wait = waitSeconds();
      shownWait = wait;
      return {
        id: 'locked',
        title: 'Locked',
        lines: [
          line('Wallet locked', { size: 'large', align: 'center' }),
          ...frozenLines(ctx),
          line(''),
          ...triesNote(ctx),
          line(wait > 0 ? `Next PIN attempt in ${wait} s.` : 'Press Unlock and enter your PIN.', { align: 'center' }),
        ],
        buttons: { a: 'Reset', ...(wait > 0 ? {} : { b: 'Unlock' }), ...(!ctx.guard.freeze.frozen ? { c: 'About' } : wait > 0 ? {} : { c: 'Unfreeze' }) },
      };
    },
    press: (e) => {
      const frozen = ctx.guard.freeze.frozen;
      if (e.button === 'a') ctx.go(resetConfirm(ctx));
      else if (e.button === 'c' && !frozen) ctx.about(() => ctx.home());
      else if (e.button === 'c' && frozen && waitSeconds() === 0) ctx.go(unfreezeFlow(ctx));
      else if (e.button === 'b' && waitSeconds() === 0) ctx.go(unlockPin(ctx));
    },
    tick: () => waitSeconds() !== shownWait,
  };
}

function unlockPin(ctx: AppContext): Activity {
  return checkPin(ctx, 'pin-unlock', 'Unlock', 'Enter your PIN.', () => {
    ctx.log.log('unlocked');
    ctx.home();
  });
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

function lockNow(ctx: AppContext): void {
  ctx.vault.lock();
  ctx.locked();
  ctx.home();
}

export function unlockedHome(ctx: AppContext): Activity {
  return {
    interruptible: true,
    screen: () => ({
      id: 'unlocked',
      title: 'Latch',
      lines: [
        line('Wallet unlocked', { size: 'large', align: 'center' }),
        ...frozenLines(ctx),
        line(''),
        line(`Device ${ctx.vault.deviceId?.slice(0, 8) ?? ''}`, { align: 'center' }),
      ],
      buttons: { a: 'Lock', b: 'Menu', ...(ctx.guard.freeze.frozen ? { c: 'Unfreeze' } : {}) },
    }),
    press: (e) => {
      if (e.button === 'a') lockNow(ctx);
      else if (e.button === 'b') ctx.go(menu(ctx));
      else if (e.button === 'c' && ctx.guard.freeze.frozen) ctx.go(unfreezeFlow(ctx));
    },
  };
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
  items.push({ label: () => `Verification codes: ${ctx.guard.codes.enrolled ? 'on' : 'off'}`, select: () => ctx.go(codesScreen(ctx, back)) });
  if (!ctx.guard.freeze.frozen) items.push({ label: () => 'Freeze now', select: () => ctx.go(freezeConfirm(ctx, back, () => ctx.frozen())) });
  items.push({ label: () => 'Factory reset', select: () => ctx.go(resetConfirm(ctx)) });
  items.push({ label: () => 'About', select: () => ctx.about(() => ctx.go(menu(ctx))) });
  return items;
}

/** menu items on one screen (large font) */
const MENU_ROWS = 6;

function menu(ctx: AppContext): Activity {
  let at = 0;
  let items = menuItems(ctx);
  return {
    interruptible: true,
    screen: () => ({
      id: 'menu',
      title: 'Menu',
      // a window of MENU_ROWS items around the cursor; arrows say there is more above or below
      lines: (() => {
        const first = Math.max(0, Math.min(at - Math.floor(MENU_ROWS / 2), items.length - MENU_ROWS));
        const shown = items.slice(first, first + MENU_ROWS).map((item, k) => line(`${first + k === at ? '>' : ' '} ${item.label()}`, { size: 'large' }));
        return [...shown, line(`${first > 0 ? '^ more above  ' : ''}${first + MENU_ROWS < items.length ? 'v more below' : ''}`, { color: THEME.dim })];
      })(),
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
            ctx.vault.changePin(first);
            ctx.log.log('PIN changed');
            ctx.go(message(ctx, 'pin-changed', 'PIN changed', [line('Use the new PIN from now on.')], () => ctx.home()));
          },
        })),
    })));
}
