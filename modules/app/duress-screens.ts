/**
 * Menu > Duress PIN (issue 23; vault/duress.ts). The owner sets a second PIN, entered twice after the current
 * PIN, then its decoy: a new empty wallet or a passphrase wallet the owner types (chooseDecoy); entered at unlock
 * it opens that decoy and silently freezes the real one, which then
 * only a verification code unfreezes, and the bound app hears the alarm. So setting one needs verification codes.
 *
 * In duress mode (unlocked with the duress PIN) the same screens run as on a device with no duress PIN set, and
 * nothing is written: whoever holds the decoy cannot tell, nor learn the real PIN by trying it as a new one.
 */
import { wipe } from '../bytes.js';
import { LatchError } from '../errors.js';
import { line } from '../ui/screen.js';
import { THEME } from '../ui/render.js';
import { message, type Activity, type AppContext } from './activity.js';
import { checkPin } from './pin-check.js';
import { pinEntry } from './pin-entry.js';
import { typePassphrase } from './passphrase-screens.js';

export function duressLabel(ctx: AppContext): string {
  return `Duress PIN: ${ctx.vault.hasDuressPin ? 'on' : 'off'}`;
}

export function duressMenu(ctx: AppContext, back: () => void): Activity {
  if (!ctx.guard.codes.enrolled) {
    return message(ctx, 'duress-needs-codes', 'Duress PIN', [
      line('A duress PIN needs verification codes.'),
      line('After a duress PIN was entered, only a verification code unfreezes your wallet: set up codes first (Menu > Verification codes).', { color: THEME.dim }),
    ], back);
  }
  if (ctx.vault.hasDuressPin) return duressManage(ctx, back);
  return {
    interruptible: true,
    screen: () => ({
      id: 'duress-intro',
      title: 'Duress PIN',
      lines: [
        line('A second PIN for when you are forced to unlock.'),
        line('It opens a small wallet of its own and looks like an ordinary unlock. Your wallet is frozen silently; your app hears an alarm; only a verification code unfreezes it.', { color: THEME.dim }),
      ],
      buttons: { a: 'Back', c: 'Set' },
    }),
    press: (e) => {
      if (e.long) return;
      if (e.button === 'a') back();
      else if (e.button === 'c') ctx.go(setDuress(ctx, back));
    },
  };
}

function duressManage(ctx: AppContext, back: () => void): Activity {
  return {
    interruptible: true,
    screen: () => ({
      id: 'duress-pin',
      title: 'Duress PIN',
      lines: [
        line('A duress PIN is set.'),
        line('Change: a new duress PIN and a new decoy wallet. Hold C: remove it.', { color: THEME.dim }),
      ],
      buttons: { a: 'Back', b: 'Change', c: 'Hold: Remove' },
    }),
    press: (e) => {
      if (e.button === 'a' && !e.long) back();
      else if (e.button === 'b' && !e.long) ctx.go(setDuress(ctx, back));
      else if (e.button === 'c' && e.long) {
        ctx.go(checkPin(ctx, 'pin-duress-current', 'Duress PIN', 'Enter your PIN.', () => {
          ctx.vault.removeDuressPin();
          ctx.events.record('duress-pin-removed', {});
          ctx.log.log('duress PIN removed');
          ctx.go(message(ctx, 'duress-removed', 'Duress PIN removed', [line('Only your PIN unlocks the device now.')], back));
        }));
      }
    },
  };
}

/** The current PIN first, then the duress PIN twice. */
function setDuress(ctx: AppContext, back: () => void): Activity {
  return checkPin(ctx, 'pin-duress-current', 'Duress PIN', 'Enter your PIN.', () =>
    ctx.go(pinEntry(ctx, {
      id: 'duress-pin-new',
      title: 'Duress PIN',
      prompt: 'Choose a duress PIN of 6 to 8 digits, not your PIN.',
      cancel: back,
      done: (first) =>
        ctx.go(pinEntry(ctx, {
          id: 'duress-pin-confirm',
          title: 'Confirm duress PIN',
          prompt: 'Enter the duress PIN again.',
          cancel: back,
          done: (second) => {
            if (first !== second) return ctx.go(message(ctx, 'pin-mismatch', 'PINs differ', [line('The two PINs were not the same; nothing changed.')], back));
            ctx.go(chooseDecoy(ctx, first, back));
          },
        })),
    })));
}

