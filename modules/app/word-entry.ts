/**
 * Entering one BIP39 word with three buttons. The wheel (A/C) offers only letters that continue some word
 * (prefix completion); B adds the letter. When one word is left it is taken at once; hold C takes the exact word
 * typed so far (e.g. "act", which also starts "action") or the first candidate; hold B deletes a letter, or goes
 * back a word when nothing is typed.
 */
import { line } from '../ui/screen.js';
import { THEME } from '../ui/render.js';
import { WORDLIST, nextLetters, wordsWithPrefix } from '../wallet/mnemonic.js';
import type { Activity, AppContext } from './activity.js';

export interface WordEntryOptions {
  /** 0-based index of the word being entered */
  index: number;
  count: number;
  entered: string[];
  done(word: string): void;
  back(): void;
}

export function wordEntry(ctx: AppContext, o: WordEntryOptions): Activity {
  let prefix = '';
  let letters = nextLetters(prefix);
  let at = 0;
  const candidates = () => wordsWithPrefix(prefix);
  const take = (word: string) => {
    prefix = '';
    o.done(word);
  };
  return {
    screen: () => {
      const c = candidates();
      return {
        id: 'restore-word',
        title: `Word ${o.index + 1} of ${o.count}`,
        lines: [
          line(`${prefix}[${letters[at] ?? ''}]`, { size: 'huge' }),
          line(c.length ? c.slice(0, 4).join('  ') + (c.length > 4 ? `  (+${c.length - 4})` : '') : ''),
          line(''),
          line('B adds the letter. Hold C: take the word. Hold B: delete.', { color: THEME.dim }),
        ],
        buttons: { a: '<', b: 'Add', c: '>' },
      };
    },
    press(e) {
      if (e.long && e.button === 'b') {
        if (!prefix) return o.back();
        prefix = prefix.slice(0, -1);
        at = 0;
      } else if (e.long && e.button === 'c') {
        if (!prefix) return;
        if (WORDLIST.includes(prefix)) return take(prefix);
        const c = candidates();
        if (c.length) return take(c[0]);
      } else if (e.long) {
        return;
      } else if (e.button === 'a') {
        at = (at + letters.length - 1) % letters.length;
      } else if (e.button === 'c') {
        at = (at + 1) % letters.length;
      } else {
        prefix += letters[at];
        at = 0;
        const c = candidates();
        if (c.length === 1) return take(c[0]);
      }
      letters = nextLetters(prefix);
      if (at >= letters.length) at = 0;
      ctx.refresh();
    },
  };
}
