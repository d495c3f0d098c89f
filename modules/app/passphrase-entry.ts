/**
 * Typing a BIP39 passphrase (printable ASCII, 95 characters) with three buttons. The characters come in four
 * sets, each a wheel: a-z, A-Z, 0-9, and space with the 32 symbols. A and C turn the wheel (it wraps, so no
 * character is more than 16 presses away, a letter at most 13), B adds the character, hold C moves to the next
 * set (between a-z and A-Z the wheel keeps its place: q becomes Q), hold B deletes the last character (or leaves
 * when nothing is typed), hold A finishes: the review (passphrase-screens.ts) shows it in full.
 * The board log names every press and its screen; on these screens the device leaves them out (device.ts), since
 * a wheel that always starts at the same place would let the count of presses spell the passphrase.
 */
import { line } from '../ui/screen.js';
import { THEME } from '../ui/render.js';
import { MAX_PASSPHRASE } from '../wallet/keyring.js';
import type { Activity, AppContext } from './activity.js';

const range = (from: string, to: string) => Array.from({ length: to.charCodeAt(0) - from.charCodeAt(0) + 1 }, (_, i) => String.fromCharCode(from.charCodeAt(0) + i));
const SYMBOLS = [' ', ...range('!', '/'), ...range(':', '@'), ...range('[', '`'), ...range('{', '~')];

export const CHARACTER_SETS: readonly { name: string; chars: readonly string[] }[] = [
  { name: 'abc', chars: range('a', 'z') },
  { name: 'ABC', chars: range('A', 'Z') },
  { name: '123', chars: range('0', '9') },
  { name: '#+=', chars: SYMBOLS },
];

/** How a character shows on the wheel: the space by name (a blank would look like nothing). */
export function wheelLabel(ch: string): string {
  return ch === ' ' ? 'space' : ch;
}

/** the last characters shown while typing (the review shows every one) */
const TAIL = 16;

export interface PassphraseEntryOptions {
  /** what was typed before (back from the review to correct it) */
  typed?: string;
  done(passphrase: string): void;
  cancel(): void;
}

export function passphraseEntry(ctx: AppContext, o: PassphraseEntryOptions): Activity {
  let typed = o.typed ?? '';
  let set = 0;
  let at = 0;
  const chars = () => CHARACTER_SETS[set].chars;
  const clear = () => { typed = ''; at = 0; };
  return {
    screen: () => {
      const c = chars();
      const near = (d: number) => wheelLabel(c[(at + d + c.length) % c.length]);
      const tail = typed.length > TAIL ? typed.slice(-TAIL) : typed;
      return {
        id: 'passphrase-entry',
        title: `Passphrase (${CHARACTER_SETS[set].name})`,
        lines: [
          line(`${typed.length > TAIL ? `+${typed.length - TAIL} ` : ''}"${tail}"`, { size: 'large' }),
          line(`${near(-2)}  ${near(-1)}  [${wheelLabel(c[at])}]  ${near(1)}  ${near(2)}`, { size: 'large', align: 'center' }),
          line(CHARACTER_SETS.map((s, i) => (i === set ? `[${s.name}]` : s.name)).join('  '), { align: 'center' }),
          line(`${typed.length} of at most ${MAX_PASSPHRASE} characters.`, { color: THEME.dim }),
          line('B adds. Hold C: next set. Hold B: delete. Hold A: done.', { color: THEME.dim }),
        ],
        buttons: { a: '<', b: 'Add', c: '>' },
      };
    },
    press(e) {
      if (e.long && e.button === 'a') {
        const p = typed;
        clear();
        return o.done(p);
      }
      if (e.long && e.button === 'b') {
        if (!typed) return o.cancel();
        typed = typed.slice(0, -1);
      } else if (e.long && e.button === 'c') {
        const next = (set + 1) % CHARACTER_SETS.length;
        // a-z and A-Z line up: the wheel keeps its letter, only its case changes
        if (!(set <= 1 && next <= 1)) at = 0;
        set = next;
      } else if (e.button === 'a') {
        at = (at + chars().length - 1) % chars().length;
      } else if (e.button === 'c') {
        at = (at + 1) % chars().length;
      } else if (e.button === 'b' && typed.length < MAX_PASSPHRASE) {
        typed += chars()[at];
      }
      ctx.refresh();
    },
    leave: clear,
  };
}

/**
 * The passphrase as the review shows it: every character, in rows of 16 between quotes with the position of the
 * first, so a space at either end or two in a row can be counted (a wrap would trim them); and where the spaces
 * are, in words.
 */
export function reviewRows(p: string): { rows: string[]; spaces: string } {
  const rows: string[] = [];
  for (let i = 0; i < p.length; i += 16) rows.push(`${String(i + 1).padStart(3, ' ')} "${p.slice(i, i + 16)}"`);
  const at: number[] = [];
  for (let i = 0; i < p.length; i++) if (p[i] === ' ') at.push(i + 1);
  const spaces = at.length === 0 ? 'No spaces.' : `${at.length === 1 ? 'A space' : `${at.length} spaces`} at ${at.length === 1 ? 'position' : 'positions'} ${at.join(', ')}.`;
  return { rows, spaces };
}
