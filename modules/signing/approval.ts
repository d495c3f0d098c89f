/**
 * The approval flow every signing request goes through, whatever the asset:
 *   request (bound app's session, unlocked device) -> review on the screen (now, or once the owner is free)
 *   -> the owner holds C on the last page -> sign -> answer; or Reject -> "refused on the device".
 * The guard is asked when the request arrives (refused at once by a freeze or the policy, with the reason) and
 * again when the owner approves (the policy may have changed meanwhile): a verdict needing a verification code
 * asks for one on the device, and the spend is written to the ledger before the signature leaves.
 * The app hears `confirm-on-device` (or `waiting-for-owner`) as a notice while the owner reads. A request expires
 * after REQUEST_TTL_MS; the app can cancel it; locking the device withdraws it. One at a time (the RPC server
 * already answers `busy` to a second request).
 */
import { LatchError } from '../errors.js';
import type { LogPort } from '../ports.js';
import type { AppContext } from '../app/activity.js';
import type { Navigator } from '../app/navigator.js';
import { fail, type RpcReply } from '../protocol/rpc.js';
import { reviewActivity, type Review } from './review.js';
import { line } from '../ui/screen.js';
import { THEME } from '../ui/render.js';
import type { Guard } from '../guard/guard.js';
import type { Verdict } from '../guard/spending.js';
import { askCode } from '../app/code-entry.js';
import type { EventLog } from '../guard/event-log.js';

export const REQUEST_TTL_MS = 3 * 60_000;

export interface ApprovalRequest {
  review: Review;
  /**
   * make the signature(s): called once, after the owner approved, with the keys still there. Long work (a PSBT
   * of many inputs) reports `progress`, which redraws the Signing screen as it goes.
   */
  sign(progress: (done: number, total: number) => void): RpcReply;
  /** the guard's verdict on this request (asked when it arrives and again when the owner approves) */
  check(): Verdict;
  /** what the event log records of it: the app's label, amounts, addresses, chain (never a secret) */
  summary: Record<string, unknown>;
  /**
   * Anti-exfil (the app sent host commitments): called instead of `sign` once the owner approved. Answers the
   * signer commitment(s) now and keeps `reveal`, which makes the signature(s) once the app sends its entropy
   * (sign_reveal). Throws LatchError bad-anti-exfil for a reveal that does not open the commitments.
   */
  commit?(): { reply: RpcReply; reveal(entropy: unknown): RpcReply };
}

/** How long the device keeps an approved anti-exfil request waiting for the app's entropy. */
export const REVEAL_TTL_MS = 60_000;

interface AwaitingReveal {
  id: string;
  /** the keyring's generation at the approval: the reveal signs with those keys or not at all */
  keys: number | undefined;
  summary: Record<string, unknown>;
  reveal(entropy: unknown): RpcReply;
  expiresAt: number;
}

/** The RPC error for a guard refusal: frozen, or the policy's reason. */
export function guardRefusal(guard: Guard, why: string): RpcReply {
  return fail(guard.freeze.frozen ? 'frozen' : 'policy', why);
}

interface Pending {
  tag: string;
  answer: (reply: RpcReply) => void;
  expiresAt: number;
  shown: boolean;
}

