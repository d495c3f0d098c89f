// The duress PIN's decoy chosen in the menu (issue 23): a passphrase wallet of the real words, typed on the
// passphrase wheel, reviewed and shown by its fingerprint. Unlocked with the duress PIN, the link gives that
// wallet's keys (computed here independently with @scure/bip39 and @scure/bip32) and the real words are out of
// reach; in duress mode the same choice runs the same screens, writes nothing and derives nothing from the real words.
import test from 'ava';
import { HDKey } from '@scure/bip32';
import { entropyToMnemonic, mnemonicToSeedSync } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { p2wpkh } from '@scure/btc-signer';
import { utf8Encode } from '../../modules/bytes.js';
import { CHARACTER_SETS } from '../../modules/app/passphrase-entry.js';
import { fingerprintHex } from '../../modules/wallet/passphrase-wallet.js';
import { RecordKey } from '../../modules/vault/records.js';
import type { AppPeer } from './support/app-peer.js';
import { ENTROPY, enrolCodes, menuItem, PIN, walletWithApp, type DeviceRig } from './support/device-rig.js';
import { contains } from './support/vault-rig.js';

const DURESS = '654321';
const T0 = 1_800_000_000;
const DECOY = 'Kids 2 school!';

/** The BIP39 seed of `entropy`'s words with `passphrase`, as any wallet computes it. */
const seedOf = (entropy: Uint8Array, passphrase: string) => mnemonicToSeedSync(entropyToMnemonic(entropy, wordlist), passphrase);
const fpOf = (entropy: Uint8Array, passphrase: string) => fingerprintHex(HDKey.fromMasterSeed(seedOf(entropy, passphrase)).fingerprint);

function owned(): { rig: DeviceRig; app: AppPeer } {
  const { rig, app } = walletWithApp('duress-decoy', 'Alice phone', T0);
  app.call('ping');
  enrolCodes(rig);
  home(rig);
  return { rig, app };
}

function home(rig: DeviceRig): void {
  for (let i = 0; i < 6 && rig.d.screen.id !== 'unlocked'; i++) {
    rig.waitArmed();
    if (rig.d.screen.id === 'menu') rig.press('b', true);
    else rig.press(rig.d.screen.buttons.a === 'Back' ? 'a' : 'b');
  }
  if (rig.d.screen.id !== 'unlocked') throw new Error(`not home: ${rig.d.screen.id}: ${rig.text()}`);
}

function wheel(rig: DeviceRig): { set: number; ch: string } {
  const set = CHARACTER_SETS.findIndex((s) => rig.d.screen.title === `Passphrase (${s.name})`);
  const m = /\[(space|.)\]/.exec(rig.d.screen.lines[1]);
  if (set < 0 || !m) throw new Error(`no passphrase wheel: ${rig.text()}`);
  return { set, ch: m[1] === 'space' ? ' ' : m[1] };
}

function typeOnWheel(rig: DeviceRig, text: string): void {
  for (const ch of text) {
    const target = CHARACTER_SETS.findIndex((s) => s.chars.includes(ch));
    while (wheel(rig).set !== target) rig.press('c', true);
    const chars = CHARACTER_SETS[target].chars;
    const n = chars.length;
    const forward = (chars.indexOf(ch) - chars.indexOf(wheel(rig).ch) + n) % n;
    for (let i = 0; i < Math.min(forward, n - forward); i++) rig.press(forward <= n - forward ? 'c' : 'a');
    rig.press('b');
  }
}

/**
 * Menu > Duress PIN > Set (or Change) with `current`, the new PIN twice, then Passphrase: typed, reviewed, its
 * fingerprint, Set. Returns the screens on the way and the fingerprint shown.
 */
