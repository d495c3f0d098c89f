/**
 * Menu > Authenticator: the accounts the owner added from the app, and their codes, on the LCD only.
 * A time-based code needs the world's time, which only the bound app tells (with each request): until an app
 * has spoken since boot the screen says so instead of guessing, and the code shows the date and time (UTC) it is
 * for, so a code for another day than today is seen as such. A counter-based code is new each time it is shown.
 * And the screen where the owner confirms an account the app asks to add (a held decision).
 */
import { AuthenticatorAccounts, type AccountSummary } from '../authenticator/accounts.js';
import type { OtpParams } from '../guard/otp.js';
import { utcText } from '../guard/world-time.js';
import { line } from '../ui/screen.js';
import { escapeForScreen } from '../ui/escape.js';
import { listWindow } from '../ui/list.js';
import { THEME } from '../ui/render.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { wipe } from '../bytes.js';
import { LatchError } from '../errors.js';
import { isAuthenticatorKey, type VaultRecords } from '../vault/records.js';
import { answerOnce, message, type Activity, type AppContext } from './activity.js';
import { appNamed } from './binding.js';

const LIST_ROWS = 5;

/**
 * What the accounts' key comes from: the wallet's words; for the duress PIN's decoy kept as a seed (it has none,
 * vault/duress.ts) a stand-in from that seed, as its passphrase wallets (Keyring.loadSeed): it works as on any device.
 */
function keySource(ctx: AppContext): Uint8Array {
  const seed = ctx.vault.decoySeed();
  if (!seed) return ctx.vault.seedEntropy();
  try {
    return sha256(seed);
  } finally {
    wipe(seed);
  }
}

/** The vault's authenticator accounts (open only while the wallet is unlocked). */
export function accountsOf(ctx: AppContext): AuthenticatorAccounts {
  return new AuthenticatorAccounts(ctx.vault.duressMode ? decoyRecords(ctx.vault.records, ctx.vault.decoyAccounts) : ctx.vault.records, () => keySource(ctx), (n) => ctx.entropy.bytes(n), (secret) => ctx.guard.isCodeSecret(secret));
}

/**
 * In duress mode (vault/duress.ts) the authenticator starts empty: the real accounts are neither listed nor touched
 * (they are sealed under a key from the real seed). One added there is held by the decoy until the lock
 * (vault/decoy-session.ts), never written: it would take a real one's slot, and a refusal would tell the decoy.
 */
function decoyRecords(records: VaultRecords, held: Map<number, Uint8Array>): VaultRecords {
  const refuse = (): never => { throw new LatchError('bad-params', 'the authenticator cannot store accounts now'); };
  const mine = (key: number) => { if (!isAuthenticatorKey(key)) refuse(); };
  return {
    ...records,
    get: (key) => (isAuthenticatorKey(key) ? held.get(key)?.slice() : records.get(key)),
    set: refuse,
    delete: (key) => { mine(key); wipe(held.get(key)); held.delete(key); },
    getSealed: (key) => (isAuthenticatorKey(key) ? held.get(key)?.slice() : records.getSealed(key)),
    setSealed: (key, inner) => { mine(key); wipe(held.get(key)); held.set(key, inner.slice()); },
  };
}

/** "123 456" / "1234 5678": easier to read off a screen and type. */
export function groupDigits(code: string): string {
  const half = code.length / 2;
  return `${code.slice(0, half)} ${code.slice(half)}`;
}

/** What kind of code an account gives, in words. */
export function describeParams(p: OtpParams): string {
  return p.kind === 'totp'
    ? `Time-based, ${p.digits} digits, every ${p.period} s, ${p.algorithm}`
    : `Counter-based, ${p.digits} digits, ${p.algorithm}, from counter ${p.counter ?? 0n}`;
}

export function authenticatorMenu(ctx: AppContext, back: () => void): Activity {
  const accounts = accountsOf(ctx).list();
  if (!accounts.length) {
    return message(ctx, 'authenticator-empty', 'Authenticator', [
      line('No accounts yet.'),
      line('Add one from the app (latch authenticator add) and confirm it here; its codes then show on this screen only.', { color: THEME.dim }),
    ], back);
  }
  let at = 0;
  return {
    screen: () => ({
      id: 'authenticator',
      title: `Authenticator (${accounts.length})`,
      lines: [...listWindow(accounts.map((a) => a.name), at, LIST_ROWS), line('Hold B: back', { color: THEME.dim })],
      buttons: { a: 'Up', b: 'Show', c: 'Down' },
    }),
    press: (e) => {
      if (e.long) {
        if (e.button === 'b') back();
        return;
      }
      if (e.button === 'a') at = (at + accounts.length - 1) % accounts.length;
      else if (e.button === 'c') at = (at + 1) % accounts.length;
      else {
        const again = () => ctx.go(authenticatorMenu(ctx, back));
        return ctx.go(accounts[at].damaged ? removeAccount(ctx, accounts[at], again, again) : accountCode(ctx, accounts[at], again));
      }
      ctx.refresh();
    },
  };
}

