// Passphrase wallets (issue 23) on the whole device, both engines: typed on the wheel, reviewed in full, confirmed
// by fingerprint; kept only when asked (sealed, never in plain flash); locking returns to the standard wallet;
// from the app only when allowed and still confirmed on the device; the passphrase never in the log or an event.
import test from 'ava';
import { HDKey } from '@scure/bip32';
import { utf8Encode } from '../../modules/bytes.js';
import { CHARACTER_SETS } from '../../modules/app/passphrase-entry.js';
import { seedFromEntropy } from '../../modules/wallet/mnemonic.js';
import { fingerprintHex } from '../../modules/wallet/passphrase-wallet.js';
import { RecordKey } from '../../modules/vault/records.js';
import { bindApp, deviceRig, ENTROPY, menuItem, PIN, type DeviceRig } from './support/device-rig.js';
import { contains } from './support/vault-rig.js';
import { retire } from './support/flash-clip.js';

const fp = (passphrase: string) => fingerprintHex(HDKey.fromMasterSeed(seedFromEntropy(ENTROPY, passphrase)).fingerprint);

/** Menu > Passphrase wallet > `label`. */
function passphraseItem(rig: DeviceRig, label: string): void {
  menuItem(rig, 'Passphrase wallet');
  const chosen = () => rig.d.screen.lines.find((l) => l.startsWith('>'))!.slice(2);
  for (let i = 0; i < 10 && !chosen().startsWith(label); i++) rig.press('c');
  if (!chosen().startsWith(label)) throw new Error(`no item "${label}": ${rig.text()}`);
  rig.press('b');
}

/** The wheel's character set and position, read off the screen. */
function wheel(rig: DeviceRig): { set: number; ch: string } {
  const set = CHARACTER_SETS.findIndex((s) => rig.d.screen.title === `Passphrase (${s.name})`);
  const m = /\[(space|.)\]/.exec(rig.d.screen.lines[1]);
  if (set < 0 || !m) throw new Error(`no passphrase wheel: ${rig.text()}`);
  return { set, ch: m[1] === 'space' ? ' ' : m[1] };
}

/** Type `text` on the wheel as an owner would (the shorter way round); returns the presses it took. */
function typeOnWheel(rig: DeviceRig, text: string): number {
  let presses = 0;
  for (const ch of text) {
    const target = CHARACTER_SETS.findIndex((s) => s.chars.includes(ch));
    while (wheel(rig).set !== target) { rig.press('c', true); presses++; }
    const chars = CHARACTER_SETS[target].chars;
    const n = chars.length;
    const forward = (chars.indexOf(ch) - chars.indexOf(wheel(rig).ch) + n) % n;
    for (let i = 0; i < Math.min(forward, n - forward); i++) { rig.press(forward <= n - forward ? 'c' : 'a'); presses++; }
    rig.press('b');
    presses++;
  }
  return presses;
}

/** Menu > Passphrase wallet > Enter a passphrase, typed, reviewed (its text returned), and the fingerprint shown. */
function enter(rig: DeviceRig, passphrase: string): string {
  menuItem(rig, 'Passphrase wallet');
  rig.press('b'); // Enter a passphrase
  typeOnWheel(rig, passphrase);
  rig.press('a', true);
  if (rig.d.screen.id !== 'passphrase-review') throw new Error(`no review: ${rig.text()}`);
  const review = rig.d.screen.pages.flatMap((p) => p.rows.map((r) => r.text)).join('\n');
  rig.press('c');
  return review;
}

