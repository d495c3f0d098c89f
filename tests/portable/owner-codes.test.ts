// The owner's codes on the device (both engines): the binding code shown again and replaced behind the PIN (and a
// verification code when enrolled); the one-time backup code made, used once, refused when used, expired, voided
// by a reboot, wrong or made while frozen; the History screen. Each with the attacker who tries to get past it.
import test from 'ava';
import { BACKUP_CODE_LENGTH, BACKUP_CODE_TTL_MS } from '../../modules/binding/backup-code.js';
import { CODE_ALPHABET } from '../../modules/binding/code.js';
import { ErrorCode, Kind } from '../../modules/protocol/messages.js';
import { AppPeer, screenCode } from './support/app-peer.js';
import { contains } from './support/vault-rig.js';
import { enrolCodes, menuItem, PIN, walletWithApp, type DeviceRig } from './support/device-rig.js';

const T0 = 1_800_000_000;

function ready(): { rig: DeviceRig; app: AppPeer } {
  return walletWithApp('owner-app', 'Owner phone', T0);
}

const kinds = (rig: DeviceRig, n = 5) => rig.d.events.latest(n).map((e) => e.kind);

/** Menu > Backup code with the PIN: the code read off the screen's QR code. */
function makeBackupCode(rig: DeviceRig): string {
  menuItem(rig, 'Backup code');
  rig.enterPin(PIN);
  if (rig.d.screen.id !== 'backup-code') throw new Error(`no backup code screen: ${rig.d.screen.id} ${rig.text()}`);
  const code = rig.d.screen.qr!;
  rig.press('b'); // Done: back to the menu
  rig.press('b', true); // hold B: home
  return code;
}

test('Menu > Binding code: the PIN first (a wrong one is counted and shows nothing), then the code; a new one replaces it', (t) => {
  const { rig, app } = ready();
  const old = rig.d.vault.bindingCode()!;
  menuItem(rig, 'Binding code');
  t.is(rig.d.screen.id, 'pin-binding-code');
  rig.enterPin('999999');
  t.is(rig.d.screen.id, 'pin-wrong');
  t.is(rig.d.vault.pinFailures, 1);
  t.false(rig.text().includes(old.slice(0, 4)), 'no code after a wrong PIN');
  rig.press('b');
  menuItem(rig, 'Binding code');
  rig.enterPin(PIN);
  t.is(rig.d.screen.id, 'binding-code');
  t.is(screenCode(rig.d), old);
  t.is(kinds(rig, 1)[0], 'binding-code-shown');
  // short C does nothing: replacing is a held decision
  rig.press('c');
  t.is(rig.d.screen.id, 'binding-code');
  rig.decide('c');
  t.is(rig.d.screen.id, 'binding-code-changed');
  const fresh = screenCode(rig.d)!;
  t.not(fresh, old);
  t.is(rig.d.vault.bindingCode(), fresh);
  t.is(kinds(rig, 1)[0], 'binding-code-changed');
  rig.press('a');
  rig.press('b', true);
  // the bound app stays bound
  t.deepEqual(app.call('ping').result, { pong: true });
  t.is(rig.d.screen.id, 'unlocked', rig.text());
  // a thief who knew the old code: refused; the new one binds
  const thief = new AppPeer(rig.b, 247, 'thief');
  thief.connect();
  const r = thief.bindUntilAllow(rig.d, 'Thief', old).replies;
  t.is(r[0].error?.code, ErrorCode.bindFailed);
  rig.press('b');
  const owner = new AppPeer(rig.b, 247, 'new-phone');
  owner.connect();
  t.is(owner.bindUntilAllow(rig.d, 'New phone', fresh).replies.length, 0, 'the device asks its owner');
  t.is(rig.d.screen.id, 'bind-allow');
});

test('with verification codes enrolled, the binding code and a backup code also need a code', (t) => {
  const { rig, app } = ready();
  app.call('ping'); // tells the device the time: codes need it
  enrolCodes(rig);
  menuItem(rig, 'Binding code');
  rig.enterPin(PIN);
  t.is(rig.d.screen.id, 'binding-code-code');
  rig.enterPin('000000');
  t.is(rig.d.screen.id, 'binding-code-code-refused');
  t.false(rig.text().includes(rig.d.vault.bindingCode()!.slice(0, 4)));
  rig.press('b');
  rig.press('b', true);
  menuItem(rig, 'Backup code');
  rig.enterPin(PIN);
  t.is(rig.d.screen.id, 'backup-code-code');
});

