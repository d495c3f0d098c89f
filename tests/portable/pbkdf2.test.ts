import test from 'ava';
import fc from 'fast-check';
import { pbkdf2 as noblePbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { fromHex, toHex, utf8Encode } from '../../modules/bytes.js';
import { nobleHashPort, pbkdf2 } from '../../modules/crypto/pbkdf2.js';
import { seedFromEntropy } from '../../modules/wallet/mnemonic.js';
import bip39 from '../fixtures/bip39-english.json' with { type: 'json' };
import { vaultRig } from './support/vault-rig.js';

test('RFC 7914 section 11: PBKDF2-HMAC-SHA256("passwd", "salt", 1, 64) on both paths', (t) => {
  const want = '55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783';
  t.is(toHex(pbkdf2(nobleHashPort, 'SHA-256', utf8Encode('passwd'), utf8Encode('salt'), 1, 64)), want);
  t.is(toHex(pbkdf2(undefined, 'SHA-256', utf8Encode('passwd'), utf8Encode('salt'), 1, 64)), want);
});

test('the HashPort path equals noble for any password, salt, count and length, both hashes', (t) => {
  fc.assert(fc.property(
    fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 150 }), fc.boolean(),
    (password, salt, c, dkLen, wide) => {
      const ours = pbkdf2(nobleHashPort, wide ? 'SHA-512' : 'SHA-256', password, salt, c, dkLen);
      const theirs = noblePbkdf2(wide ? sha512 : sha256, password, salt, { c, dkLen });
      return toHex(ours) === toHex(theirs);
    },
  ), { numRuns: 60 });
  t.throws(() => pbkdf2(nobleHashPort, 'SHA-256', new Uint8Array(1), new Uint8Array(1), 0, 32), { message: /at least one iteration/ });
});

test('BIP39 seeds through the HashPort path match the python-mnemonic vectors', (t) => {
  for (const i of [0, 23]) {
    const [entropy, , seed] = bip39.english[i];
    t.is(toHex(seedFromEntropy(fromHex(entropy), 'TREZOR', nobleHashPort)), seed);
  }
});

test('a PIN record made with a native digest opens without one, and the other way round', (t) => {
  const ENTROPY = new Uint8Array(16).fill(0x42);
  const native = vaultRig({ pinIterations: 20, hash: nobleHashPort });
  native.vault.createWallet('123456', ENTROPY);
  // the same chip: its flash and its eFuse counter (a fresh counter would be another board)
  const plain = vaultRig({ pinIterations: 20, counter: native.counter }, 1, native.flash);
  t.deepEqual(plain.vault.unlock('123456'), { ok: true });
  t.deepEqual(plain.vault.seedEntropy(), ENTROPY);
  plain.vault.changePin('654321');
  const again = vaultRig({ pinIterations: 20, hash: nobleHashPort, counter: native.counter }, 1, native.flash);
  t.deepEqual(again.vault.unlock('654321'), { ok: true });
});