test('typed on the wheel, reviewed in full, confirmed by fingerprint; home shows it; locking returns to the standard wallet', (t) => {
  const rig = deviceRig({ wallet: true, unlocked: true });
  const standard = rig.d.wallet.fingerprint;
  t.is(standard, fp(''));
  const secret = ' Tr3zor! x  ~';
  const review = enter(rig, secret);
  t.regex(review, /13 characters:/);
  t.true(review.includes('  1 " Tr3zor! x  ~"'), 'every character is drawn, spaces at the ends kept between quotes');
  t.regex(review, /4 spaces at positions 1, 9, 11, 12\./);
  t.is(rig.d.screen.id, 'passphrase-wallet');
  t.true(rig.d.screen.lines.includes(`Wallet ${fp(secret)}`));
  t.is(rig.d.wallet.fingerprint, standard, 'nothing switched before the owner confirms');
  rig.decide('c', false);
  t.is(rig.d.screen.id, 'passphrase-in-use');
  rig.press('b');
  t.is(rig.d.screen.id, 'unlocked');
  t.true(rig.d.screen.lines.includes(`Passphrase wallet ${fp(secret)}`));
  t.is(rig.d.wallet.fingerprint, fp(secret));
  const switched = rig.d.events.latest(5).find((e) => e.kind === 'wallet-switched')!;
  t.deepEqual(switched.details, { wallet: fp(secret), passphrase: true, by: 'device' });
  t.false(rig.b.logs.some((l) => l.includes('Tr3zor')), 'the passphrase is not in the log');
  t.false(rig.b.logs.some((l) => /on passphrase-entry/.test(l)), 'nor the presses that spell it');
  // Lock: back to the standard wallet, and nothing was kept
  rig.press('a');
  rig.unlock();
  rig.b.advance(200);
  t.false(rig.d.wallet.inUse);
  t.is(rig.d.wallet.fingerprint, standard);
  t.false(rig.d.screen.lines.some((l) => l.startsWith('Passphrase wallet')));
  t.false(contains(rig.b.flash.bytes, utf8Encode('Tr3zor')));
});

test('a long passphrase reaches 100 characters and no more; the review shows every one across its rows', (t) => {
  const rig = deviceRig({ wallet: true, unlocked: true });
  menuItem(rig, 'Passphrase wallet');
  rig.press('b');
  for (let i = 0; i < 104; i++) rig.press('b');
  t.regex(rig.d.screen.lines[0], /^\+84 "a{16}"$/, 'the wheel shows the tail and says how many are before it');
  rig.press('a', true);
  const rows = rig.d.screen.pages.flatMap((p) => p.rows.map((r) => r.text));
  t.true(rows.includes('100 characters:'));
  t.is(rows.filter((r) => /^ *\d+ "a+"$/.test(r)).map((r) => /"(a+)"/.exec(r)![1]).join('').length, 100);
  t.deepEqual(rig.d.screen.problems, []);
  rig.press('a'); // Edit: back on the wheel with everything typed
  rig.press('b', true);
  rig.press('a', true);
  t.true(rig.d.screen.pages.flatMap((p) => p.rows.map((r) => r.text)).includes('99 characters:'));
});

test('all 95 characters are on the wheel, none more than 16 presses away; a word costs a few presses per letter', (t) => {
  const all = CHARACTER_SETS.flatMap((s) => s.chars);
  t.is(all.length, 95);
  t.is(new Set(all).size, 95);
  for (let c = 0x20; c <= 0x7e; c++) t.true(all.includes(String.fromCharCode(c)));
  t.true(Math.max(...CHARACTER_SETS.map((s) => Math.floor(s.chars.length / 2))) <= 16);
  const rig = deviceRig({ wallet: true, unlocked: true });
  menuItem(rig, 'Passphrase wallet');
  rig.press('b');
  const presses = typeOnWheel(rig, 'Correct Horse');
  t.log(`"Correct Horse": ${presses} presses`);
  t.true(presses < 13 * 8);
});