function setPassphraseDecoy(rig: DeviceRig, pin: string, passphrase: string, current = PIN): { ids: string[]; fingerprint: string; buttons: string[] } {
  const ids: string[] = [];
  const buttons: string[] = [];
  const note = () => { ids.push(rig.d.screen.id); buttons.push(JSON.stringify(rig.d.screen.buttons)); };
  menuItem(rig, 'Duress PIN');
  note();
  rig.press(rig.d.screen.id === 'duress-pin' ? 'b' : 'c'); // Change, or Set
  rig.enterPin(current);
  rig.enterPin(pin);
  rig.enterPin(pin);
  note();
  rig.press('c'); // Passphrase
  note();
  typeOnWheel(rig, passphrase);
  rig.press('a', true);
  note();
  rig.press('c'); // Next
  note();
  const m = /^Wallet ([0-9a-f]{8})$/.exec(rig.d.screen.lines.find((l) => l.startsWith('Wallet ')) ?? '');
  if (!m) throw new Error(`no fingerprint: ${rig.text()}`);
  rig.decide('c', false); // Set
  note();
  return { ids, fingerprint: m[1], buttons };
}

function relock(rig: DeviceRig, app: AppPeer, pin: string): void {
  home(rig);
  rig.press('a'); // Lock
  rig.unlock(pin);
  app.connect();
  app.openSession();
}

/** What the link tells of the wallet in use. */
function linkKeys(app: AppPeer): Record<string, unknown> {
  return {
    fingerprint: app.call('wallet_info').result.fingerprint,
    ethXpub: app.call('eth_get_xpub').result.xpub,
    ethAddress: String(app.call('eth_get_address', { index: 3 }).result.address).toLowerCase(),
    btcXpub: app.call('btc_get_xpub').result.xpub,
    btcAddress: app.call('btc_get_address', { index: 5 }).result.address,
  };
}

test('a passphrase decoy set through the menu: the duress PIN opens that wallet of the real words, never the words', async (t) => {
  const { keccak_256 } = await import('@noble/hashes/sha3.js');
  const { secp256k1 } = await import('@noble/curves/secp256k1.js');
  const { rig, app } = owned();
  const real = linkKeys(app);
  const set = setPassphraseDecoy(rig, DURESS, DECOY);
  t.deepEqual(set.ids, ['duress-intro', 'duress-decoy', 'passphrase-entry', 'passphrase-review', 'duress-decoy-wallet', 'duress-set']);
  t.is(set.fingerprint, fpOf(ENTROPY, DECOY), 'the fingerprint shown is the real words\' passphrase wallet');
  t.true(rig.d.screen.lines.includes(`Entered at unlock, it opens passphrase wallet ${set.fingerprint}.`));
  t.true(rig.d.vault.hasDuressPin);
  t.false(rig.d.wallet.inUse, 'the wallet in use did not switch');
  t.is(app.call('wallet_info').result.fingerprint, real.fingerprint);
  t.false(rig.b.logs.some((l) => l.includes(DECOY) || /on passphrase-entry/.test(l)), 'neither the passphrase nor its presses logged');
  t.false(contains(rig.b.flash.bytes, utf8Encode(DECOY)), 'nor in plain flash');
  t.false(rig.d.events.latest(10).some((e) => JSON.stringify(e.details).includes(DECOY)), 'nor in an event');
  // the duress PIN: the link gives the passphrase wallet, computed independently
  relock(rig, app, DURESS);
  t.true(rig.d.vault.duressMode);
  const seed = seedOf(ENTROPY, DECOY);
  const master = HDKey.fromMasterSeed(seed);
  const ethNode = master.derive("m/44'/60'/0'/0/3");
  const uncompressed = secp256k1.Point.fromBytes(ethNode.publicKey!).toBytes(false);
  const ethAddress = '0x' + Array.from(keccak_256(uncompressed.subarray(1)).subarray(12), (b) => b.toString(16).padStart(2, '0')).join('');
  t.deepEqual(linkKeys(app), {
    fingerprint: fingerprintHex(master.fingerprint),
    ethXpub: master.derive("m/44'/60'/0'").publicExtendedKey,
    ethAddress,
    btcXpub: app.call('btc_get_xpub').result.xpub, // the version bytes are the device's (zpub/xpub): the key below
    btcAddress: p2wpkh(master.derive("m/84'/0'/0'/0/5").publicKey!).address,
  });
  t.is(HDKey.fromExtendedKey(app.call('btc_get_xpub').result.xpub).publicKey!.join(), master.derive("m/84'/0'/0'").publicKey!.join());
  t.notDeepEqual(linkKeys(app).ethXpub, real.ethXpub);
  t.regex(rig.text(), /^(?![\s\S]*FROZEN)/, 'nothing unusual on the screen');
  t.throws(() => rig.d.vault.seedEntropy(), { code: 'no-words' }, 'the real words are not reachable');
  t.false(rig.d.vault.hasDuressPin, 'the decoy\'s menu says off');
  // the real PIN: the real wallet again, frozen by the duress PIN
  home(rig);
  rig.press('a');
  rig.unlock(PIN);
  app.connect();
  app.openSession();
  t.false(rig.d.vault.duressMode);
  t.regex(rig.text(), /FROZEN by the duress PIN/);
  t.is(app.call('wallet_info').result.fingerprint, real.fingerprint);
  t.is(app.call('eth_get_xpub').result.xpub, real.ethXpub);
  t.deepEqual(rig.d.vault.seedEntropy(), ENTROPY);
});

