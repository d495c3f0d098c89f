/**
 * The guard on the device's screen: a policy change from the app reviewed and confirmed (hold C), then applied,
 * proven with a code, or left pending for 24 hours; freezing and unfreezing (with the PIN and a code; without
 * codes the PIN starts a 24-hour wait, or the bound app's request makes it immediate). Verification codes are
 * codes-screens.ts, the pending changes pending-screens.ts.
 */
import { line, type ScreenLine } from '../ui/screen.js';
import { THEME } from '../ui/render.js';
import { describeRule, formatAmount, type Policy } from '../guard/policy.js';
import { frozenBy } from '../guard/freeze.js';
import { PENDING_WAIT_MS } from '../guard/guard.js';
import { duration } from '../guard/spending.js';
import { reviewActivity, type ReviewPage } from '../signing/review.js';
import { answerOnce, message, type Activity, type AppContext } from './activity.js';
import { appNamed } from './binding.js';
import { askCode } from './code-entry.js';
import { checkPin } from './pin-check.js';

export type PolicyOutcome = 'applied' | 'pending' | 'refused' | 'bad-code';

function policyPages(title: string, p: Policy): ReviewPage[] {
  if (!p.rules.length) return [{ title, lines: [line('No spending limits: the device signs any amount.', { color: THEME.warning })] }];
  return [
    ...p.rules.map((r, i) => ({ title: `${title} ${i + 1}/${p.rules.length}`, lines: describeRule(r).map((l) => line(l)) })),
    { title, lines: [line(p.overLimitWithCode ? 'Over a limit: allowed with a verification code.' : 'Over a limit: refused.')] },
  ];
}

/** A policy the app proposes: shown in full, then hold C; loosening needs a code or waits 24 hours. */
export function policyChange(ctx: AppContext, next: Policy, kind: 'tighter' | 'looser', done: (outcome: PolicyOutcome, detail?: string) => void): Activity {
  const codes = ctx.guard.codes;
  const looserNote: ScreenLine[] = kind === 'looser'
    ? [line('This loosens the limits.', { color: THEME.warning }), line(codes.enrolled ? 'A verification code is needed next.' : `It takes effect after ${duration(PENDING_WAIT_MS)} of device time; the app is told and can cancel it.`)]
    : [line('This tightens the limits: it takes effect at once.')];
  return reviewActivity(ctx, {
    id: 'policy',
    pages: [{ title: 'New spending limits', lines: [line('The app asks to set these limits.'), ...looserNote] }, ...policyPages('Limit', next)],
    confirm: { title: 'Set limits?', lines: [line(kind === 'looser' ? 'Loosen the limits?' : 'Apply these limits?', { size: 'large' }), ...looserNote] },
    action: 'Hold: Set',
  }, {
    approve: () => {
      if (ctx.guard.freeze.frozen) {
        done('refused', ctx.guard.frozenReason);
        return ctx.home();
      }
      if (kind === 'tighter') {
        ctx.guard.apply(next);
        ctx.log.log('spending policy tightened');
        done('applied');
        return ctx.go(message(ctx, 'policy-applied', 'Limits set', [line('The new limits are in force.')], () => ctx.home(), 'OK', true));
      }
      if (codes.enrolled) {
        return ctx.go(askCode(ctx, {
          id: 'policy-code', title: 'Verification code', why: 'Loosening the spending limits needs a verification code.',
          ok: () => {
            ctx.guard.apply(next);
            ctx.log.log('spending policy loosened with a verification code');
            done('applied');
            ctx.go(message(ctx, 'policy-applied', 'Limits set', [line('The new limits are in force.')], () => ctx.home(), 'OK', true));
          },
          refused: (problem) => done('bad-code', problem),
        }));
      }
      ctx.guard.schedule({ kind: 'policy', policy: next });
      ctx.log.log('spending policy loosening pending for 24 h');
      done('pending');
      ctx.go(message(ctx, 'policy-pending', 'Change pending', [
        line(`The looser limits take effect in ${duration(PENDING_WAIT_MS)} of device time.`),
        line('Cancel it any time in Menu > Pending changes (or Spending limits), or from the app.'),
      ], () => ctx.home(), 'OK', true));
    },
    reject: () => done('refused', 'refused on the device'),
  });
}