/** One account's code; hold C asks to remove the account. */
function accountCode(ctx: AppContext, account: AccountSummary, back: () => void): Activity {
  const store = accountsOf(ctx);
  let code = '';
  let note = '';
  /** the date and time the code is for: a code for tomorrow shows tomorrow's date */
  let at = '';
  let shownFor = -1;
  let second = -1;
  const show = (): boolean => {
    if (account.kind === 'hotp') return false;
    const unix = ctx.guard.world.now();
    if (unix === undefined) {
      const changed = code !== '' || shownFor !== -1;
      code = '';
      shownFor = -1;
      return changed;
    }
    // once a second, not every tick: each look opens the account (the seed key and two seals)
    if (Math.floor(unix) === second) return false;
    second = Math.floor(unix);
    const t = store.totp(account.slot, unix);
    const changed = t.code !== code || t.validForS !== shownFor;
    code = t.code;
    shownFor = t.validForS;
    note = `Valid ${t.validForS} s more, by the app's clock.`;
    at = `For ${utcText(unix)}`;
    return changed;
  };
  const nextCounter = () => {
    const h = store.nextHotp(account.slot);
    code = h.code;
    note = `Code #${h.counter}: each one works once; the next is new.`;
  };
  if (account.kind === 'hotp') nextCounter();
  else show();
  return {
    screen: () => ({
      id: 'authenticator-code',
      title: account.name,
      lines: code
        ? [line(account.name, { color: THEME.dim }), line(''), line(groupDigits(code), { size: 'huge', align: 'center' }), ...(at ? [line(at, { align: 'center' })] : []), line(note, { color: THEME.dim })]
        : [line(account.name, { color: THEME.dim }), line('The device has no clock of the world.', { color: THEME.warning }), line('Open the bound app (any request tells the time), then look again.')],
      buttons: { a: 'Back', ...(account.kind === 'hotp' ? { b: 'Next' } : {}), c: 'Hold: Remove' },
    }),
    press: (e) => {
      if (e.button === 'a' && !e.long) back();
      else if (e.button === 'b' && !e.long && account.kind === 'hotp') {
        nextCounter();
        ctx.refresh();
      } else if (e.button === 'c' && e.long) ctx.go(removeAccount(ctx, account, back, () => ctx.go(accountCode(ctx, account, back))));
    },
    tick: () => show(),
    leave: () => { code = ''; },
  };
}

/** Removing is a held decision on its own screen: a press meant for the code screen cannot land on it. */
function removeAccount(ctx: AppContext, account: AccountSummary, done: () => void, keep: () => void): Activity {
  return {
    decision: true,
    screen: () => ({
      id: 'authenticator-remove',
      title: 'Remove account',
      lines: [
        line(`Remove "${account.name}" from this device?`, { size: 'large' }),
        line('Its codes are gone for good: sign in to the service another way before you turn its two-factor login off.', { color: THEME.warning }),
      ],
      buttons: { a: 'Keep', c: 'Hold: Remove' },
    }),
    press: (e) => {
      if (e.button === 'a' && !e.long) keep();
      else if (e.button === 'c' && e.long) {
        const name = accountsOf(ctx).remove(account.slot);
        ctx.events.record('authenticator-removed', { name });
        ctx.log.log('authenticator account removed by the owner');
        ctx.go(message(ctx, 'authenticator-removed', 'Account removed', [line(`"${name}" is gone from this device.`)], done));
      }
    },
  };
}

/** The app asks to add an account: the owner reads what it is and holds C to add it. */
export function authenticatorAdd(ctx: AppContext, label: string, name: string, params: OtpParams, answer: (added: boolean) => void): Activity {
  const decide = answerOnce(answer);
  return {
    decision: true,
    screen: () => ({
      id: 'authenticator-add',
      title: 'Add authenticator account',
      lines: [
        line(`The ${appNamed(label)} asks to add:`),
        line(`"${escapeForScreen(name)}"`, { size: name.length <= 23 ? 'large' : 'normal' }),
        line(describeParams(params), { color: THEME.dim }),
        line('Its codes will show on this screen only, never in the app.', { color: THEME.dim }),
      ],
      buttons: { a: 'Refuse', c: 'Hold: Add' },
    }),
    press: (e) => {
      if (e.button === 'a' && !e.long) decide(false);
      else if (e.button === 'c' && e.long) decide(true);
    },
    leave: () => decide(false),
  };
}