test('the decoy is never the wallet itself: nothing typed has no Next; Cancel at the fingerprint sets nothing', (t) => {
  const { rig } = owned();
  menuItem(rig, 'Duress PIN');
  rig.press('c');
  rig.enterPin(PIN);
  rig.enterPin(DURESS);
  rig.enterPin(DURESS);
  t.is(rig.d.screen.id, 'duress-decoy');
  rig.press('c');
  rig.press('a', true); // done with nothing typed
  t.is(rig.d.screen.id, 'passphrase-review');
  t.regex(rig.text(), /that is your wallet itself, not a decoy/);
  t.falsy(rig.d.screen.buttons.c, 'no Next');
  rig.press('c');
  t.is(rig.d.screen.id, 'passphrase-review', 'Next does nothing');
  rig.press('a'); // Edit
  t.is(rig.d.screen.id, 'passphrase-entry');
  rig.press('b', true); // nothing typed: leave
  t.is(rig.d.screen.id, 'menu');
  t.false(rig.d.vault.hasDuressPin);
  // typed, then Cancel on the fingerprint
  rig.press('b', true);
  menuItem(rig, 'Duress PIN');
  rig.press('c');
  rig.enterPin(PIN);
  rig.enterPin(DURESS);
  rig.enterPin(DURESS);
  rig.press('c');
  typeOnWheel(rig, 'x');
  rig.press('a', true);
  rig.press('c');
  t.is(rig.d.screen.id, 'duress-decoy-wallet');
  rig.decide('a', false);
  t.is(rig.d.screen.id, 'menu');
  t.false(rig.d.vault.hasDuressPin, 'nothing set');
  // the real PIN as the duress PIN is refused after the passphrase too
  rig.press('b', true);
  menuItem(rig, 'Duress PIN');
  rig.press('c');
  rig.enterPin(PIN);
  rig.enterPin(PIN);
  rig.enterPin(PIN);
  rig.press('c');
  typeOnWheel(rig, 'x');
  rig.press('a', true);
  rig.press('c');
  rig.decide('c', false);
  t.is(rig.d.screen.id, 'duress-pin-same');
  t.false(rig.d.vault.hasDuressPin);
});

test('in duress mode the passphrase choice runs the same screens, writes nothing, derives nothing from the real words', (t) => {
  const plain = owned();
  const forced = owned();
  // the forced device: an empty decoy (its own words), unlocked with the duress PIN
  menuItem(forced.rig, 'Duress PIN');
  forced.rig.press('c');
  forced.rig.enterPin(PIN);
  forced.rig.enterPin(DURESS);
  forced.rig.enterPin(DURESS);
  forced.rig.press('a'); // Empty
  t.is(forced.rig.d.screen.id, 'duress-set');
  relock(forced.rig, forced.app, DURESS);
  t.true(forced.rig.d.vault.duressMode);
  const decoyWords = forced.rig.d.vault.seedEntropy();
  const before = [forced.rig.d.vault.log.get(RecordKey.duressPin)!.slice(), forced.rig.d.vault.log.get(RecordKey.decoy)!.slice()];
  const onPlain = setPassphraseDecoy(plain.rig, '777777', DECOY);
  const onForced = setPassphraseDecoy(forced.rig, '777777', DECOY, DURESS);
  t.deepEqual(onForced.ids, onPlain.ids, 'the same screens');
  t.deepEqual(onForced.buttons, onPlain.buttons);
  t.is(onPlain.fingerprint, fpOf(ENTROPY, DECOY));
  t.not(onForced.fingerprint, fpOf(ENTROPY, DECOY), 'not the real words\' passphrase wallet');
  t.is(onForced.fingerprint, fpOf(decoyWords, DECOY), 'the decoy\'s own words with that passphrase');
  t.deepEqual([forced.rig.d.vault.log.get(RecordKey.duressPin), forced.rig.d.vault.log.get(RecordKey.decoy)], before, 'nothing written');
  t.true(forced.rig.d.vault.hasDuressPin, 'the decoy\'s menu says on, as the plain one');
  // after a lock the "set" PIN opens nothing (README: what the decoy cannot act); the duress PIN the decoy again
  relock(forced.rig, forced.app, DURESS);
  t.true(forced.rig.d.vault.duressMode);
  t.deepEqual(forced.rig.d.vault.seedEntropy(), decoyWords);
});