/** Menu > Spending limits: what is in force, what is pending (cancel it), and removing all limits. */
export function limitsScreen(ctx: AppContext, back: () => void): Activity {
  const g = ctx.guard;
  const p = g.policy;
  const pending = g.pendingPolicy;
  const lines: ScreenLine[] = p.rules.length
    ? p.rules.flatMap((r) => {
      const spent = r.daily !== undefined ? g.ledger.scope(r.wallet).spent(r.asset, ctx.vault.clock.now()) : undefined;
      return [...describeRule(r).map((l) => line(l)), ...(spent !== undefined ? [line(`  spent in the last 24 h: ${formatAmount(r.asset, spent)}`, { color: THEME.dim })] : [])];
    })
    : [line('No spending limits are set. The app proposes them; you confirm here.')];
  if (pending) lines.push(line(`A looser policy ${g.changes.when(pending, ctx.vault.clock.now(), g.freeze.state?.at)}.`, { color: THEME.warning }));
  return {
    interruptible: true,
    screen: () => ({ id: 'limits', title: 'Spending limits', lines, buttons: { a: 'Back', ...(pending ? { b: 'Cancel change' } : {}), ...(p.rules.length && !pending ? { c: 'Remove all' } : {}) } }),
    press: (e) => {
      if (e.long) return;
      if (e.button === 'a') back();
      else if (e.button === 'b' && pending) {
        g.cancel(pending.id, 'device');
        ctx.log.log('pending policy change cancelled on the device');
        ctx.go(message(ctx, 'policy-cancelled', 'Change cancelled', [line('The limits stay as they are.')], back, 'OK', true));
      } else if (e.button === 'c' && p.rules.length && !pending) {
        ctx.go(policyChange(ctx, { rules: [], overLimitWithCode: false }, 'looser', () => undefined));
      }
    },
  };
}

/** Menu > Freeze now: a decision (hold C). */
export function freezeConfirm(ctx: AppContext, back: () => void, frozen: () => void): Activity {
  return {
    decision: true,
    screen: () => ({
      id: 'freeze-confirm',
      title: 'Freeze',
      lines: [
        line('Freeze the device?', { size: 'large' }),
        line('Nothing will be signed, no limit changed, no app bound until you unfreeze it here with your PIN' + (ctx.guard.codes.enrolled
          ? ' and a verification code.'
          : `: that waits ${duration(PENDING_WAIT_MS)} of device time, unless the bound app asks for it.`)),
      ],
      buttons: { a: 'Cancel', c: 'Hold: Freeze' },
    }),
    press: (e) => {
      if (e.button === 'a' && !e.long) back();
      else if (e.button === 'c' && e.long) {
        ctx.guard.freezeNow('owner');
        ctx.log.log('frozen by the owner');
        frozen();
      }
    },
  };
}

/**
 * Unfreezing: the PIN, then a verification code when enrolled. Without codes the PIN alone starts a 24-hour wait
 * (announced to the bound app, which can refuse it, or unfreeze at once with `latch unfreeze`); while it runs
 * this screen shows what is left and can cancel it.
 */
