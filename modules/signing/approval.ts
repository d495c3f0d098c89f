/**
 * The approval flow every signing request goes through, whatever the asset:
 *   request (bound app's session, unlocked device) -> review on the screen (now, or once the owner is free)
 *   -> the owner holds C on the last page -> sign -> answer; or Reject -> "refused on the device".
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

export const REQUEST_TTL_MS = 3 * 60_000;

export interface ApprovalRequest {
  review: Review;
  /**
   * make the signature(s): called once, after the owner approved, with the keys still there. Long work (a PSBT
   * of many inputs) reports `progress`, which redraws the Signing screen as it goes.
   */
  sign(progress: (done: number, total: number) => void): RpcReply;
}

interface Pending {
  tag: string;
  answer: (reply: RpcReply) => void;
  expiresAt: number;
  shown: boolean;
}

export class Approvals {
  private pending: Pending | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly nav: Navigator,
    private readonly log: LogPort,
    private readonly notify: (name: string, data: unknown) => void,
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
    const id = request.review.id;
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
      return reviewActivity(this.ctx, request.review, {
        approve: () => {
          let reply: RpcReply;
          let status = '';
          this.ctx.go({
            screen: () => ({ id: `${id}-signing`, title: 'Signing', lines: [line('Signing...', { size: 'large', align: 'center' }), line(status, { align: 'center' })], buttons: {} }),
            press: () => {},
          });
          try {
            reply = request.sign((done, total) => {
              status = `${done} of ${total}`;
              this.ctx.refresh();
            });
            this.log.log(`${id}: approved and signed on the device`);
          } catch (err) {
            reply = err instanceof LatchError && err.code === 'locked'
              ? fail('locked', 'the device locked before signing')
              : fail('device-fault', `signing failed: ${(err as Error).message}`);
          }
          finish(reply);
          this.ctx.go(this.doneScreen(id, 'result' in reply));
        },
        reject: () => {
          this.log.log(`${id}: refused on the device`);
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

  /** The app cancelled, or the session ended: take the request off the screen (or out of the queue). */
  cancel(reason: 'cancelled' | 'locked' | 'expired' = 'cancelled'): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    this.nav.cancel(p.tag);
    if (p.shown && /-(review|confirm)$/.test(this.nav.current.screen().id)) this.ctx.home();
    this.log.log(`signing request withdrawn (${reason})`);
    if (reason === 'expired') p.answer(fail('timeout', `the request expired after ${REQUEST_TTL_MS / 60_000} minutes on the device`));
    if (reason === 'locked') p.answer(fail('locked', 'the device locked before the owner confirmed: unlock it and ask again'));
  }

  /** Every ~100 ms: expire a request left unanswered. */
  tick(): void {
    if (this.pending && this.ctx.now() >= this.pending.expiresAt) this.cancel('expired');
  }

  private doneScreen(id: string, ok: boolean) {
    const ctx = this.ctx;
    return {
      interruptible: true,
      screen: () => ({ id: `${id}-done`, title: ok ? 'Signed' : 'Not signed', lines: [], buttons: { b: 'OK' } }),
      press: (e: { button: string }) => { if (e.button === 'b') ctx.home(); },
    };
  }
}
