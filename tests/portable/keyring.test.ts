// The keyring's BIP39 passphrase (hidden wallets): the standard's vectors (python-mnemonic's, passphrase "TREZOR"),
// read at test time from ../shared/vectors, must come out of the keyring itself, and switching wallets must leave
// no key of the wallet before.
import test from 'ava';
import { HDKey } from '@scure/bip32';
import { fromHex } from '../../modules/bytes.js';
import { LatchError } from '../../modules/errors.js';
import { Keyring, MAX_PASSPHRASE } from '../../modules/wallet/keyring.js';
import vectors from '../../../shared/vectors/bip39-vectors.json' with { type: 'json' };

const english = (vectors as { english: string[][] }).english;

test('every English BIP39 vector with passphrase "TREZOR" gives its master xprv through the keyring', (t) => {
  t.is(english.length, 24);
  for (const [entropy, , , xprv] of english) {
    const ring = new Keyring(() => fromHex(entropy));
    ring.usePassphrase('TREZOR');
    t.true(ring.passphraseInUse);
    t.is(ring.ensure().privateExtendedKey, xprv, entropy);
    t.is(ring.fingerprint, HDKey.fromExtendedKey(xprv).fingerprint);
  }
});

test('the standard wallet (passphrase "") differs, and switching back and forth wipes the keys of the wallet before', (t) => {
  const [entropy, , , xprv] = english[0];
  const ring = new Keyring(() => fromHex(entropy));
  t.false(ring.passphraseInUse);
  const standard = ring.fingerprint;
  const node = ring.derive([0x8000002c, 0x80000000]);
  t.truthy(node.privateKey);
  ring.usePassphrase('TREZOR');
  t.false(ring.loaded, 'no key of the standard wallet is left once the passphrase is chosen');
  t.is(node.privateKey, null, 'a derived node of the wallet before was wiped');
  t.is(ring.ensure().privateExtendedKey, xprv);
  t.not(ring.fingerprint, standard);
  ring.usePassphrase('');
  t.false(ring.passphraseInUse);
  t.is(ring.fingerprint, standard);
});

test('locking (wipe) returns to the standard wallet', (t) => {
  const [entropy] = english[3];
  const ring = new Keyring(() => fromHex(entropy));
  const standard = ring.fingerprint;
  ring.usePassphrase('hidden wallet');
  const hidden = ring.fingerprint;
  t.not(hidden, standard);
  ring.wipe();
  t.false(ring.passphraseInUse);
  t.false(ring.loaded);
  t.is(ring.fingerprint, standard);
});

test('a passphrase that is not printable ASCII or is too long is refused and changes nothing', (t) => {
  const [entropy] = english[5];
  const ring = new Keyring(() => fromHex(entropy));
  ring.usePassphrase('kept');
  const kept = ring.fingerprint;
  for (const bad of ['tab\there', 'new\nline', 'caf\u00e9', '\u{1f600}', '\x7f', 'x'.repeat(MAX_PASSPHRASE + 1)]) {
    const err = t.throws(() => ring.usePassphrase(bad)) as LatchError;
    t.is(err.code, 'bad-params');
  }
  t.true(ring.loaded, 'a refused passphrase wipes nothing');
  t.is(ring.fingerprint, kept);
  ring.usePassphrase(' !~'.padEnd(MAX_PASSPHRASE, 'z'));
  t.true(ring.passphraseInUse, 'every printable character and the full length are taken');
});

test('a previewed wallet shows its fingerprint without switching, and is used without deriving it again', (t) => {
  const [entropy, , , xprv] = english[9];
  let opened = 0;
  const ring = new Keyring(() => { opened++; return fromHex(entropy); });
  const standard = ring.fingerprint;
  t.is(opened, 1);
  t.is(ring.preview('TREZOR'), HDKey.fromExtendedKey(xprv).fingerprint);
  t.is(opened, 2);
  t.false(ring.passphraseInUse, 'a preview switches nothing');
  t.is(ring.fingerprint, standard);
  ring.usePassphrase('TREZOR');
  t.true(ring.loaded, 'the previewed master is taken as it is');
  t.is(ring.ensure().privateExtendedKey, xprv);
  t.is(opened, 2, 'the seed was not derived a second time');
  // a preview not used is wiped by the lock, and another passphrase derives afresh
  ring.preview('other');
  ring.wipe();
  ring.usePassphrase('other');
  t.false(ring.loaded);
  t.not(ring.fingerprint, HDKey.fromExtendedKey(xprv).fingerprint);
  t.is(opened, 4);
});