test('kept on the device: sealed (not in plain flash, its length hidden), reopened at every unlock and after a PIN change; forgotten on request', (t) => {
  const rig = deviceRig({ wallet: true, unlocked: true });
  enter(rig, 'keepme');
  rig.decide('b', false); // Keep
  rig.press('b');
  t.true(rig.d.wallet.stored);
  t.is(rig.d.vault.log.get(RecordKey.passphrase)!.length, 12 + 102 + 16, 'padded to 100 characters: the flash does not tell its length');
  t.false(contains(rig.b.flash.bytes, utf8Encode('keepme')));
  t.true(rig.d.events.latest(5).some((e) => e.kind === 'wallet-passphrase-stored'));
  rig.reboot();
  rig.unlock();
  rig.b.advance(200);
  t.is(rig.d.wallet.fingerprint, fp('keepme'));
  t.true(rig.text().includes(`Passphrase wallet ${fp('keepme')}`));
  // a new PIN re-seals it with the seed
  menuItem(rig, 'Change PIN');
  rig.enterPin(PIN);
  rig.enterPin('654321');
  rig.enterPin('654321');
  t.is(rig.d.screen.id, 'pin-changed');
  rig.press('b');
  rig.press('a');
  rig.unlock('654321');
  t.is(rig.d.wallet.fingerprint, fp('keepme'));
  passphraseItem(rig, 'Forget kept passphrase');
  t.is(rig.d.screen.id, 'passphrase-forgotten');
  t.false(rig.d.wallet.stored);
  t.is(rig.d.wallet.fingerprint, fp('keepme'), 'the wallet in use stays until the device locks');
  rig.reboot();
  rig.unlock('654321');
  t.is(rig.d.wallet.fingerprint, fp(''));
});

test('a flash clip that puts back a forgotten passphrase (or retires a kept one) is caught by the vault head', (t) => {
  const rig = deviceRig({ wallet: true, unlocked: true });
  enter(rig, 'clip');
  rig.decide('b', false);
  rig.press('b');
  const kept = rig.b.flash.bytes.slice();
  passphraseItem(rig, 'Forget kept passphrase');
  rig.b.flash.bytes.set(kept); // the image from before the forget programmed back
  rig.reboot();
  t.is(rig.d.state, 'tampered', 'an older image that still kept the passphrase');
  t.throws(() => rig.d.vault.unlock(PIN), { code: 'no-wallet' });
  // retiring the kept record (read as absent: the standard wallet would open instead)
  const again = deviceRig({ wallet: true, unlocked: true });
  enter(again, 'clip');
  again.decide('b', false);
  again.b.flash.bytes.set(retire(again.b.flash.bytes, 4096, RecordKey.passphrase));
  again.reboot();
  t.is(again.d.state, 'tampered', 'the kept passphrase retired');
});

test('the standard wallet again from the menu', (t) => {
  const rig = deviceRig({ wallet: true, unlocked: true });
  enter(rig, 'x');
  rig.decide('c', false);
  rig.press('b');
  passphraseItem(rig, 'Standard wallet');
  t.is(rig.d.screen.id, 'passphrase-standard');
  t.true(rig.d.screen.lines.includes(`Wallet ${fp('')}`));
  t.false(rig.d.wallet.inUse);
});

