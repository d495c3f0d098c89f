/**
 * BIP39 on the device: words from health-tested entropy, the word check after creation, word entry with prefix
 * completion for restore, and the seed (PBKDF2-HMAC-SHA512), derived only when needed and never stored.
 */
import { entropyToMnemonic, mnemonicToEntropy, mnemonicToSeedSync, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import type { HealthTestedEntropy } from '../entropy/health.js';
import { LatchError } from '../errors.js';
import { utf8Encode } from '../bytes.js';
import { pbkdf2 } from '../crypto/pbkdf2.js';
import type { HashPort } from '../ports.js';

export const WORDLIST: readonly string[] = wordlist;

export function wordsFromEntropy(entropy: Uint8Array): string[] {
  return entropyToMnemonic(entropy, wordlist).split(' ');
}

/** The entropy behind `words`, or a clear error naming the first unknown word or a checksum mismatch. */
export function entropyFromWords(words: string[]): Uint8Array {
  if (words.length !== 12 && words.length !== 24) throw new LatchError('bad-mnemonic', `a recovery phrase has 12 or 24 words, not ${words.length}`);
  const unknown = words.findIndex((w) => !wordlist.includes(w));
  if (unknown >= 0) throw new LatchError('bad-mnemonic', `word ${unknown + 1} ("${words[unknown]}") is not a BIP39 English word`);
  const phrase = words.join(' ');
  if (!validateMnemonic(phrase, wordlist)) throw new LatchError('bad-mnemonic', 'the checksum does not match: a word is wrong or out of order');
  return mnemonicToEntropy(phrase, wordlist);
}

/**
 * BIP39 seed for `entropy` and `passphrase` (64 bytes; the caller wipes it): PBKDF2-HMAC-SHA512 x2048 over the
 * NFKD phrase, on the board's native digest when there is one.
 */
export function seedFromEntropy(entropy: Uint8Array, passphrase = '', hash?: HashPort): Uint8Array {
  const phrase = entropyToMnemonic(entropy, wordlist);
  if (!hash) return mnemonicToSeedSync(phrase, passphrase);
  return pbkdf2(hash, 'SHA-512', utf8Encode(phrase.normalize('NFKD')), utf8Encode(`mnemonic${passphrase}`.normalize('NFKD')), 2048, 64);
}

/** A uniform integer in [0, n) from the health-tested source (rejection sampling: no modulo bias). */
export function randomIndex(entropy: HealthTestedEntropy, n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 65536) throw new RangeError('n must be 1..65536');
  const limit = 65536 - (65536 % n);
  const b = new Uint8Array(2);
  for (;;) {
    entropy.fill(b);
    const v = (b[0] << 8) | b[1];
    if (v < limit) return v % n;
  }
}

export interface WordChallenge {
  /** 0-based position in the phrase */
  position: number;
  /** four words in random order, one of them right */
  candidates: string[];
  answer: number;
}

/** `count` distinct positions, each with `choices` candidates (the right word plus distinct others). */
export function wordCheck(words: string[], entropy: HealthTestedEntropy, count = 3, choices = 4): WordChallenge[] {
  const positions: number[] = [];
  while (positions.length < count) {
    const p = randomIndex(entropy, words.length);
    if (!positions.includes(p)) positions.push(p);
  }
  positions.sort((a, b) => a - b);
  return positions.map((position) => {
    const candidates = [words[position]];
    while (candidates.length < choices) {
      const w = wordlist[randomIndex(entropy, wordlist.length)];
      if (!candidates.includes(w)) candidates.push(w);
    }
    for (let i = candidates.length - 1; i > 0; i--) {
      const j = randomIndex(entropy, i + 1);
      [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
    }
    return { position, candidates, answer: candidates.indexOf(words[position]) };
  });
}

export function wordsWithPrefix(prefix: string): string[] {
  return wordlist.filter((w) => w.startsWith(prefix));
}

/** The letters that continue `prefix` into at least one word, in order: the letter wheel offers only these. */
export function nextLetters(prefix: string): string[] {
  const set = new Set<string>();
  for (const w of wordlist) if (w.length > prefix.length && w.startsWith(prefix)) set.add(w[prefix.length]);
  return [...set].sort();
}
