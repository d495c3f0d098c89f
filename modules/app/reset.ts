/**
 * Factory reset from the device: confirmed twice on the screen (the second time a security decision: hold C),
 * then every vault sector erased with progress. A reset an app asked for also needs the PIN on the device when
 * a wallet exists: a bound app alone (or a thief holding the phone) cannot wipe a device. The app hears the
 * outcome once: erased (as the erase begins), refused (Cancel, or the flow left), a wrong PIN, or timed out.
 */
import { line } from '../ui/screen.js';
import { THEME } from '../ui/render.js';
import { MAX_PIN_ATTEMPTS } from '../vault/vault.js';
import { message, type Activity, type AppContext } from './activity.js';
import { appNamed } from './binding.js';
import { pinEntry } from './pin-entry.js';

/** what the app that asked for a reset hears */
export type ResetOutcome = 'erased' | 'refused' | 'wrong-pin' | 'timeout';
/** how long an app's reset request stays on the screen unanswered (as a signing request) */
export const RESET_REQUEST_TTL_MS = 3 * 60_000;

/** A reset an app asked for: who, its answer (called once), and when it expires (device time). */
export interface ResetRequest {
  label: string;
  answer(outcome: ResetOutcome): void;
  expiresAt: number;
}

/**
 * The screens of one reset flow share its answer: leaving the flow any other way than to its next screen (the
 * device locks, freezes, or the owner goes elsewhere) refuses; its expiry answers `timeout` and goes home.
 */
class ResetFlow {
  private answered = false;
  private moving = false;
  constructor(readonly ctx: AppContext, readonly request: ResetRequest | undefined) {}

  get requestedBy(): string | undefined {
    return this.request?.label;
  }

  answer(outcome: ResetOutcome): void {
    if (this.answered) return;
    this.answered = true;
    this.request?.answer(outcome);
  }

  /** Go to the flow's next screen (not a way out). */
  next(activity: Activity): void {
    this.moving = true;
    this.ctx.go(activity);
    this.moving = false;
  }

  /** An activity of this flow: refuses when left for anything but the next step; expires with the request. */
  step(activity: Activity): Activity {
    return {
      ...activity,
      tick: () => {
        const changed = activity.tick?.() ?? false;
        if (this.request && !this.answered && this.ctx.now() >= this.request.expiresAt) {
          this.answer('timeout');
          this.ctx.home();
        }
        return changed;
      },
      leave: () => {
        activity.leave?.();
        if (!this.moving) this.answer('refused');
      },
    };
  }
}

export function resetConfirm(ctx: AppContext, request?: ResetRequest): Activity {
  return confirmFirst(new ResetFlow(ctx, request));
}

function confirmFirst(flow: ResetFlow): Activity {
  const { ctx } = flow;
  const requestedBy = flow.requestedBy;
  return flow.step({
    screen: () => ({
      id: 'reset-confirm-1',
      title: 'Factory reset',
      lines: [
        ...(requestedBy ? [line(`The ${appNamed(requestedBy)} asks to erase this device.`, { color: THEME.warning })] : []),
        line('Erase everything on this device?', { size: 'large' }),
        line(''),
        line('The wallet, the PIN and the app binding will be erased.'),
        line('Without your written recovery words, the funds are lost.', { color: THEME.warning }),
      ],
      buttons: { a: 'Cancel', c: 'Erase...' },
    }),
    press: (e) => {
      if (e.button === 'a') ctx.home();
      else if (e.button === 'c' && !e.long) flow.next(confirmAgain(ctx, flow));
    },
  });
}

function confirmAgain(ctx: AppContext, flow: ResetFlow): Activity {
  const needsPin = flow.request !== undefined && ctx.vault.hasWallet;
  return flow.step({
    decision: true,
    screen: () => ({
      id: 'reset-confirm-2',
      title: 'Really erase?',
      lines: [
        line('This cannot be undone.', { size: 'large', color: THEME.danger }),
        line(''),
        line(needsPin ? 'Hold C, then enter your PIN, to erase the device.' : 'Hold C to erase the device now.'),
      ],
      buttons: { a: 'Cancel', c: 'Hold: erase' },
    }),
    press: (e) => {
      if (e.button === 'a') ctx.home();
      else if (e.button === 'c' && e.long) {
        if (needsPin) flow.next(resetPin(ctx, flow));
        else factoryReset(ctx, flow);
      }
    },
  });
}

/** The PIN check for an app's reset request: counted like any PIN attempt. */
function resetPin(ctx: AppContext, flow: ResetFlow): Activity {
  return flow.step(pinEntry(ctx, {
    id: 'pin-reset',
    title: 'PIN to erase',
    prompt: 'An app asked for this reset: enter your PIN to erase the device.',
    cancel: () => ctx.home(),
    done: (pin) => {
      const result = ctx.vault.unlock(pin);
      if (result.ok) return factoryReset(ctx, flow);
      if (result.reason === 'wiped') {
        flow.answer('erased');
        ctx.forgetBonds();
        ctx.locked();
        return ctx.go(message(ctx, 'wiped', 'Device erased', [line(`${MAX_PIN_ATTEMPTS} wrong PINs in a row: the device erased itself.`)], () => ctx.home()));
      }
      if (result.reason === 'wrong-pin') ctx.events.record('pin-wrong', { failures: result.failures, remaining: result.remaining });
      flow.answer('wrong-pin');
      const why = result.reason === 'wait' ? `Wait ${Math.ceil(result.waitMs / 1000)} s before the next try.` : `Wrong PIN; ${result.remaining} tries left.`;
      ctx.go(message(ctx, 'reset-pin-wrong', 'Not erased', [line(why), line('The device was not erased.')], () => ctx.home()));
    },
  }));
}

function factoryReset(ctx: AppContext, flow: ResetFlow): void {
  // The app hears it before the link goes (locking ends its request; the erase ends its binding). From here the
  // erase is finished even across a power cut (the wipe marker), so "erased" is the truth it will be.
  flow.answer('erased');
  let progress = 'Starting';
  const erasing: Activity = {
    screen: () => ({ id: 'erasing', title: 'Erasing', lines: [line(progress, { size: 'large', align: 'center' }), line('Do not power off.', { align: 'center' })], buttons: {} }),
    press: () => {},
  };
  ctx.go(erasing);
  ctx.log.log('factory reset');
  ctx.locked();
  ctx.vault.wipe((done, total) => {
    progress = `Sector ${done} of ${total}`;
    ctx.refresh();
  });
  ctx.forgetBonds();
  ctx.go(message(ctx, 'reset-done', 'Reset done', [line('The device is blank again, with a new identity.')], () => ctx.home()));
}
