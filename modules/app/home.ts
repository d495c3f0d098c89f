/** Home screens for each device state, the unlocked menu, unlocking and changing the PIN. */
import { line } from '../ui/screen.js';
import { THEME } from '../ui/render.js';
import { MAX_PIN_ATTEMPTS, WARN_REMAINING } from '../vault/vault.js';
import { message, type Activity, type AppContext } from './activity.js';
import { pinEntry } from './pin-entry.js';
import { resetConfirm } from './reset.js';
import { setupChoice } from './setup.js';
import { safeLabel } from './binding.js';

/** The vault is not this chip's (a flash image from another board) or from older firmware: only a reset helps. */
export function storageHome(ctx: AppContext, status: 'foreign' | 'old-format'): Activity {
  return {
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
    screen: () => {
      const app = ctx.vault.appBinding();
      return {
        id: app ? 'bound-home' : 'blank',
        title: 'Latch',
        lines: app
          ? [
            line('No wallet yet', { size: 'large', align: 'center' }),
            line(''),
            line(`Bound to "${safeLabel(app.label)}".`, { align: 'center' }),
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
    screen: () => {
      const wait = waitSeconds();
      shownWait = wait;
      return {
        id: 'locked',
        title: 'Locked',
        lines: [
          line('Wallet locked', { size: 'large', align: 'center' }),
          line(''),
          ...triesNote(ctx),
          line(wait > 0 ? `Next PIN attempt in ${wait} s.` : 'Press Unlock and enter your PIN.', { align: 'center' }),
        ],
        buttons: wait > 0 ? { a: 'Reset', c: 'About' } : { a: 'Reset', b: 'Unlock', c: 'About' },
      };
    },
    press: (e) => {
      if (e.button === 'a') ctx.go(resetConfirm(ctx));
      else if (e.button === 'c') ctx.about(() => ctx.home());
      else if (e.button === 'b' && waitSeconds() === 0) ctx.go(unlockPin(ctx));
    },
    tick: () => waitSeconds() !== shownWait,
  };
}

function unlockPin(ctx: AppContext): Activity {
  return pinEntry(ctx, {
    id: 'pin-unlock',
    title: 'Unlock',
    prompt: 'Enter your PIN.',
    notes: triesNote(ctx),
    cancel: () => ctx.home(),
    done: (pin) => {
      const result = ctx.vault.unlock(pin);
      if (result.ok) {
        ctx.log.log('unlocked');
        return ctx.home();
      }
      if (result.reason === 'wiped') {
        ctx.forgetBonds();
        ctx.log.log('too many wrong PINs: wiped');
        return ctx.go(message(ctx, 'wiped', 'Device erased', [
          line(`${MAX_PIN_ATTEMPTS} wrong PINs in a row.`, { color: THEME.danger }),
          line('The device erased its wallet and binding, as it must. Restore from your recovery words.'),
        ], () => ctx.home()));
      }
      if (result.reason === 'wait') return ctx.home();
      ctx.log.log(`wrong PIN (${result.failures} of ${MAX_PIN_ATTEMPTS})`);
      return ctx.go(message(ctx, 'pin-wrong', 'Wrong PIN', [
        line('That PIN is not right.'),
        ...triesNote(ctx),
        ...(result.delayMs ? [line(`Wait ${result.delayMs / 1000} s before the next try.`)] : []),
      ], () => ctx.home()));
    },
  });
}

const MENU = ['Lock', 'Change PIN', 'Factory reset', 'About'] as const;

export function unlockedHome(ctx: AppContext): Activity {
  return {
    screen: () => ({
      id: 'unlocked',
      title: 'Latch',
      lines: [
        line('Wallet unlocked', { size: 'large', align: 'center' }),
        line(''),
        line(`Device ${ctx.vault.deviceId?.slice(0, 8) ?? ''}`, { align: 'center' }),
      ],
      buttons: { a: 'Lock', b: 'Menu' },
    }),
    press: (e) => {
      if (e.button === 'a') {
        ctx.vault.lock();
        ctx.home();
      } else if (e.button === 'b') ctx.go(menu(ctx));
    },
  };
}

function menu(ctx: AppContext): Activity {
  let at = 0;
  return {
    screen: () => ({
      id: 'menu',
      title: 'Menu',
      lines: MENU.map((item, i) => line(`${i === at ? '>' : ' '} ${item}`, { size: 'large' })),
      buttons: { a: 'Up', b: 'Select', c: 'Down' },
    }),
    press: (e) => {
      if (e.long && e.button === 'b') return ctx.home();
      if (e.button === 'a') at = (at + MENU.length - 1) % MENU.length;
      else if (e.button === 'c') at = (at + 1) % MENU.length;
      else {
        const item = MENU[at];
        if (item === 'Lock') {
          ctx.vault.lock();
          return ctx.home();
        }
        if (item === 'Change PIN') return ctx.go(changePin(ctx));
        if (item === 'Factory reset') return ctx.go(resetConfirm(ctx));
        return ctx.about(() => ctx.go(menu(ctx)));
      }
      ctx.refresh();
    },
  };
}

function changePin(ctx: AppContext): Activity {
  return pinEntry(ctx, {
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
  });
}