export class Approvals {
  private pending: Pending | undefined;
  /** an approved anti-exfil request whose commitments went out: one reveal, then it is gone */
  private awaiting: AwaitingReveal | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly nav: Navigator,
    private readonly log: LogPort,
    private readonly notify: (name: string, data: unknown) => void,
    private readonly guard: Guard,
    /** tell the owner (when free) why a request was refused by the guard */
    private readonly refusedByGuard: (why: string) => void,
    private readonly events: EventLog,
    /** the active wallet's fingerprint: each signature's events say which wallet signed */
    private readonly wallet?: () => string,
    /**
     * which keys are in use (Keyring.generation): an approval waiting for its reveal is withdrawn when they change
     * (a wallet switch), so the owner's approval for one wallet never becomes another wallet's signature, past its
     * own spending rules and in the first one's name
     */
    private readonly keysGeneration?: () => number,
  ) {}

  get busy(): boolean {
    return this.pending !== undefined;
  }

  /**
   * Put `request` before the owner. `answer` gets the outcome later (once). Returns a reply now only when the
   * request cannot even wait (another one is waiting for the owner).
   */
  start(request: ApprovalRequest, answer: (reply: RpcReply) => void): RpcReply | undefined {
    if (this.pending) return fail('busy', 'the device is already waiting for its owner on another request');
    this.withdrawReveal('another request came before the reveal');
    const id = request.review.id;
    // No signature the owner cannot see: while unread security events would be overwritten, nothing signs.
    const unread = this.events.mustReadFirst();
    if (unread) {
      this.log.log(`${id}: refused: ${unread}`);
      return fail('events-unread', unread);
    }
    if (this.wallet) request = { ...request, summary: { ...request.summary, wallet: this.wallet() } };
    this.events.record('sign-requested', { request: id, ...request.summary });
    const first = request.check();
    if (first.kind === 'refuse') {
      this.log.log(`${id}: refused by the guard: ${first.why}`);
      this.events.record('policy-refused', { request: id, reason: first.why });
      this.refusedByGuard(first.why);
      return guardRefusal(this.guard, first.why);
    }
    let review: Review = first.notes.length
      ? { ...request.review, pages: [...request.review.pages, { title: 'Spending limit', lines: first.notes.map((n) => line(n, { color: first.kind === 'code' ? THEME.warning : undefined })) }] }
      : request.review;
    // the decision says which wallet signs when it is not the standard one
    if (this.wallet && this.ctx.wallet.inUse) review = { ...review, confirm: { ...review.confirm, lines: [line(`With passphrase wallet ${this.wallet()}`, { color: THEME.warning }), ...review.confirm.lines] } };
    const p: Pending = { tag: `sign:${id}`, answer, expiresAt: this.ctx.now() + REQUEST_TTL_MS, shown: false };
    this.pending = p;
    const finish = (reply: RpcReply) => {
      if (this.pending !== p) return;
      this.pending = undefined;
      answer(reply);
    };
    const activity = () => {
      p.shown = true;
      this.notify('confirm-on-device', { request: id });
      return reviewActivity(this.ctx, review, {
        approve: () => {
          const now = request.check();
          if (now.kind === 'refuse') {
            this.log.log(`${id}: refused by the guard at approval: ${now.why}`);
            this.events.record('policy-refused', { request: id, reason: now.why });
            finish(guardRefusal(this.guard, now.why));
            this.ctx.go(this.doneScreen(id, false, now.why));
            return;
          }
          if (now.kind === 'code') {
            this.ctx.go(askCode(this.ctx, {
              id: `${id}-code`, title: 'Verification code', why: 'Over the spending limit: a verification code lets this through.',
              ok: () => this.sign(id, request, now, finish),
              refused: (problem) => finish(fail('bad-code', problem)),
            }));
            return;
          }
          this.sign(id, request, now, finish);
        },
        reject: () => {
          this.log.log(`${id}: refused on the device`);
          this.events.record('sign-refused', { request: id });
          finish(fail('refused', 'refused on the device'));
        },
      });
    };

    const outcome = this.nav.prompt(p.tag, activity, () => finish(fail('timeout', 'the owner was busy on the device for too long: ask again')));
    if (outcome === 'busy') {
      this.pending = undefined;
      return fail('busy', 'the owner is using the device and another request is waiting: try again later');
    }
    if (outcome === 'waiting') this.notify('waiting-for-owner', { request: id });
    return undefined;
  }

  /** Record the spend (read back), then sign with the Signing screen showing progress, then answer. */
  private sign(id: string, request: ApprovalRequest, verdict: Verdict, finish: (reply: RpcReply) => void): void {
    let reply: RpcReply;
    let status = '';
    this.ctx.go({
      screen: () => ({ id: `${id}-signing`, title: 'Signing', lines: [line('Signing...', { size: 'large', align: 'center' }), line(status, { align: 'center' })], buttons: {} }),
      press: () => {},
    });
    // Checked again now: events written since the request came (its own sign-requested, a stranger's tally, the
    // owner's) may have brought the log inside the reserve; a signature recorded there could be overwritten unread.
    const unread = this.events.mustReadFirst();
    if (unread) {
      this.log.log(`${id}: refused at approval: ${unread}`);
      finish(fail('events-unread', unread));
      this.ctx.go(this.doneScreen(id, false, 'The app must read the event log first.'));
      return;
    }
    try {
      if (verdict.kind !== 'refuse') this.guard.record(verdict.outflows); // before the signature exists
      if (request.commit) {
        // The spend counts now, once: an app that never reveals only loses the signature it was granted.
        const c = request.commit();
        this.awaiting = { id, summary: request.summary, reveal: c.reveal, expiresAt: this.ctx.now() + REVEAL_TTL_MS, keys: this.keysGeneration?.() };
        this.log.log(`${id}: approved on the device; waiting for the app's entropy (anti-exfil)`);
        finish(c.reply);
        // No signature exists yet: the Signing screen stays until the reveal (normally one round trip) and the
        // result is shown then, so the LCD never says "Signed" for an approval the app let lapse.
        this.ctx.go(this.waitingForRevealScreen(id));
        return;
      }
      reply = request.sign((done, total) => {
        status = `${done} of ${total}`;
        this.ctx.refresh();
      });
      this.log.log(`${id}: approved and signed on the device`);
      this.events.record('signed', { request: id, ...request.summary });
    } catch (err) {
      reply = err instanceof LatchError && err.code === 'locked'
        ? fail('locked', 'the device locked before signing')
        : fail('device-fault', `signing failed: ${(err as Error).message}`);
    }
    finish(reply);
    this.ctx.go(this.doneScreen(id, 'result' in reply));
  }

  /**
   * sign_reveal: the app's entropy for the approved anti-exfil request. One reveal per approval, whatever its
   * outcome: a wrong one is refused and the request is gone (nothing is signed twice, nothing signed unseen).
   */
  reveal(entropy: unknown): RpcReply {
    this.withdrawIfKeysChanged();
    const a = this.awaiting;
    if (!a) return fail('nothing-to-reveal', 'no approved request is waiting for the app\'s entropy (it was answered, withdrawn by a lock, a disconnect or another request, or it expired): ask again');
    this.awaiting = undefined;
    const unread = this.events.mustReadFirst(); // as at approval: events may have come in between
    if (unread) {
      this.events.record('sign-refused', { request: a.id, reason: 'anti-exfil: the event log must be read first' });
      this.showRevealOutcome(a.id, false, 'The app must read the event log first.');
      return fail('events-unread', unread);
    }
    try {
      const reply = a.reveal(entropy);
      this.log.log(`${a.id}: signed with the app's entropy (anti-exfil)`);
      this.events.record('signed', { request: a.id, ...a.summary, antiExfil: true });
      this.showRevealOutcome(a.id, true);
      return reply;
    } catch (err) {
      if (err instanceof LatchError && err.code === 'bad-anti-exfil') {
        this.log.log(`${a.id}: the app's entropy was refused`);
        this.events.record('sign-refused', { request: a.id, reason: `anti-exfil: ${err.message}` });
        this.showRevealOutcome(a.id, false, 'The app\'s answer did not match what it committed to.');
        return fail('bad-anti-exfil', `${err.message}: nothing was signed and the approval is spent: ask again`);
      }
      this.events.record('sign-refused', { request: a.id, reason: 'anti-exfil: signing failed' });
      this.showRevealOutcome(a.id, false);
      if (err instanceof LatchError && err.code === 'locked') return fail('locked', 'the device locked before signing');
      return fail('device-fault', `signing failed: ${(err as Error).message}`);
    }
  }

  /** The wallet in use changed since the approval (its keys are not the ones approved): withdraw it. */
  private withdrawIfKeysChanged(): void {
    if (this.awaiting && this.keysGeneration && this.awaiting.keys !== this.keysGeneration()) this.withdrawReveal('the wallet in use changed');
  }

  /** Drop an approved request still waiting for its entropy, with the reason in the event log. */
  withdrawReveal(why: string): void {
    const a = this.awaiting;
    if (!a) return;
    this.awaiting = undefined;
    this.log.log(`${a.id}: no longer waiting for the app's entropy (${why})`);
    this.events.record('sign-refused', { request: a.id, reason: `anti-exfil: ${why}` });
    this.showRevealOutcome(a.id, false, `The app did not finish: ${why}.`);
  }

  /** The Signing screen while the approved request waits for the app's entropy; Hide leaves it waiting. */
  private waitingForRevealScreen(id: string) {
    const ctx = this.ctx;
    return {
      interruptible: true,
      screen: () => ({ id: `${id}-signing`, title: 'Signing', lines: [line('Signing...', { size: 'large', align: 'center' }), line('waiting for the app', { align: 'center' })], buttons: { b: 'Hide' } }),
      press: (e: { button: string }) => { if (e.button === 'b') ctx.home(); },
    };
  }

  /** Signed / Not signed, if the owner is still looking at the waiting screen (never over another screen). */
  private showRevealOutcome(id: string, ok: boolean, why?: string): void {
    if (this.nav.current.screen().id === `${id}-signing`) this.ctx.go(this.doneScreen(id, ok, why));
  }

  /** The app cancelled, or the session ended: take the request off the screen (or out of the queue). */
  cancel(reason: 'cancelled' | 'locked' | 'expired' | 'frozen' = 'cancelled'): void {
    if (reason !== 'expired') this.withdrawReveal(reason === 'cancelled' ? 'the session ended or the app cancelled' : `the device was ${reason}`);
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    this.nav.cancel(p.tag);
    if (p.shown && /-(review|confirm|code)$/.test(this.nav.current.screen().id)) this.ctx.home();
    this.log.log(`signing request withdrawn (${reason})`);
    if (reason === 'expired') p.answer(fail('timeout', `the request expired after ${REQUEST_TTL_MS / 60_000} minutes on the device`));
    if (reason === 'locked') p.answer(fail('locked', 'the device locked before the owner confirmed: unlock it and ask again'));
    if (reason === 'frozen') p.answer(fail('frozen', 'the device was frozen: nothing is signed until the owner unfreezes it on the device'));
  }

  /** Every ~100 ms: expire a request left unanswered. */
  tick(): void {
    this.withdrawIfKeysChanged();
    if (this.awaiting && this.ctx.now() >= this.awaiting.expiresAt) this.withdrawReveal(`no entropy within ${REVEAL_TTL_MS / 1000} s`);
    if (this.pending && this.ctx.now() >= this.pending.expiresAt) this.cancel('expired');
  }

  private doneScreen(id: string, ok: boolean, why?: string) {
    const ctx = this.ctx;
    return {
      interruptible: true,
      screen: () => ({ id: `${id}-done`, title: ok ? 'Signed' : 'Not signed', lines: why ? [line(why, { color: THEME.warning })] : [], buttons: { b: 'OK' } }),
      press: (e: { button: string }) => { if (e.button === 'b') ctx.home(); },
    };
  }
}
