/**
 * Reviewing what is about to be signed, on three buttons: one screen per review page, in order. C goes to the
 * next page, A back, B rejects from anywhere ("refused on the device"). The last page is the security decision:
 * hold C to sign (guarded like every decision: presses in its first 0.7 s are ignored). A page too long for the
 * LCD is laid out on several (ui/layout.ts): C shows the rest first, so nothing is signed unseen.
 */
import { line, type Screen, type ScreenLine } from '../ui/screen.js';
import { THEME } from '../ui/render.js';
import { answerOnce, type Activity, type AppContext } from '../app/activity.js';

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

export interface ReviewOutcome {
  /** the owner held C on the last page */
  approve(): void;
  /** the owner pressed Reject (or the review was left: auto-lock, a cancel) */
  reject(): void;
}

/** The screen of review page `i` (the last one, pages.length, is the decision). */
export function reviewScreen(review: Review, i: number): Screen {
  const last = i === review.pages.length;
  const p = last ? review.confirm : review.pages[i];
  return {
    id: last ? `${review.id}-confirm` : `${review.id}-review`,
    title: p.title,
    lines: [...p.lines, line(''), line(`Page ${i + 1} of ${review.pages.length + 1}. B rejects.`, { color: THEME.dim })],
    buttons: { ...(i > 0 ? { a: 'Back' } : {}), b: 'Reject', c: last ? review.action : 'Next' },
  };
}

/** The first screen of a review; `outcome` hears the owner's decision exactly once. */
export function reviewActivity(ctx: AppContext, review: Review, outcome: ReviewOutcome): Activity {
  const pages = review.pages;
  const decide = answerOnce((approved: boolean) => (approved ? outcome.approve() : outcome.reject()));
  const page = (i: number): Activity => {
    const last = i === pages.length;
    return {
      decision: last,
      screen: () => reviewScreen(review, i),
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
