// The duress PIN through the whole device on both engines (issue 23), played as the attacker who forces the owner
// to unlock, holds the device and perhaps the phone: the screens he sees (what the LCD draws), the link's answers
// and what is reachable in duress mode, against a device where no duress PIN was ever set; then the owner: the
// alarm in the bound app, the frozen real wallet, and unfreezing only with a verification code.
import test from 'ava';
import { decodeEvent } from '../../modules/guard/event-format.js';
import { AppPeer } from './support/app-peer.js';
import { HDKey } from '@scure/bip32';
import { seedFromEntropy } from '../../modules/wallet/mnemonic.js';
import { ENTROPY, enrolCodes, menuItem, PIN, walletWithApp, type DeviceRig } from './support/device-rig.js';
import { home, setDuress, unfreezeWithCode } from './support/duress-steps.js';

const DURESS = '654321';
const T0 = 1_800_000_000;
const BANK = 'otpauth://totp/Bank:alice?secret=JBSWY3DPEHPK3PXP&issuer=Bank';

/** An owner's device: a wallet, a bound app, verification codes; with a duress PIN set from the menu if asked. */
function owned(duress: boolean): { rig: DeviceRig; app: AppPeer; secret: Uint8Array } {
  const { rig, app } = walletWithApp('duress-app', 'Alice phone', T0);
  app.call('ping'); // tells the time
  const secret = enrolCodes(rig);
  if (duress) setDuress(rig, DURESS, PIN);
  home(rig);
  return { rig, app, secret };
}


/** Lock from the home screen, and unlock with `pin`; returns the ids of the screens on the way. */
function relock(rig: DeviceRig, app: AppPeer, pin: string): string[] {
  const ids: string[] = [];
  rig.press('a'); // Lock
  ids.push(rig.d.screen.id);
  rig.unlock(pin);
  ids.push(rig.d.screen.id);
  app.connect();
  app.openSession();
  return ids;
}

/** Keys of an answer, recursively: the shape without the values. */
function shape(v: unknown): unknown {
  if (v instanceof Uint8Array) return `bytes${v.length}`;
  if (Array.isArray(v)) return v.map(shape);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, shape((v as Record<string, unknown>)[k])]));
  return typeof v;
}

const lastFrame = (rig: DeviceRig) => JSON.stringify(rig.b.canvas.frames[rig.b.canvas.frames.length - 1]);

