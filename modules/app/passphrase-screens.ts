/**
 * Menu > Passphrase wallet: open a wallet behind a BIP39 passphrase typed on the device, go back to the standard
 * wallet, forget a kept passphrase, and allow (or not) the bound app to send one. Every new wallet is shown by its
 * fingerprint before it is used: a typo opens another wallet (empty), and the fingerprint is how the owner tells.
 * The app's request (wallet_use_passphrase) is confirmed on the screen here too (passphraseAsked).
 */
import { LatchError } from '../errors.js';
import { THEME } from '../ui/render.js';
import { line } from '../ui/screen.js';
import { listWindow } from '../ui/list.js';
import { escapeForScreen } from '../ui/escape.js';
import { answerOnce, message, type Activity, type AppContext } from './activity.js';
import { passphraseEntry, reviewRows } from './passphrase-entry.js';

interface Item {
  label: string;
  select(): void;
}

function items(ctx: AppContext, back: () => void): Item[] {
  const w = ctx.wallet;
  const here = () => ctx.go(passphraseMenu(ctx, back));
  const list: Item[] = [{ label: 'Enter a passphrase', select: () => ctx.go(typeForWallet(ctx, here)) }];
  if (w.inUse) {
    list.push({
      label: 'Standard wallet',
      select: () => switchTo(ctx, '', false, () => ctx.go(message(ctx, 'passphrase-standard', 'Standard wallet', [
        line(`Wallet ${w.fingerprint}`, { size: 'large', align: 'center' }),
        line('The wallet of your recovery words alone is in use again.', { align: 'center' }),
      ], () => ctx.home()))),
    });
  }
  if (w.stored) {
    list.push({
      label: 'Forget kept passphrase',
      select: () => {
        w.forget();
        ctx.go(message(ctx, 'passphrase-forgotten', 'Passphrase forgotten', [
          line('The device no longer keeps a passphrase: the next unlock opens the standard wallet.'),
        ], here));
      },
    });
  }
  list.push({
    label: `From the app: ${w.appAllowed ? 'on' : 'off'}`,
    select: () => {
      if (w.appAllowed) {
        w.setAppAllowed(false);
        ctx.log.log('passphrase from the app turned off');
        here();
      } else ctx.go(appPassphraseOn(ctx, here));
    },
  });
  list.push({ label: 'Back', select: back });
  return list;
}

export function passphraseMenu(ctx: AppContext, back: () => void): Activity {
  let at = 0;
  let list = items(ctx, back);
  return {
    interruptible: true,
    screen: () => ({
      id: 'passphrase-menu',
      title: ctx.wallet.inUse ? `Passphrase: ${ctx.wallet.fingerprint}` : 'Passphrase wallet',
      lines: listWindow(list.map((i) => i.label), at, 5, 'large'),
      buttons: { a: 'Up', b: 'Select', c: 'Down' },
    }),
    press: (e) => {
      if (e.long) {
        if (e.button === 'b') back();
        return;
      }
      if (e.button === 'a') at = (at + list.length - 1) % list.length;
      else if (e.button === 'c') at = (at + 1) % list.length;
      else {
        list[at].select();
        list = items(ctx, back);
        at = Math.min(at, list.length - 1);
      }
      ctx.refresh();
    },
  };
}

/** Switch (refused while an app's request waits for the owner: it was made for the wallet in use), then `then`. */
function switchTo(ctx: AppContext, passphrase: string, keep: boolean, then: () => void): void {
  try {
    ctx.wallet.use(passphrase, 'device');
    if (keep) ctx.wallet.store(passphrase);
  } catch (err) {
    if (!(err instanceof LatchError) || err.code !== 'busy') throw err;
    return ctx.go(message(ctx, 'error', 'Not switched', [line(err.message)], () => ctx.home()));
  }
  then();
}

/** Type, review, confirm the fingerprint. */
function typeForWallet(ctx: AppContext, cancel: () => void): Activity {
  return typePassphrase(ctx, '', { cancel, next: (p) => ctx.go(confirmWallet(ctx, p, cancel)) });
}

/** What a passphrase is typed for: the wallet menu here, or the duress PIN's decoy (duress-screens.ts). */
export interface PassphraseTyping {
  cancel(): void;
  /** reviewed: what comes next (the fingerprint) */
  next(passphrase: string): void;
  /** what the review says when nothing was typed, and whether Next then goes on (the standard wallet) */
  empty?: { lines: string[]; allowed: boolean };
}

const STANDARD_EMPTY = { lines: ['Nothing typed: this is the standard wallet.', 'Hold B on the wheel to leave without a passphrase.'], allowed: true };

/** The wheel (passphrase-entry.ts), then the review of every character; A there edits again. */
export function typePassphrase(ctx: AppContext, typed: string, o: PassphraseTyping): Activity {
  return passphraseEntry(ctx, {
    typed,
    cancel: o.cancel,
    done: (p) => ctx.go(reviewPassphrase(ctx, p, o)),
  });
}