test('a backup code binds a new app once; the binding code is replaced; a second use, a wrong code and a frozen device are refused', (t) => {
  const { rig, app } = ready();
  const oldBinding = rig.d.vault.bindingCode()!;
  const code = makeBackupCode(rig);
  t.is(code.length, BACKUP_CODE_LENGTH);
  t.true([...code].every((c) => CODE_ALPHABET.includes(c)));
  t.is(kinds(rig, 1)[0], 'backup-code-made');
  // the record holds no form of the code
  const flash = rig.b.flash.bytes;
  const ascii = new TextEncoder().encode(code.slice(0, 12));
  t.false(contains(flash, ascii));

  // a wrong backup code: counted like a wrong binding code
  const guesser = new AppPeer(rig.b, 247, 'guesser');
  guesser.connect();
  guesser.requestBind('Guesser', true);
  t.is(rig.d.screen.id, 'bind-backup');
  const wrong = guesser.finishBind('2'.repeat(BACKUP_CODE_LENGTH));
  t.is(wrong[0].error?.code, ErrorCode.bindFailed);
  t.regex(wrong[0].error!.message, /wrong backup code/);
  t.is(rig.d.vault.bindFailures, 1);
  t.is(kinds(rig, 1)[0], 'backup-code-refused');
  rig.waitArmed();
  rig.press('b');

  // the owner's new phone binds with it (grouped as on the screen: spaces do not matter)
  const phone = new AppPeer(rig.b, 247, 'new-phone');
  phone.connect();
  const challenge = phone.requestBind('New phone', true);
  t.is(challenge[0].kind, Kind.bindChallenge);
  t.is(phone.finishBind(code.replace(/(.{5})/g, '$1 ')).length, 0, 'proved: the device asks its owner');
  t.is(rig.d.screen.id, 'bind-allow');
  rig.decide('c');
  t.deepEqual(phone.collect().map((r) => [r.kind, r.body[0]]), [[Kind.bindResult, 0]]);
  // the new binding code is on the screen; the old one binds no more
  t.is(rig.d.screen.id, 'binding-code-changed', 'shown over "App bound"');
  const newBinding = screenCode(rig.d)!;
  t.not(newBinding, oldBinding);
  t.is(rig.d.vault.bindingCode(), newBinding);
  t.deepEqual(kinds(rig, 5).slice(0, 4), ['app-replaced', 'binding-code-changed', 'backup-code-used', 'bind-requested']);
  rig.waitArmed();
  rig.press('a');
  const old = new AppPeer(rig.b, 247, 'old-code');
  old.connect();
  t.is(old.bindUntilAllow(rig.d, 'Old code', oldBinding).replies[0].error?.code, ErrorCode.bindFailed);
  rig.waitArmed();
  rig.press('b');
  // used: refused with its reason, and counted
  const again = new AppPeer(rig.b, 247, 'again');
  again.connect();
  const reuse = again.requestBind('Again', true);
  t.is(reuse[0].error?.code, ErrorCode.backupCode);
  t.regex(reuse[0].error!.message, /already used/);
  t.is(rig.d.vault.bindFailures, 2);
  void app;

  // frozen: no backup code is made
  rig.d.guard.freezeNow('owner');
  rig.reboot();
  rig.unlock();
  menuItem(rig, 'Backup code');
  t.is(rig.d.screen.id, 'backup-code-frozen');
  t.is(kinds(rig, 1)[0], 'backup-code-refused');
});

test('a backup code expires after 2 hours of device time, and a reboot voids it', (t) => {
  const { rig } = ready();
  makeBackupCode(rig);
  rig.b.advance(BACKUP_CODE_TTL_MS + 1000);
  rig.b.tick();
  t.is(kinds(rig, 1)[0], 'backup-code-expired');
  const late = new AppPeer(rig.b, 247, 'late');
  late.connect();
  rig.unlock();
  const r = late.requestBind('Late', true);
  t.is(r[0].error?.code, ErrorCode.backupCode);
  t.regex(r[0].error!.message, /expired/);

  // a fresh code, then a reboot: gone
  rig.d.vault.clearBindFailures();
  makeBackupCode(rig);
  rig.reboot();
  rig.unlock();
  const after = new AppPeer(rig.b, 247, 'after-reboot');
  after.connect();
  const v = after.requestBind('After reboot', true);
  t.is(v[0].error?.code, ErrorCode.backupCode);
  t.regex(v[0].error!.message, /no backup code is valid/);
});

test('Menu > History: newest first, three to a page, with what happened in words', (t) => {
  const { rig } = ready();
  for (let i = 0; i < 9; i++) rig.d.events.record('pin-wrong', { failures: i + 1, remaining: 9 - i });
  menuItem(rig, 'History');
  t.is(rig.d.screen.id, 'history');
  const head = rig.d.events.head.seq;
  t.regex(rig.d.screen.lines[0], new RegExp(`^#${head} Wrong PIN`));
  t.regex(rig.d.screen.lines[1], /failures 9, remaining 1/);
  t.falsy(rig.d.screen.buttons.b);
  rig.press('c');
  t.regex(rig.d.screen.lines[0], new RegExp(`^#${head - 3} `));
  t.regex(rig.text(), /Page 2 of/);
  rig.press('b');
  t.regex(rig.d.screen.lines[0], new RegExp(`^#${head} `));
  rig.press('a');
  t.is(rig.d.screen.id, 'menu');
});