test('what the LCD draws in duress mode is what a device without a duress PIN draws: locked, unlocked, the menu', (t) => {
  const plain = owned(false);
  const forced = owned(true);
  t.is(forced.rig.d.vault.hasDuressPin, true);
  const bits = [plain.rig.d.vault.counterRemaining, forced.rig.d.vault.counterRemaining];
  t.true(Number.isFinite(bits[0]) && Number.isFinite(bits[1]), 'the board has a rollback counter');
  const plainIds = relock(plain.rig, plain.app, PIN);
  const forcedIds = relock(forced.rig, forced.app, DURESS);
  t.deepEqual(forcedIds, plainIds);
  t.is(bits[1] - forced.rig.d.vault.counterRemaining, bits[0] - plain.rig.d.vault.counterRemaining, 'as many rollback-counter bits burned (get_info reports them)');
  t.true(forced.rig.d.vault.duressMode);
  t.is(lastFrame(forced.rig), lastFrame(plain.rig), 'the unlocked home, pixel call for pixel call');
  for (const rig of [plain.rig, forced.rig]) rig.press('b'); // Menu
  t.deepEqual(forced.rig.d.screen.lines, plain.rig.d.screen.lines);
  t.is(lastFrame(forced.rig), lastFrame(plain.rig), 'the menu');
  // every menu item's label, scrolling through (the duress item says "off" like on the plain device)
  for (let i = 0; i < 20; i++) {
    for (const rig of [plain.rig, forced.rig]) rig.press('c');
    t.deepEqual(forced.rig.d.screen.lines, plain.rig.d.screen.lines);
  }
  // Menu > Duress PIN in duress mode: the flow of a device with none set (side by side), and nothing written
  const before = forced.rig.d.vault.log.get(25);
  for (const rig of [plain.rig, forced.rig]) home(rig);
  t.is(setDuress(forced.rig, DURESS, DURESS), 'duress-pin-same', 'the decoy\'s own PIN: "Not your PIN", as on any device');
  t.is(setDuress(plain.rig, PIN, PIN), 'duress-pin-same');
  t.is(setDuress(forced.rig, '777777', DURESS), 'duress-set');
  t.is(setDuress(plain.rig, '777777', PIN), 'duress-set');
  t.deepEqual(forced.rig.d.vault.log.get(25), before, 'the duress record is unchanged');
  t.true(forced.rig.d.vault.duressMode);
  for (const rig of [plain.rig, forced.rig]) {
    home(rig);
    rig.press('b'); // Menu
    for (let i = 0; i < 20 && !/Duress PIN/.test(rig.d.screen.lines.join()); i++) rig.press('c');
  }
  t.deepEqual(forced.rig.d.screen.lines, plain.rig.d.screen.lines, 'the menu says "Duress PIN: on" on both');
  t.regex(JSON.stringify(forced.rig.d.screen.lines), /Duress PIN: on/);
  // the real PIN as the decoy's "new duress PIN" (Change): the same answer, no oracle
  for (const rig of [plain.rig, forced.rig]) home(rig);
  menuItem(forced.rig, 'Duress PIN');
  t.is(forced.rig.d.screen.id, 'duress-pin');
  forced.rig.press('b'); // Change
  forced.rig.enterPin(DURESS);
  forced.rig.enterPin(PIN);
  forced.rig.enterPin(PIN);
  t.is(forced.rig.d.screen.id, 'duress-decoy');
  forced.rig.press('a'); // Empty
  t.is(forced.rig.d.screen.id, 'duress-set', 'the real PIN as a new duress PIN: the same answer, no oracle');
  t.deepEqual(forced.rig.d.vault.log.get(25), before);
});