/**
 * What the duress PIN opens: a new empty wallet, or a passphrase wallet of the recovery words (typed on the wheel,
 * reviewed, shown by its fingerprint: the owner can fund it and check it from the passphrase menu). In duress mode
 * the same screens run and nothing is written; the fingerprint shown there never comes from the real words
 * (PassphraseWallet.seedOf: the decoy's own words, or a stand-in from the decoy kept as a seed).
 */
function chooseDecoy(ctx: AppContext, pin: string, back: () => void): Activity {
  return {
    screen: () => ({
      id: 'duress-decoy',
      title: 'Duress PIN opens',
      lines: [
        line('What should the duress PIN open?'),
        line('Empty: a new wallet of its own (fund it a little to make it credible).', { color: THEME.dim }),
        line('Passphrase: a passphrase wallet of your recovery words that you choose; your words stay out of reach.', { color: THEME.dim }),
      ],
      buttons: { a: 'Empty', c: 'Passphrase' },
    }),
    press: (e) => {
      if (e.long) return;
      if (e.button === 'a') setWith(ctx, pin, undefined, back);
      else if (e.button === 'c') ctx.go(typeDecoy(ctx, pin, '', back));
    },
  };
}

function typeDecoy(ctx: AppContext, pin: string, typed: string, back: () => void): Activity {
  return typePassphrase(ctx, typed, {
    cancel: back,
    next: (p) => ctx.go(confirmDecoy(ctx, pin, p, back)),
    // no passphrase is the wallet itself: never a decoy
    empty: { lines: ['Nothing typed: that is your wallet itself, not a decoy.', 'Press A and type a passphrase, or hold B on the wheel to leave.'], allowed: false },
  });
}

/** The decoy's fingerprint: the BIP39 seed is made once here, kept for Set and wiped whichever way the screen goes. */
function confirmDecoy(ctx: AppContext, pin: string, p: string, back: () => void): Activity {
  const { seed, fingerprint } = ctx.wallet.seedOf(p);
  return {
    decision: true,
    screen: () => ({
      id: 'duress-decoy-wallet',
      title: 'Duress PIN opens',
      lines: [
        line(`Wallet ${fingerprint}`, { size: 'huge', align: 'center' }),
        line('The duress PIN will open this passphrase wallet. Check its fingerprint in Menu > Passphrase wallet before you fund it.', { color: THEME.warning }),
      ],
      buttons: { a: 'Cancel', b: 'Edit', c: 'Set' },
    }),
    press: (e) => {
      if (e.long) return;
      if (e.button === 'a') back();
      else if (e.button === 'b') ctx.go(typeDecoy(ctx, pin, p, back));
      else if (e.button === 'c') setWith(ctx, pin, seed, back, fingerprint);
    },
    leave: () => wipe(seed),
  };
}

/** Set the duress PIN with its decoy (a fresh wallet when `seed` is undefined); the real PIN is refused. */
function setWith(ctx: AppContext, pin: string, seed: Uint8Array | undefined, back: () => void, fingerprint?: string): void {
  try {
    ctx.vault.setDuressPin(pin, seed);
  } catch (err) {
    if (!(err instanceof LatchError) || err.code !== 'pin-is-real') throw err;
    return ctx.go(message(ctx, 'duress-pin-same', 'Not your PIN', [line('The duress PIN must differ from your PIN; nothing changed.')], back));
  } finally {
    wipe(seed);
  }
  ctx.events.record('duress-pin-set', {});
  ctx.log.log('duress PIN set');
  ctx.go(message(ctx, 'duress-set', 'Duress PIN set', [
    line(fingerprint ? `Entered at unlock, it opens passphrase wallet ${fingerprint}.` : 'Entered at unlock, it opens a new empty wallet.'),
    line('Your wallet is then frozen and your app alerted; unfreeze it with your PIN and a verification code.', { color: THEME.dim }),
  ], back));
}
