/**
 * Reviewing what is about to be signed, on three buttons: one screen per page, in order. C goes to the next
 * page, A back, B rejects from anywhere ("refused on the device"). The last page is the security decision:
 * hold C to sign (guarded like every decision: presses in its first 0.7 s are ignored). Long content is split
 * into pages of at most PAGE_LINES wrapped lines, so nothing is ever cut off the screen.
 */
import { wrapText } from '../ui/font.js';
import { line, type ScreenLine } from '../ui/screen.js';
import { THEME } from '../ui/render.js';
import { answerOnce, type Activity, type AppContext } from '../app/activity.js';

/** wrapped lines of normal text that fit the body of a page (and leave room for the page counter) */
export const PAGE_LINES = 9;
const CHARS_PER_LINE = 50;

export interface ReviewPage {
  title: string;
  lines: ScreenLine[];
}

export interface Review {
  /** an identifier for tests and QA benches, e.g. "eth-tx" (screens are "<id>-review" and "<id>-confirm") */
  id: string;
  pages: ReviewPage[];
  /** the last screen: what holding C will do */
  confirm: ReviewPage;
  /** label of the decision, e.g. "Hold: Sign" */
  action: string;
}

function heightOf(l: ScreenLine): number {
  const scale = l.size === 'huge' ? 3 : l.size === 'large' ? 2 : 1;
  return l.text.split('\n').reduce((n, part) => n + wrapText(part, Math.floor(CHARS_PER_LINE / scale)).length, 0) * scale;
}

/** Split pages whose lines would not fit on one screen; a single overlong line is split into its wrapped pieces. */
export function paginate(pages: ReviewPage[]): ReviewPage[] {
  const out: ReviewPage[] = [];
  for (const p of pages) {
    const pieces: ScreenLine[] = [];
    for (const l of p.lines) {
      if (heightOf(l) <= PAGE_LINES) pieces.push(l);
      else for (const part of l.text.split('\n').flatMap((t) => wrapText(t, CHARS_PER_LINE))) pieces.push({ ...l, text: part, size: 'normal' });
    }
    let current: ScreenLine[] = [];
    let used = 0;
    const chunks: ScreenLine[][] = [];
    for (const l of pieces) {
      const h = heightOf(l);
      if (used + h > PAGE_LINES && current.length) {
        chunks.push(current);
        current = [];
        used = 0;
      }
      current.push(l);
      used += h;
    }
    chunks.push(current);
    chunks.forEach((lines, i) => out.push({ title: chunks.length > 1 ? `${p.title} (${i + 1}/${chunks.length})` : p.title, lines }));
  }
  return out;
}

export interface ReviewOutcome {
  /** the owner held C on the last page */
  approve(): void;
  /** the owner pressed Reject (or the review was left: auto-lock, a cancel) */
  reject(): void;
}

/** The first screen of a review; `outcome` hears the owner's decision exactly once. */
export function reviewActivity(ctx: AppContext, review: Review, outcome: ReviewOutcome): Activity {
  const pages = paginate(review.pages);
  const decide = answerOnce((approved: boolean) => (approved ? outcome.approve() : outcome.reject()));
  const total = pages.length + 1;
  const page = (i: number): Activity => {
    const last = i === pages.length;
    const p = last ? review.confirm : pages[i];
    return {
      decision: last,
      screen: () => ({
        id: last ? `${review.id}-confirm` : `${review.id}-review`,
        title: p.title,
        lines: [...p.lines, line(''), line(`Page ${i + 1} of ${total}. B rejects.`, { color: THEME.dim })],
        buttons: { ...(i > 0 ? { a: 'Back' } : {}), b: 'Reject', c: last ? review.action : 'Next' },
      }),
      press: (e) => {
        if (e.button === 'b' && !e.long) {
          decide(false);
          ctx.home();
        } else if (e.button === 'a' && i > 0 && !e.long) ctx.go(page(i - 1));
        else if (e.button === 'c' && !last && !e.long) ctx.go(page(i + 1));
        else if (e.button === 'c' && last && e.long) decide(true);
      },
    };
  };
  // Leaving the review another way (auto-lock, the app's cancel, expiry) is settled by the approval flow.
  return page(0);
}