test('in duress mode on a decoy kept as a seed: the same screens, a fingerprint from a stand-in, never the real words', (t) => {
  const { rig, app } = owned();
  setPassphraseDecoy(rig, DURESS, DECOY);
  relock(rig, app, DURESS);
  t.true(rig.d.vault.duressMode);
  const before = [rig.d.vault.log.get(RecordKey.duressPin)!.slice(), rig.d.vault.log.get(RecordKey.decoy)!.slice()];
  const first = setPassphraseDecoy(rig, '777777', 'another', DURESS);
  t.deepEqual(first.ids, ['duress-intro', 'duress-decoy', 'passphrase-entry', 'passphrase-review', 'duress-decoy-wallet', 'duress-set']);
  t.not(first.fingerprint, fpOf(ENTROPY, 'another'), 'not from the real words');
  t.not(first.fingerprint, fpOf(ENTROPY, DECOY));
  const again = setPassphraseDecoy(rig, '888888', 'another', DURESS);
  t.is(again.fingerprint, first.fingerprint, 'the same passphrase shows the same wallet, as on a real device');
  t.deepEqual([rig.d.vault.log.get(RecordKey.duressPin), rig.d.vault.log.get(RecordKey.decoy)], before, 'nothing written');
  t.throws(() => rig.d.vault.seedEntropy(), { code: 'no-words' });
});

test('a decoy kept as a seed acts a wallet of words: passphrase wallets and back to its own, the authenticator', (t) => {
  const { rig, app } = owned();
  setPassphraseDecoy(rig, DURESS, DECOY);
  relock(rig, app, DURESS);
  const decoyFp = fpOf(ENTROPY, DECOY);
  t.is(app.call('wallet_info').result.fingerprint, decoyFp);
  // the stand-in's passphrase wallet: the fingerprint the duress flow showed for the same passphrase
  const shown = setPassphraseDecoy(rig, '777777', 'other', DURESS).fingerprint;
  home(rig);
  menuItem(rig, 'Passphrase wallet');
  rig.press('b'); // Enter a passphrase
  typeOnWheel(rig, 'other');
  rig.press('a', true);
  rig.press('c');
  t.is(rig.d.screen.id, 'passphrase-wallet', 'no "no recovery words" error');
  t.true(rig.d.screen.lines.includes(`Wallet ${shown}`));
  t.not(shown, fpOf(ENTROPY, 'other'), 'never the real words\' wallet');
  rig.decide('c', false); // Use
  t.is(app.call('wallet_info').result.fingerprint, shown);
  rig.press('b');
  // the standard wallet again: the decoy itself
  menuItem(rig, 'Passphrase wallet');
  for (let i = 0; i < 5 && !rig.d.screen.lines.find((l) => l.startsWith('>'))!.includes('Standard wallet'); i++) rig.press('c');
  rig.press('b');
  t.is(rig.d.screen.id, 'passphrase-standard');
  t.is(app.call('wallet_info').result.fingerprint, decoyFp);
  t.is(app.call('eth_get_xpub').result.xpub, HDKey.fromMasterSeed(seedOf(ENTROPY, DECOY)).derive("m/44'/60'/0'").publicExtendedKey);
  // the authenticator works as on any device (its key from the stand-in, never the words)
  t.deepEqual(app.call('authenticator_list').result, { accounts: [] });
  t.throws(() => rig.d.vault.seedEntropy(), { code: 'no-words' });
});
