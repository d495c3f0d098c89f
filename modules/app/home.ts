/** Home screens for each device state, and unlocking. */
import { line } from '../ui/screen.js';
import { THEME } from '../ui/render.js';
import { type Activity, type AppContext } from './activity.js';
import { checkPin, triesNote } from './pin-check.js';
import { lockNow, menu } from './menu.js';
import { resetConfirm } from './reset.js';
import { setupChoice } from './setup.js';
import { appNamed } from './binding.js';
import { guardLines, unfreezeFlow } from './guard-screens.js';
import { COUNTER_LOW } from '../vault/vault.js';

const STORAGE_SCREENS = {
  foreign: {
    id: 'storage-foreign', title: 'Not this device\'s storage', lines: [
      line('The storage on this board was made by another device.', { color: THEME.warning }),
      line('Nothing in it can be opened here, not even with the right PIN: its keys are bound to the other chip.'),
      line(''),
      line('Reset erases it so this device can be set up. Restore your wallet from its recovery words.'),
    ],
  },
  'old-format': {
    id: 'storage-old-format', title: 'Storage format changed', lines: [
      line('The storage was written by older firmware, from before chip-bound keys.', { color: THEME.warning }),
      line('It is not migrated. Reset erases it; then restore your wallet from its recovery words.'),
    ],
  },
  tampered: {
    id: 'storage-tampered', title: 'Storage tampered with', lines: [
      line('The storage chip was changed behind the device\'s back: a record removed or older contents put back.', { color: THEME.warning }),
      line('The device unlocks and signs nothing now, so no PIN limit, freeze or spending limit can be got around.'),
      line(''),
      line('Reset erases it. Then restore your wallet from its recovery words, and treat this device with care.'),
    ],
  },
} as const;

/**
 * The vault is not this chip's (a flash image from another board), from older firmware, or was tampered with (a
 * flash clip): only a reset helps.
 */
export function storageHome(ctx: AppContext, status: 'foreign' | 'old-format' | 'tampered'): Activity {
  const s = STORAGE_SCREENS[status];
  return {
    interruptible: true,
    screen: () => ({ id: s.id, title: s.title, lines: [...s.lines], buttons: { a: 'Reset', c: 'About' } }),
    press: (e) => {
      if (e.button === 'a') ctx.go(resetConfirm(ctx));
      else if (e.button === 'c') ctx.about(() => ctx.home());
    },
  };
}

/**
 * The rollback counter (eFuse) is spent: a PIN attempt can no longer be counted where a flash clip cannot undo it,
 * so the device takes none (vault/head.ts, README: the eFuse budget). The wallet stays shut; the recovery words
 * restore it on another device. Reset still erases it (no PIN needed on the device, as from the locked screen).
 */
export function counterSpentHome(ctx: AppContext): Activity {
  return {
    interruptible: true,
    screen: () => ({
      id: 'counter-spent',
      title: 'Rollback counter spent',
      lines: [
        line('This device has burned every eFuse bit it counts PIN tries with.', { color: THEME.warning }),
        line('A try counted in the storage chip alone could be undone with a clip on that chip, so the device takes no PIN and makes no wallet now.'),
        line(''),
        line(ctx.vault.hasWallet
          ? 'Your funds are safe: restore your wallet from its recovery words on another device. Reset erases this one.'
          : 'Set up your wallet on another device. This one can still be erased with Reset.'),
      ],
      buttons: { a: 'Reset', c: 'About' },
    }),
    press: (e) => {
      if (e.button === 'a') ctx.go(resetConfirm(ctx));
      else if (e.button === 'c') ctx.about(() => ctx.home());
    },
  };
}

/** A warning while the rollback counter runs low (each PIN entry burns one of its bits), or once it is spent. */
export function counterNote(ctx: AppContext) {
  const left = ctx.vault.counterRemaining;
  if (left === 0) return [line('Rollback counter spent: once locked, this device takes no PIN. Move your wallet to another device now.', { color: THEME.danger, align: 'center' })];
  if (left > COUNTER_LOW) return [];
  return [line(`Rollback counter: ${left} PIN ${left === 1 ? 'entry' : 'entries'} left on this device. Move your wallet to another device soon.`, { color: THEME.warning, align: 'center' })];
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
          ...guardLines(ctx),
          line(''),
          ...triesNote(ctx),
          ...counterNote(ctx),
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

export function unlockedHome(ctx: AppContext): Activity {
  return {
    interruptible: true,
    screen: () => ({
      id: 'unlocked',
      title: 'Latch',
      lines: [
        line('Wallet unlocked', { size: 'large', align: 'center' }),
        ...guardLines(ctx),
        line(''),
        ...counterNote(ctx),
        // a passphrase wallet says which: its fingerprint (the keys exist already, it was confirmed by it)
        ...(ctx.wallet.inUse ? [line(`Passphrase wallet ${ctx.wallet.fingerprint}`, { align: 'center' })] : []),
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
