/**
 * Who owns the screen. The user does: screens the link asks for (binding, an app's reset request, and later
 * signing) never interrupt the PIN pad, word display, word check, restore, setup or another confirmation. They
 * are shown at once only over an `interruptible` activity (home screens, the menu, About, the link's own
 * screens); otherwise they wait, one at a time, until the owner is back on such a screen, and a waiting request
 * expires.
 *
 * Security decisions (`decision` activities: Allow an app, confirm an erase, confirm a signature) ignore every
 * press that began less than GUARD_MS after their screen appeared, so a press meant for the screen before cannot
 * land on them (tap-jacking, as Android guards permission dialogs).
 */
import type { ButtonEvent, LogPort } from '../ports.js';
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

export class Navigator {
  private activity: Activity;
  private shownAt = 0;
  private pending: PendingPrompt | undefined;

  constructor(
    first: Activity,
    private readonly now: () => number,
    private readonly log: LogPort,
    private readonly draw: (activity: Activity) => void,
  ) {
    this.activity = first;
  }

  get current(): Activity {
    return this.activity;
  }

  /** ms until the current screen takes presses (0 unless it is a freshly shown security decision) */
  get armsInMs(): number {
    return this.activity.decision ? Math.max(0, this.shownAt + GUARD_MS - this.now()) : 0;
  }

  get waiting(): string | undefined {
    return this.pending?.tag;
  }

  /** Show `next`, leaving the current activity; a waiting link request takes an interruptible screen's place. */
  go(next: Activity): void {
    if (next !== this.activity) {
      this.activity.leave?.();
      this.shownAt = this.now();
    }
    this.activity = next;
    if (next.interruptible && this.pending) {
      const p = this.pending;
      this.pending = undefined;
      this.log.log(`showing the waiting request: ${p.tag}`);
      return this.go(p.make());
    }
    this.draw(next);
  }

  redraw(): void {
    this.draw(this.activity);
  }

  /**
   * A screen the link asks for: shown now over an interruptible screen, else kept until the owner is done
   * (at most PROMPT_WAIT_MS, then `onExpire`). Only one request waits at a time: another one is `busy`.
   */
  prompt(tag: string, make: () => Activity, onExpire: () => void = () => {}): PromptOutcome {
    if (this.activity.interruptible) {
      this.go(make());
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
    this.go(make());
    return true;
  }

  /** Drop a waiting request (the app went away, or cancelled). */
  cancel(tag?: string): boolean {
    if (!this.pending || (tag && this.pending.tag !== tag)) return false;
    this.pending = undefined;
    return true;
  }

  /** A press: ignored when the current screen does not label that button or is a security decision not yet armed. */
  press(e: ButtonEvent): boolean {
    const screen = this.activity.screen();
    if (!screen.buttons[e.button]) return false;
    if (this.activity.decision) {
      const startedAt = this.now() - (e.heldMs ?? 0);
      if (startedAt < this.shownAt + GUARD_MS) {
        this.log.log(`press ${e.button} ignored on ${screen.id}: it began ${Math.max(0, Math.round(startedAt - this.shownAt))} ms after the screen appeared (guard ${GUARD_MS} ms)`);
        return false;
      }
    }
    this.activity.press(e);
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