test('from the app: refused until the owner allows it; then shown by fingerprint and confirmed; bad params lose nothing', (t) => {
  const rig = deviceRig({ wallet: true, unlocked: true });
  rig.d.vault.setPreferences({ ...rig.d.vault.preferences, autoLockMinutes: 30 });
  const app = bindApp(rig, 'pp-app', 'Pixel');
  t.is(app.call('get_info').result.fingerprint, fp(''));
  t.is(app.call('wallet_use_passphrase', { passphrase: 'app secret' }).error.code, 'not-allowed');
  passphraseItem(rig, 'From the app');
  t.is(rig.d.screen.id, 'passphrase-app-on');
  rig.decide('c', true);
  t.true(rig.d.vault.preferences.appPassphrase);
  t.is(rig.d.vault.preferences.autoLockMinutes, 30, 'the other preferences are kept');
  rig.press('b', true);
  rig.press('b', true);
  for (const bad of [7, 'caf\u00e9', 'x'.repeat(101), 'tab\t']) t.is(app.call('wallet_use_passphrase', { passphrase: bad }).error.code, 'bad-params');
  t.is(app.call('wallet_use_passphrase', { passphrase: 'a', extra: 1 }).error.code, 'bad-params');
  // Refused on the device: nothing changes
  app.ask('wallet_use_passphrase', { passphrase: 'app secret' });
  t.is(rig.d.screen.id, 'passphrase-ask');
  t.true(rig.d.screen.lines.includes(`Wallet ${fp('app secret')}`));
  t.false(rig.d.screen.lines.join(' ').includes('app secret'), 'the screen shows the fingerprint, not the passphrase');
  rig.decide('a', false);
  t.is(app.answer().error.code, 'refused');
  t.false(rig.d.wallet.inUse);
  // Used
  app.ask('wallet_use_passphrase', { passphrase: 'app secret' });
  rig.decide('c', false);
  t.deepEqual(app.answer().result, { fingerprint: fp('app secret'), passphrase: true });
  t.is(app.call('get_info').result.fingerprint, fp('app secret'));
  t.is(app.call('wallet_info').result.fingerprint, fp('app secret'));
  t.is(app.call('btc_get_xpub', {}).result.fingerprint, fp('app secret'));
  t.like(rig.d.events.latest(3).find((e) => e.kind === 'wallet-switched')!.details, { wallet: fp('app secret'), by: 'app' });
  t.false(rig.b.logs.some((l) => l.includes('app secret')));
  t.false(JSON.stringify(rig.d.events.latest(20).map((e) => e.details)).includes('app secret'));
  // turned off again: refused again
  passphraseItem(rig, 'From the app');
  t.false(rig.d.vault.preferences.appPassphrase);
  t.is(app.call('wallet_use_passphrase', { passphrase: '' }).error.code, 'not-allowed');
  // locked: the app hears locked, get_info carries no fingerprint
  rig.press('b', true);
  rig.press('b', true);
  rig.press('a');
  t.is(app.call('get_info').result.fingerprint, undefined);
});

test('in duress mode the real wallet\'s kept passphrase is neither opened, shown, replaced nor forgotten', (t) => {
  const rig = deviceRig({ wallet: true, unlocked: true });
  enter(rig, 'real hidden');
  rig.decide('b', false); // Keep
  rig.press('b');
  const kept = rig.d.vault.log.get(RecordKey.passphrase)!.slice();
  rig.d.vault.setDuressPin('999999');
  rig.press('a'); // Lock
  rig.unlock('999999');
  rig.b.advance(200);
  t.true(rig.d.vault.duressMode);
  t.false(rig.d.wallet.inUse);
  t.not(rig.d.wallet.fingerprint, fp('real hidden'));
  t.false(rig.text().includes('Passphrase wallet'), 'the home screen is an ordinary one');
  menuItem(rig, 'Passphrase wallet');
  t.false(rig.d.screen.lines.some((l) => l.includes('Forget kept passphrase')));
  rig.press('b', true);
  rig.press('b', true);
  enter(rig, 'decoy hidden');
  rig.decide('b', false); // Keep, in duress mode: the same screens, nothing written
  t.is(rig.d.screen.id, 'passphrase-in-use');
  t.regex(rig.text(), /Kept on this device/, 'the same screen as outside duress mode');
  rig.press('b');
  t.deepEqual(rig.d.vault.log.get(RecordKey.passphrase), kept);
  t.true(rig.d.events.latest(3).some((e) => e.kind === 'wallet-passphrase-stored' && e.details.wallet === rig.d.wallet.fingerprint), 'the event any device writes');
  menuItem(rig, 'Passphrase wallet');
  t.true(rig.d.screen.lines.some((l) => l.includes('Forget kept passphrase')), 'the menu of a device that keeps one: no tell');
  rig.press('b', true);
  rig.press('b', true);
  rig.press('a'); // Lock: what the decoy kept is forgotten (README: what the decoy cannot act)
  rig.unlock('999999');
  rig.b.advance(200);
  t.false(rig.d.wallet.inUse);
  rig.press('a');
  rig.unlock();
  rig.b.advance(200);
  t.false(rig.d.vault.duressMode);
  t.is(rig.d.wallet.fingerprint, fp('real hidden'), 'the owner\'s kept wallet opens as before');
});
