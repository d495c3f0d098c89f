/**
 * Who owns the screen. The user does: screens the link asks for (binding, an app's reset request, and later
 * signing) never interrupt the PIN pad, word display, word check, restore, setup or another confirmation. They
 * are shown at once only over an `interruptible` activity (home screens, the menu, About, the link's own
 * screens); otherwise they wait, one at a time, until the owner is back on such a screen, and a waiting request
 * expires.
 *
 * Presses never carry over: every screen ignores a press that began before it (or the page shown) appeared. Security
 * decisions (`decision` activities: Allow an app, confirm an erase, confirm a signature) and every screen the link
 * puts up over the owner's ignore, besides, presses that began less than GUARD_MS after they appeared, so a press
 * meant for the screen before cannot land on them (tap-jacking, as Android guards permission dialogs; a "Signed"
 * screen giving way to the next review under the owner's finger).
 *
 * Paging: a screen whose lines do not fit one page is laid out on several (ui/layout.ts). The navigator turns its
 * pages with one gesture for every screen: C shows the next page and A the one before; the screen's own C action
 * is on its last page only (so a decision cannot be taken before everything was shown) and its own A action on
 * the first; B is the screen's own on every page.
 */
import type { ButtonEvent, ButtonId, LogPort } from '../ports.js';
import { layoutScreen, pageButtons, pageTurn, type ScreenLayout } from '../ui/layout.js';
import type { Screen } from '../ui/screen.js';
import type { Activity } from './activity.js';

export const GUARD_MS = 700;
/** how long a link request waits for the owner to finish what they are doing */
export const PROMPT_WAIT_MS = 60_000;

export type PromptOutcome = 'shown' | 'waiting' | 'busy';

interface PendingPrompt {
  tag: string;
  make: () => Activity;
  expiresAt: number;
  onExpire: () => void;
}

/** The current screen as drawn: its layout, the page shown and that page's button labels. */
export interface ScreenView {
  screen: Screen;
  layout: ScreenLayout;
  /** from 0 */
  page: number;
  buttons: Partial<Record<ButtonId, string>>;
}

export class Navigator {
  private activity: Activity;
  /** when the current activity appeared */
  private shownAt = 0;
  /** when the page shown appeared */
  private pageAt = 0;
  private page = 0;
  /** the current activity was put up by the link, not by the owner's own press */
  private prompted = false;
  private pending: PendingPrompt | undefined;

  constructor(
    first: Activity,
    private readonly now: () => number,
    private readonly log: LogPort,
    private readonly draw: (view: ScreenView) => void,
    private readonly layout: (screen: Screen) => ScreenLayout = (s) => layoutScreen(s),
  ) {
    this.activity = first;
  }

  get current(): Activity {
    return this.activity;
  }

  /** The current screen, laid out, with the page shown. */
  view(): ScreenView {
    const screen = this.activity.screen();
    const layout = this.layout(screen);
    if (this.page >= layout.pages.length) this.page = layout.pages.length - 1;
    return { screen, layout, page: this.page, buttons: pageButtons(screen.buttons, this.page, layout.pages.length) };
  }

  /** ms until the current screen takes presses (0 unless it is a freshly shown decision or link screen) */
  get armsInMs(): number {
    const now = this.now();
    return Math.max(0, this.activity.decision ? this.pageAt + GUARD_MS - now : 0, this.prompted ? this.shownAt + GUARD_MS - now : 0);
  }

  get waiting(): string | undefined {
    return this.pending?.tag;
  }

  /**
   * Show `next`, leaving the current activity; a waiting link request takes an interruptible screen's place.
   * `byLink`: the link puts it up, not the owner (it is then guarded like a decision).
   */
  go(next: Activity, byLink = false): void {
    if (next !== this.activity) {
      this.activity.leave?.();
      this.shownAt = this.pageAt = this.now();
      this.page = 0;
      this.prompted = byLink;
    }
    this.activity = next;
    if (next.interruptible && this.pending) {
      const p = this.pending;
      this.pending = undefined;
      this.log.log(`showing the waiting request: ${p.tag}`);
      return this.go(p.make(), true);
    }
    this.draw(this.view());
  }

  redraw(): void {
    this.draw(this.view());
  }

  /**
   * A screen the link asks for: shown now over an interruptible screen, else kept until the owner is done
   * (at most PROMPT_WAIT_MS, then `onExpire`). Only one request waits at a time: another one is `busy`.
   */
  prompt(tag: string, make: () => Activity, onExpire: () => void = () => {}): PromptOutcome {
    if (this.activity.interruptible) {
      this.go(make(), true);
      return 'shown';
    }
    if (this.pending) return 'busy';
    this.pending = { tag, make, expiresAt: this.now() + PROMPT_WAIT_MS, onExpire };
    this.log.log(`request "${tag}" waits: the owner is using the device`);
    return 'waiting';
  }

  /** Show `make()` only if the owner is not busy (no waiting): false when busy. */
  showIfFree(make: () => Activity): boolean {
    if (!this.activity.interruptible) return false;
    this.go(make(), true);
    return true;
  }

  /** Drop a waiting request (the app went away, or cancelled). */
  cancel(tag?: string): boolean {
    if (!this.pending || (tag && this.pending.tag !== tag)) return false;
    this.pending = undefined;
    return true;
  }

  /**
   * A press: ignored when the page shown does not label that button, when it began before the page appeared, or
   * when the screen is guarded (a decision, or put up by the link) and it began within GUARD_MS. A and C turn the
   * pages of a screen of several (a long press there does nothing); anything else is the screen's own.
   */
  press(e: ButtonEvent): boolean {
    const v = this.view();
    const id = v.screen.id;
    if (!v.buttons[e.button]) return false;
    const now = this.now();
    const startedAt = now - (Number.isFinite(e.heldMs) && e.heldMs > 0 ? e.heldMs : 0);
    if (startedAt < this.pageAt) {
      this.log.log(`press ${e.button} ignored on ${id}: it began ${Math.round(this.pageAt - startedAt)} ms before the screen appeared`);
      return false;
    }
    const armedAt = Math.max(this.activity.decision ? this.pageAt + GUARD_MS : 0, this.prompted ? this.shownAt + GUARD_MS : 0);
    if (startedAt < armedAt) {
      this.log.log(`press ${e.button} ignored on ${id}: it began ${Math.round(startedAt - (armedAt - GUARD_MS))} ms after the screen appeared (guard ${GUARD_MS} ms)`);
      return false;
    }
    const turn = pageTurn(e.button, v.page, v.layout.pages.length);
    if (turn) {
      if (e.long) return false;
      this.page = v.page + turn;
      this.pageAt = now;
      this.draw(this.view());
      return true;
    }
    const before = v.screen;
    this.activity.press(e);
    // The screen's own action changed what it shows (a list moved on, the next entries): start at its first page.
    if (this.page > 0 && changed(before, this.activity.screen())) {
      this.page = 0;
      this.pageAt = now;
      this.draw(this.view());
    }
    return true;
  }

  /** Every ~100 ms: expire a waiting request; let the activity update. Returns whether to redraw. */
  tick(): boolean {
    if (this.pending && this.now() >= this.pending.expiresAt) {
      const p = this.pending;
      this.pending = undefined;
      this.log.log(`request "${p.tag}" expired: the owner did not come back to it`);
      p.onExpire();
    }
    return this.activity.tick?.() ?? false;
  }
}

function changed(a: Screen, b: Screen): boolean {
  return a.id !== b.id || a.title !== b.title || a.lines.length !== b.lines.length || a.lines.some((l, i) => l.text !== b.lines[i].text);
}