export function unfreezeFlow(ctx: AppContext): Activity {
  const g = ctx.guard;
  const unfrozen = () => ctx.go(message(ctx, 'unfrozen', 'Unfrozen', [line('The device signs again, within its limits.')], () => ctx.home(), 'OK', true));
  const waiting = g.codes.enrolled ? undefined : g.changes.get('unfreeze');
  if (waiting) {
    return {
      interruptible: true,
      screen: () => ({
        id: 'unfreeze-pending',
        title: 'Unfreeze pending',
        lines: [
          line(`Unfreezing with the PIN alone ${g.changes.when(waiting, ctx.vault.clock.now(), g.freeze.state?.at)} of device time.`),
          line('The bound app was told: it can refuse it, or unfreeze at once (latch unfreeze, with the device unlocked).', { color: THEME.dim }),
        ],
        buttons: { a: 'Back', c: 'Stay frozen' },
      }),
      press: (e) => {
        if (e.long) return;
        if (e.button === 'a') ctx.home();
        else if (e.button === 'c') {
          g.cancel(waiting.id, 'device');
          ctx.log.log('pending unfreeze cancelled on the device');
          ctx.go(message(ctx, 'unfreeze-cancelled', 'Stays frozen', [line('The pending unfreeze was cancelled.')], () => ctx.home(), 'OK', true));
        }
      },
    };
  }
  return checkPin(ctx, 'pin-unfreeze', 'Unfreeze', 'Enter your PIN to unfreeze.', () => {
    if (g.codes.enrolled) {
      return ctx.go(askCode(ctx, {
        id: 'unfreeze-code', title: 'Unfreeze', why: 'Unfreezing needs a verification code.',
        ok: () => {
          g.unfreeze('the PIN and a verification code');
          ctx.log.log('unfrozen by the owner');
          unfrozen();
        },
        refused: () => ctx.log.log('unfreeze: code not accepted'),
      }));
    }
    g.requestUnfreeze();
    ctx.log.log('PIN-only unfreeze requested: pending for 24 h');
    ctx.go(message(ctx, 'unfreeze-requested', 'Unfreeze pending', [
      line(`No verification codes are set up: the device unfreezes after ${duration(PENDING_WAIT_MS)} of device time.`),
      line('The bound app is told and can refuse it. To unfreeze at once, ask from the bound app (latch unfreeze) while the device is unlocked.', { color: THEME.dim }),
    ], () => ctx.home(), 'OK', true));
  });
}

/** The bound app asks to unfreeze (no codes enrolled, the device unlocked): hold C to unfreeze now. */
export function unfreezeAsked(ctx: AppContext, label: string, answer: (yes: boolean) => void): Activity {
  const decide = answerOnce(answer);
  return {
    decision: true,
    screen: () => ({
      id: 'unfreeze-ask',
      title: 'Unfreeze?',
      lines: [
        line('Unfreeze the device now?', { size: 'large' }),
        line(`The ${appNamed(label)} asks for it; the PIN was entered here.`),
        line('It signs again, within its limits.', { color: THEME.dim }),
      ],
      buttons: { a: 'Stay frozen', c: 'Hold: Unfreeze' },
    }),
    press: (e) => {
      if (e.button === 'a' && !e.long) decide(false);
      else if (e.button === 'c' && e.long) decide(true);
    },
    leave: () => decide(false),
  };
}

/** Lines for home screens: frozen (and a pending unfreeze), and how many changes wait. */
export function guardLines(ctx: AppContext): ScreenLine[] {
  const g = ctx.guard;
  const f = g.freeze.state;
  const changes = g.changes.list();
  const unfreeze = changes.find((c) => c.kind === 'unfreeze');
  const others = changes.length - (unfreeze ? 1 : 0);
  return [
    ...(f ? [line('FROZEN', { size: 'large', align: 'center', color: THEME.danger }), line(`by ${frozenBy(f)}`, { align: 'center' })] : []),
    ...(f && unfreeze ? [line(`Unfreeze ${g.changes.when(unfreeze, ctx.vault.clock.now(), f.at)}`, { align: 'center', color: THEME.warning })] : []),
    ...(others ? [line(`${others} change${others === 1 ? '' : 's'} pending: Menu > Pending changes`, { align: 'center', color: THEME.warning })] : []),
  ];
}
