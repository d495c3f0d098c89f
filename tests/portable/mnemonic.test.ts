import test from 'ava';
import fc from 'fast-check';
import { fromHex, toHex } from '../../modules/bytes.js';
import { HealthTestedEntropy } from '../../modules/entropy/health.js';
import { LatchError } from '../../modules/errors.js';
import {
  WORDLIST, entropyFromWords, nextLetters, randomIndex, seedFromEntropy, wordCheck, wordsFromEntropy, wordsWithPrefix,
} from '../../modules/wallet/mnemonic.js';
import bip39 from '../fixtures/bip39-english.json' with { type: 'json' };
import { counterEntropy } from './support/fake-ports.js';

test('all python-mnemonic English vectors: entropy <-> words', (t) => {
  t.is(bip39.english.length, 24);
  for (const [entropy, mnemonic] of bip39.english) {
    t.is(wordsFromEntropy(fromHex(entropy)).join(' '), mnemonic);
    if (mnemonic.split(' ').length === 12 || mnemonic.split(' ').length === 24) t.is(toHex(entropyFromWords(mnemonic.split(' '))), entropy);
  }
});

test('BIP39 seeds with passphrase "TREZOR" (python-mnemonic vectors, 12 and 24 words)', (t) => {
  for (const i of [0, 7, 16, 23]) {
    const [entropy, , seed] = bip39.english[i];
    t.is(toHex(seedFromEntropy(fromHex(entropy), 'TREZOR')), seed, `vector ${i}`);
  }
});

test('bad phrases get clear errors', (t) => {
  const words = bip39.english[0][1].split(' ');
  t.regex((t.throws(() => entropyFromWords(words.slice(0, 11))) as LatchError).message, /12 or 24 words, not 11/);
  t.regex((t.throws(() => entropyFromWords([...words.slice(0, 11), 'bitcoinz'])) as LatchError).message, /word 12 \("bitcoinz"\)/);
  t.regex((t.throws(() => entropyFromWords([...words.slice(0, 11), 'abandon'])) as LatchError).message, /checksum does not match/);
});

test('randomIndex is uniform-range and the word check is well-formed', (t) => {
  const e = new HealthTestedEntropy(counterEntropy(5));
  fc.assert(fc.property(fc.integer({ min: 1, max: 3000 }), (n) => { const i = randomIndex(e, n); return i >= 0 && i < n; }), { numRuns: 200 });
  const words = bip39.english[16][1].split(' ');
  const challenges = wordCheck(words, e);
  t.is(challenges.length, 3);
  t.is(new Set(challenges.map((c) => c.position)).size, 3);
  for (const c of challenges) {
    t.is(c.candidates.length, 4);
    t.is(new Set(c.candidates).size, 4);
    t.is(c.candidates[c.answer], words[c.position]);
  }
});

test('prefix completion: BIP39 words are unique in 4 letters, and the wheel offers only continuing letters', (t) => {
  t.is(WORDLIST.length, 2048);
  t.deepEqual(wordsWithPrefix('zo'), ['zone', 'zoo']);
  t.deepEqual(nextLetters('zo'), ['n', 'o']);
  t.is(new Set(WORDLIST.map((w) => w.slice(0, 4))).size, 2048);
  t.deepEqual(nextLetters('zoo'), []);
  t.is(nextLetters('').length, 25);
  t.false(nextLetters('').includes('x'), 'no BIP39 English word starts with x');
});