function reviewPassphrase(ctx: AppContext, p: string, o: PassphraseTyping): Activity {
  const { rows, spaces } = reviewRows(p);
  const empty = o.empty ?? STANDARD_EMPTY;
  const goes = p !== '' || empty.allowed;
  return {
    screen: () => ({
      id: 'passphrase-review',
      title: 'Check the passphrase',
      lines: p
        ? [line(`${p.length} characters:`), ...rows.map((r) => line(r, { size: 'large' })), line(spaces, { color: THEME.dim })]
        : [line(empty.lines[0]), ...empty.lines.slice(1).map((l) => line(l, { color: THEME.dim }))],
      buttons: goes ? { a: 'Edit', c: 'Next' } : { a: 'Edit' },
    }),
    press: (e) => {
      if (e.long) return;
      if (e.button === 'a') ctx.go(typePassphrase(ctx, p, o));
      else if (e.button === 'c' && goes) o.next(p);
    },
  };
}

/** The fingerprint of the wallet the passphrase opens: Use, or Use and keep it on the device. */
function confirmWallet(ctx: AppContext, p: string, cancel: () => void): Activity {
  const fp = ctx.wallet.preview(p);
  // what the owner chose, not what the vault holds: in duress mode nothing is written, and the screen is the same
  const done = (keep: boolean) => ctx.go(message(ctx, 'passphrase-in-use', 'Wallet in use', [
    line(`Wallet ${fp}`, { size: 'large', align: 'center' }),
    line(keep ? 'Kept on this device: every unlock opens it.' : 'Until the device locks: then the standard wallet again.', { align: 'center' }),
  ], () => ctx.home()));
  return {
    decision: true,
    screen: () => ({
      id: 'passphrase-wallet',
      title: 'Passphrase wallet',
      lines: [
        line(`Wallet ${fp}`, { size: 'huge', align: 'center' }),
        line('Is this the fingerprint you expect? Any other passphrase, a typo too, opens another wallet.', { color: THEME.warning }),
        line('Keep: the device stores the passphrase (sealed like the words) and opens this wallet at every unlock.', { color: THEME.dim }),
      ],
      buttons: { a: 'Cancel', b: 'Keep', c: 'Use' },
    }),
    press: (e) => {
      if (e.long) return;
      if (e.button === 'a') cancel();
      else if (e.button === 'b' || e.button === 'c') switchTo(ctx, p, e.button === 'b', () => done(e.button === 'b'));
    },
    // not used (Cancel, or left): the previewed wallet's key goes (after Use the keyring holds it as the wallet's)
    leave: () => ctx.wallet.dropPreview(),
  };
}

/** Letting the bound app send a passphrase is the owner's choice, held like blind signing. */
function appPassphraseOn(ctx: AppContext, back: () => void): Activity {
  return {
    decision: true,
    screen: () => ({
      id: 'passphrase-app-on',
      title: 'Passphrase from the app',
      lines: [
        line('Let the bound app open passphrase wallets?', { size: 'large' }),
        line('The app sends the passphrase over its encrypted session; the device shows the wallet\'s fingerprint and asks you each time.'),
        line('The phone then knows the passphrase: type it here instead if the phone may be someone else\'s.', { color: THEME.warning }),
      ],
      buttons: { a: 'Cancel', c: 'Hold: Allow' },
    }),
    press: (e) => {
      if (e.button === 'a') back();
      else if (e.button === 'c' && e.long) {
        ctx.wallet.setAppAllowed(true);
        ctx.log.log('passphrase from the app turned on');
        back();
      }
    },
  };
}

/** The bound app asks to open a passphrase wallet (already checked, its fingerprint known): Use or Refuse. */
export function passphraseAsked(ctx: AppContext, app: string, fp: string, standard: boolean, answer: (use: boolean) => void): Activity {
  const reply = answerOnce(answer);
  const decide = (use: boolean) => {
    reply(use);
    ctx.home();
  };
  return {
    decision: true,
    interruptible: false,
    screen: () => ({
      id: 'passphrase-ask',
      title: standard ? 'Standard wallet?' : 'Passphrase wallet?',
      lines: [
        line(`The app "${escapeForScreen(app).slice(0, 40)}" asks to open:`),
        line(`Wallet ${fp}`, { size: 'huge', align: 'center' }),
        line(standard ? 'The wallet of the recovery words alone.' : 'Use it only if this is the fingerprint you expect.', { color: standard ? undefined : THEME.warning }),
      ],
      buttons: { a: 'Refuse', c: 'Use' },
    }),
    press: (e) => {
      if (e.long) return;
      if (e.button === 'c') decide(true);
      else if (e.button === 'a') decide(false);
    },
    leave: () => reply(false),
  };
}
