/**
 * Wallet setup on the device: create (health-tested entropy -> words shown four per screen -> a check of three
 * random positions, four candidates each) or restore (12 or 24 words entered with a letter wheel), then a new
 * PIN entered twice. Nothing is written to flash until the very end (Vault.createWallet commits atomically).
 */
import { wipe } from '../bytes.js';
import { line } from '../ui/screen.js';
import { THEME } from '../ui/render.js';
import { entropyFromWords, wordCheck, wordsFromEntropy } from '../wallet/mnemonic.js';
import { message, type Activity, type AppContext } from './activity.js';
import { pinEntry } from './pin-entry.js';
import { wordEntry } from './word-entry.js';

const WORDS_PER_PAGE = 4;

export function setupChoice(ctx: AppContext): Activity {
  return {
    screen: () => ({
      id: 'setup-choice',
      title: 'Set up',
      lines: [
        line('Create a new wallet, or restore one from', { align: 'center' }),
        line('its 12 or 24 recovery words?', { align: 'center' }),
      ],
      buttons: { a: 'Create', b: 'Back', c: 'Restore' },
    }),
    press: (e) => {
      if (e.button === 'b') ctx.home();
      else ctx.go(wordCount(ctx, e.button === 'a' ? 'create' : 'restore'));
    },
  };
}

function wordCount(ctx: AppContext, mode: 'create' | 'restore'): Activity {
  return {
    screen: () => ({
      id: 'word-count',
      title: mode === 'create' ? 'New wallet' : 'Restore',
      lines: [line(mode === 'create' ? 'How many recovery words?' : 'How many words does your phrase have?', { align: 'center' })],
      buttons: { a: '12 words', b: 'Back', c: '24 words' },
    }),
    press: (e) => {
      if (e.button === 'b') return ctx.go(setupChoice(ctx));
      const count = e.button === 'a' ? 12 : 24;
      if (mode === 'create') {
        const entropy = ctx.entropy.bytes(count === 12 ? 16 : 32);
        ctx.go(showWords(ctx, entropy, 0));
      } else ctx.go(restoreWords(ctx, count, []));
    },
  };
}

function showWords(ctx: AppContext, entropy: Uint8Array, page: number): Activity {
  const words = wordsFromEntropy(entropy);
  const pages = Math.ceil(words.length / WORDS_PER_PAGE);
  const first = page * WORDS_PER_PAGE;
  return {
    screen: () => ({
      id: 'show-words',
      title: `Words ${first + 1}-${first + WORDS_PER_PAGE} of ${words.length}`,
      lines: [
        line('Write these down, in order. Anyone with them has your funds.', { color: THEME.warning }),
        ...words.slice(first, first + WORDS_PER_PAGE).map((w, i) => line(`${String(first + i + 1).padStart(2)}. ${w}`, { size: 'large' })),
      ],
      buttons: { a: page === 0 ? 'Cancel' : 'Prev', c: page === pages - 1 ? 'Check' : 'Next' },
    }),
    press: (e) => {
      if (e.button === 'a') {
        if (page === 0) {
          wipe(entropy);
          ctx.home();
        } else ctx.go(showWords(ctx, entropy, page - 1));
      } else if (e.button === 'c') {
        if (page < pages - 1) ctx.go(showWords(ctx, entropy, page + 1));
        else ctx.go(checkWords(ctx, entropy, wordCheck(words, ctx.entropy), 0));
      }
    },
  };
}

function checkWords(ctx: AppContext, entropy: Uint8Array, challenges: ReturnType<typeof wordCheck>, round: number): Activity {
  const c = challenges[round];
  let choice = 0;
  return {
    screen: () => ({
      id: 'word-check',
      title: `Check ${round + 1} of ${challenges.length}`,
      lines: [
        line(`Which is word #${c.position + 1}?`, { size: 'large' }),
        ...c.candidates.map((w, i) => line(`${i === choice ? '>' : ' '} ${w}`, { size: 'large' })),
      ],
      buttons: { a: 'Up', b: 'Pick', c: 'Down' },
    }),
    press: (e) => {
      if (e.button === 'a') choice = (choice + c.candidates.length - 1) % c.candidates.length;
      else if (e.button === 'c') choice = (choice + 1) % c.candidates.length;
      else if (choice !== c.answer) {
        return ctx.go(message(ctx, 'word-check-failed', 'Not quite', [
          line(`That is not word #${c.position + 1}.`),
          line('Look at your written words again; the words will be shown once more.'),
        ], () => ctx.go(showWords(ctx, entropy, 0))));
      } else if (round + 1 < challenges.length) return ctx.go(checkWords(ctx, entropy, challenges, round + 1));
      else return ctx.go(choosePin(ctx, entropy, 'Wallet created'));
      ctx.refresh();
    },
  };
}

function restoreWords(ctx: AppContext, count: number, words: string[]): Activity {
  return wordEntry(ctx, {
    index: words.length,
    count,
    entered: words,
    done: (word) => {
      const next = [...words, word];
      if (next.length < count) return ctx.go(restoreWords(ctx, count, next));
      let entropy: Uint8Array;
      try {
        entropy = entropyFromWords(next);
      } catch (err) {
        return ctx.go(message(ctx, 'restore-invalid', 'Not a valid phrase', [
          line((err as Error).message),
          line('Enter the words again, starting with word 1.'),
        ], () => ctx.go(restoreWords(ctx, count, []))));
      }
      next.fill('');
      ctx.go(choosePin(ctx, entropy, 'Wallet restored'));
    },
    back: () => (words.length === 0 ? ctx.go(setupChoice(ctx)) : ctx.go(restoreWords(ctx, count, words.slice(0, -1)))),
  });
}

/** New PIN, entered twice; then the wallet is committed to flash. */
export function choosePin(ctx: AppContext, entropy: Uint8Array, doneTitle: string): Activity {
  const cancel = () => {
    wipe(entropy);
    ctx.home();
  };
  return pinEntry(ctx, {
    id: 'pin-new',
    title: 'Choose a PIN',
    prompt: 'Choose a PIN of 6 to 8 digits.',
    cancel,
    done: (first) =>
      ctx.go(pinEntry(ctx, {
        id: 'pin-confirm',
        title: 'Confirm PIN',
        prompt: 'Enter the same PIN again.',
        cancel,
        done: (second) => {
          if (first !== second) {
            return ctx.go(message(ctx, 'pin-mismatch', 'PINs differ', [line('The two PINs were not the same. Choose again.')], () => ctx.go(choosePin(ctx, entropy, doneTitle))));
          }
          ctx.vault.createWallet(first, entropy);
          wipe(entropy);
          ctx.log.log('wallet created');
          ctx.go(message(ctx, 'wallet-created', doneTitle, [line('Your wallet is ready and unlocked.'), line('It locks whenever the device restarts.')], () => ctx.home()));
        },
      })),
  });
}