test('over the link the decoy answers like any wallet: the same shapes, other keys; nothing of the real wallet', (t) => {
  const { rig, app } = owned(true);
  app.ask('authenticator_add', { uri: BANK });
  rig.decide('c');
  t.like(app.answer().result, { added: true });
  const calls: [string, Record<string, unknown>?][] = [['get_info'], ['btc_get_xpub', { network: 'testnet' }], ['eth_get_address'], ['eth_get_xpub'], ['authenticator_list'], ['policy_get'], ['pending_list'], ['otp_status']];
  const real = calls.map(([m, p]) => app.call(m, p));
  relock(rig, app, DURESS);
  t.true(rig.d.vault.duressMode);
  const decoy = calls.map(([m, p]) => app.call(m, p));
  for (let i = 0; i < calls.length; i++) {
    t.falsy(decoy[i].error, `${calls[i][0]}: ${JSON.stringify(decoy[i].error)}`);
    if (calls[i][0] !== 'authenticator_list') t.deepEqual(shape(decoy[i]), shape(real[i]), calls[i][0]);
  }
  t.is(decoy[0].result.state, 'unlocked');
  t.notDeepEqual(decoy[1].result.xpub, real[1].result.xpub, 'another wallet');
  t.not(decoy[2].result.address, real[2].result.address);
  t.deepEqual(decoy[4].result, { accounts: [] }, 'the real authenticator accounts are not listed');
  const slot0 = rig.d.vault.log.get(0x200);
  t.truthy(slot0);
  app.ask('authenticator_add', { uri: BANK });
  rig.decide('c');
  const added = app.answer();
  t.like(added.result, { added: true }, `added as on any device, no refusal only a decoy gives: ${JSON.stringify(added.error)}`);
  t.is(app.call('authenticator_list').result.accounts.length, 1, 'and listed');
  t.deepEqual(rig.d.vault.log.get(0x200), slot0, 'the real account is not overwritten');
  t.is(rig.d.vault.log.get(0x201), undefined, 'nor written beside it: the decoy holds it until the lock');
  home(rig);
  // the decoy signs (a message: no limits in the way)
  app.ask('eth_sign_message', { message: new TextEncoder().encode('hello') });
  rig.readReview(10);
  rig.decide('c');
  t.truthy(app.answer().result.signature);
  // the device's own History shows nothing from before the duress PIN, nor the alarm
  home(rig);
  menuItem(rig, 'History');
  t.notRegex(rig.text(), /DURESS|Duress|App bound|Verification codes on|#[4-9]\d? /);
  t.regex(rig.text(), /#3 Signed.*#2 Signing asked.*#1 Authenticator account added/, 'only the decoy\'s own, numbered from 1');
  rig.press('a');
  // the app freezing the decoy gets an ordinary answer
  t.like(app.call('freeze').result, { frozen: true, by: 'app' });
  // what the decoy cannot act: its account is gone after a lock (README), and the owner's is still there
  t.deepEqual(rig.d.vault.log.get(0x200), slot0);
  t.is(rig.d.screen.id, 'locked', 'a freeze locks');
  rig.unlock(DURESS);
  app.connect();
  app.openSession();
  t.deepEqual(app.call('authenticator_list').result, { accounts: [] });
});

test('the alarm reaches the bound app; the owner sees the frozen wallet with the real PIN and unfreezes only with a code', (t) => {
  const { rig, app, secret } = owned(true);
  relock(rig, app, DURESS);
  const answer = app.call('events_since', { since: 1 }).result;
  const kinds = answer.events.map((e: Uint8Array) => decodeEvent(e).kind);
  t.true(kinds.includes('duress-pin-set'));
  t.is(kinds[kinds.length - 1], 'duress-pin-entered', kinds.join(', '));
  // the owner later: the real PIN opens the real wallet, frozen by the duress PIN
  rig.press('a');
  t.is(rig.d.screen.id, 'locked');
  t.notRegex(rig.text(), /FROZEN/, 'locked, the freeze is not shown: whoever holds the device does not know which PIN comes');
  rig.unlock(PIN);
  t.false(rig.d.vault.duressMode);
  t.regex(rig.text(), /FROZEN by the duress PIN/);
  app.connect();
  app.openSession();
  t.like(app.call('eth_sign_message', { message: new TextEncoder().encode('x') }).error, { code: 'frozen' });
  t.like(app.call('unfreeze').error, { code: 'needs-code' }, 'the app cannot lift it');
  home(rig);
  t.is(unfreezeWithCode(rig, app, PIN, secret, T0), 'unfrozen');
  t.is(rig.d.guard.freeze.inForce, undefined);
});

test('a duress PIN needs verification codes; it can never be the real PIN, nor the real PIN become it', (t) => {
  const { rig, app } = walletWithApp('duress-app-2', 'Alice phone', T0);
  app.call('ping');
  menuItem(rig, 'Duress PIN');
  t.is(rig.d.screen.id, 'duress-needs-codes');
  rig.press('b');
  enrolCodes(rig);
  t.is(setDuress(rig, PIN), 'duress-pin-same');
  t.false(rig.d.vault.hasDuressPin);
  t.is(setDuress(rig, DURESS), 'duress-set');
  // the codes stay while it is set (only a code unfreezes after a duress unlock): "Lost it" says so
  menuItem(rig, 'Verification codes');
  rig.press('c');
  t.is(rig.d.screen.id, 'codes-duress');
  t.true(rig.d.guard.codes.enrolled);
  t.is(rig.d.guard.changes.list().length, 0, 'no removal pending');
  rig.press('b');
  menuItem(rig, 'Change PIN');
  rig.enterPin(PIN);
  rig.enterPin(DURESS);
  rig.enterPin(DURESS);
  t.is(rig.d.screen.id, 'pin-is-duress');
  rig.press('b');
  menuItem(rig, 'Duress PIN: on');
  t.is(rig.d.screen.id, 'duress-pin');
  rig.press('c', true);
  rig.enterPin(PIN);
  t.is(rig.d.screen.id, 'duress-removed');
  t.false(rig.d.vault.hasDuressPin);
});

test('the wrong-PIN count treats both PINs alike: the duress PIN resets it like the real one', (t) => {
  const { rig, app } = owned(true);
  rig.press('a');
  for (let i = 0; i < 3; i++) {
    rig.unlock('000000');
    rig.press('b');
  }
  t.is(rig.d.vault.pinFailures, 3);
  rig.unlock(DURESS);
  t.is(rig.d.vault.pinFailures, 0);
  t.is(rig.d.screen.id, 'unlocked');
  void app;
});

test('a decoy kept as a BIP39 seed (a passphrase wallet of the real words): its keys over the link, never the real ones', (t) => {
  const { rig, app } = owned(false);
  const realXpub = app.call('eth_get_xpub').result.xpub;
  // the seed of a passphrase wallet of the real words, as the owner would choose it (the vault API: the menu's
  // choice comes with the passphrase entry)
  const seed = seedFromEntropy(ENTROPY, 'decoy passphrase');
  rig.d.vault.setDuressPin(DURESS, seed);
  home(rig);
  relock(rig, app, DURESS);
  t.true(rig.d.vault.duressMode);
  const xpub = app.call('eth_get_xpub').result.xpub;
  t.is(xpub, HDKey.fromMasterSeed(seed).derive("m/44'/60'/0'").publicExtendedKey);
  t.not(xpub, realXpub);
  t.throws(() => rig.d.vault.seedEntropy(), { code: 'no-words' }, 'the real words are not reachable');
  // back to the real wallet with the real PIN: its keys again (the decoy's forgotten)
  rig.press('a');
  rig.unlock(PIN);
  app.connect();
  app.openSession();
  t.is(app.call('eth_get_xpub').result.xpub, realXpub);
});

test('a freeze in force before the duress PIN still shows in duress mode, drawn as on a device without one', (t) => {
  const plain = owned(false);
  const forced = owned(true);
  for (const { rig, app } of [plain, forced]) {
    t.like(app.call('freeze').result, { frozen: true, by: 'app' });
    t.is(rig.d.screen.id, 'locked');
  }
  t.is(lastFrame(forced.rig), lastFrame(plain.rig), 'locked, frozen by the app');
  plain.rig.unlock(PIN);
  forced.rig.unlock(DURESS);
  t.true(forced.rig.d.vault.duressMode);
  t.regex(forced.rig.text(), /FROZEN by the app "Alice phone"/);
  t.is(lastFrame(forced.rig), lastFrame(plain.rig), 'unlocked, frozen by the app');
  t.is(forced.rig.d.guard.freeze.inForce?.by, 'duress', 'under it, the duress freeze');
});

test('the decoy frozen in duress mode looks frozen (a reboot keeps it); a code given under duress lifts only that', (t) => {
  const { rig, app, secret } = owned(true);
  relock(rig, app, DURESS);
  t.like(app.call('freeze').result, { frozen: true, by: 'app', label: 'Alice phone' });
  t.is(rig.d.screen.id, 'locked');
  t.regex(rig.text(), /FROZEN by the app "Alice phone"/);
  rig.reboot();
  t.regex(rig.text(), /FROZEN by the app "Alice phone"/, 'a reboot keeps it');
  rig.unlock(DURESS);
  app.connect();
  app.openSession();
  t.like(app.call('eth_sign_message', { message: new TextEncoder().encode('x') }).error, { code: 'frozen' });
  home(rig);
  // the forced owner gives a code: the decoy unfreezes, the real wallet stays frozen
  t.is(unfreezeWithCode(rig, app, DURESS, secret, T0), 'unfrozen');
  t.is(rig.d.guard.freeze.state, undefined);
  t.is(rig.d.guard.freeze.inForce?.by, 'duress');
  home(rig);
  rig.press('a');
  rig.unlock(PIN);
  t.regex(rig.text(), /FROZEN by the duress PIN/);
});
