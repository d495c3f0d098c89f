/**
 * The binding code: 8 symbols from a 32-symbol alphabet without 0, 1, I and O (5 bits each, 40 bits),
 * drawn from the health-tested entropy with no modulo bias (5 random bytes = exactly 8 symbols).
 * Only the LCD ever shows it; it is the CPace password and is never sent in any form.
 */
import type { HealthTestedEntropy } from '../entropy/health.js';
import { wipe } from '../bytes.js';

export const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const CODE_LENGTH = 8;

export function makeBindingCode(entropy: HealthTestedEntropy): string {
  return makeCode(entropy, CODE_LENGTH);
}

/** `length` symbols of the code alphabet, 5 bits each from the entropy (whole bytes; spare low bits unused). */
export function makeCode(entropy: HealthTestedEntropy, length: number): string {
  const bytes = entropy.bytes(Math.ceil((length * 5) / 8));
  let bits = 0;
  let acc = 0;
  let code = '';
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      code += CODE_ALPHABET[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  wipe(bytes);
  return code.slice(0, length);
}

/** Normalise what a user typed: case, spaces and dashes do not matter; the look-alikes 0/O and 1/I are refused. */
export function normaliseCode(typed: string, length = CODE_LENGTH): string | undefined {
  const code = typed.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== length) return undefined;
  for (const c of code) if (!CODE_ALPHABET.includes(c)) return undefined;
  return code;
}

/** How the LCD shows it: two groups of four. */
export function displayCode(code: string): string {
  return `${code.slice(0, 4)} ${code.slice(4)}`;
}
