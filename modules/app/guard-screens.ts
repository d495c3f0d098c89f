/**
 * The guard on the device's screen: a policy change from the app reviewed and confirmed (hold C), then applied,
 * proven with a code, or left pending for 24 hours; freezing and unfreezing; verification codes (enrolment with a
 * QR code, removal with a code or with the PIN and a 24-hour wait).
 */
import { base32nopad } from '@scure/base';
import { line, type ScreenLine } from '../ui/screen.js';
import { THEME } from '../ui/render.js';
import { wipe } from '../bytes.js';
import { describeRule, formatAmount, type Policy } from '../guard/policy.js';
import { frozenBy } from '../guard/freeze.js';
import { PENDING_WAIT_MS } from '../guard/guard.js';
import { SECRET_SIZE, VerificationCodes } from '../guard/codes.js';
import { otpauthUri } from '../guard/otp.js';
import { duration } from '../guard/spending.js';
import { reviewActivity, type ReviewPage } from '../signing/review.js';
import { message, type Activity, type AppContext } from './activity.js';
import { askCode } from './code-entry.js';
import { checkPin } from './pin-check.js';
import { pinEntry } from './pin-entry.js';

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
      ctx.guard.schedule(next);
      ctx.log.log('spending policy loosening pending for 24 h');
      done('pending');
      ctx.go(message(ctx, 'policy-pending', 'Change pending', [
        line(`The looser limits take effect in ${duration(PENDING_WAIT_MS)} of device time.`),
        line('Cancel it any time in Menu > Spending limits, or from the app.'),
      ], () => ctx.home(), 'OK', true));
    },
    reject: () => done('refused', 'refused on the device'),
  });
}

/** Menu > Spending limits: what is in force, what is pending (cancel it), and removing all limits. */
export function limitsScreen(ctx: AppContext, back: () => void): Activity {
  const g = ctx.guard;
  const p = g.policy;
  const pending = g.pending;
  const lines: ScreenLine[] = p.rules.length
    ? p.rules.flatMap((r) => {
      const spent = r.daily !== undefined ? g.ledger.spent(r.asset, ctx.vault.clock.now()) : undefined;
      return [...describeRule(r).map((l) => line(l)), ...(spent !== undefined ? [line(`  spent in the last 24 h: ${formatAmount(r.asset, spent)}`, { color: THEME.dim })] : [])];
    })
    : [line('No spending limits are set. The app proposes them; you confirm here.')];
  if (pending) lines.push(line(`A looser policy takes effect in ${duration(pending.effectiveAt - ctx.vault.clock.now())}.`, { color: THEME.warning }));
  return {
    interruptible: true,
    screen: () => ({ id: 'limits', title: 'Spending limits', lines, buttons: { a: 'Back', ...(pending ? { b: 'Cancel change' } : {}), ...(p.rules.length && !pending ? { c: 'Remove all' } : {}) } }),
    press: (e) => {
      if (e.long) return;
      if (e.button === 'a') back();
      else if (e.button === 'b' && pending) {
        g.cancelPending();
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
        line('Nothing will be signed, no limit changed, no app bound until you unfreeze it here with your PIN' + (ctx.guard.codes.enrolled ? ' and a verification code.' : '.')),
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

/** Unfreezing: the PIN, then a verification code when enrolled. */
export function unfreezeFlow(ctx: AppContext): Activity {
  const finish = () => {
    ctx.guard.unfreeze();
    ctx.log.log('unfrozen by the owner');
    ctx.go(message(ctx, 'unfrozen', 'Unfrozen', [line('The device signs again, within its limits.')], () => ctx.home(), 'OK', true));
  };
  return checkPin(ctx, 'pin-unfreeze', 'Unfreeze', 'Enter your PIN to unfreeze.', () => {
    if (!ctx.guard.codes.enrolled) return finish();
    ctx.go(askCode(ctx, { id: 'unfreeze-code', title: 'Unfreeze', why: 'Unfreezing needs a verification code.', ok: finish, refused: () => ctx.log.log('unfreeze: code not accepted') }));
  });
}

/** A line for home screens while frozen. */
export function frozenLines(ctx: AppContext): ScreenLine[] {
  const f = ctx.guard.freeze.state;
  return f ? [line('FROZEN', { size: 'large', align: 'center', color: THEME.danger }), line(`by ${frozenBy(f)}`, { align: 'center' })] : [];
}

/** Menu > Verification codes: enrol, or manage (remove with a code, or with the PIN and a wait; cancel that). */
export function codesScreen(ctx: AppContext, back: () => void): Activity {
  const codes = ctx.guard.codes;
  if (!codes.enrolled) return enrolShow(ctx, back);
  const removal = codes.removalAt;
  return {
    interruptible: true,
    screen: () => ({
      id: 'codes',
      title: 'Verification codes',
      lines: [
        line('Codes are on.', { size: 'large' }),
        line('They are asked for loosening limits, over-limit signing (if allowed), unfreezing and backup codes.'),
        ...(removal !== undefined ? [line(`Removal takes effect in ${duration(removal - ctx.vault.clock.now())}.`, { color: THEME.warning })] : []),
        line(''),
        line(removal !== undefined ? 'B: keep codes (cancel the removal).' : 'B: remove with a code. C: lost the authenticator (PIN, then a 24 h wait).', { color: THEME.dim }),
      ],
      buttons: { a: 'Back', b: removal !== undefined ? 'Keep' : 'Remove', ...(removal === undefined ? { c: 'Lost it' } : {}) },
    }),
    press: (e) => {
      if (e.long) return;
      if (e.button === 'a') back();
      else if (e.button === 'b' && removal !== undefined) {
        ctx.guard.cancelCodeRemoval();
        ctx.log.log('verification code removal cancelled on the device');
        ctx.go(codesScreen(ctx, back));
      } else if (e.button === 'b') {
        ctx.go(askCode(ctx, {
          id: 'codes-remove', title: 'Remove codes', why: 'Removing verification codes needs a current code.',
          ok: () => {
            codes.remove();
            ctx.log.log('verification codes removed (with a code)');
            ctx.go(message(ctx, 'codes-removed', 'Codes removed', [line('The device no longer asks for verification codes.')], back));
          },
          refused: () => ctx.log.log('codes not removed: code not accepted'),
          back,
        }));
      } else if (e.button === 'c' && removal === undefined) {
        ctx.go(checkPin(ctx, 'pin-codes-lost', 'Lost authenticator', 'Enter your PIN to remove the codes after 24 hours.', () => {
          ctx.guard.requestCodeRemoval();
          ctx.log.log('verification code removal requested (PIN; 24 h wait)');
          ctx.go(message(ctx, 'codes-removal-pending', 'Removal pending', [
            line(`Codes are removed after ${duration(PENDING_WAIT_MS)} of device time. The app is told.`),
            line('Changed your mind, or not you? Menu > Verification codes > Keep.'),
          ], back));
        }));
      }
    },
  };
}

/** Enrolment, step 1: the secret as a QR code (otpauth://) and as base32 text for the authenticator app. */
function enrolShow(ctx: AppContext, back: () => void): Activity {
  if (ctx.guard.world.now() === undefined) {
    return message(ctx, 'codes-no-time', 'Verification codes', [
      line('The device needs today\'s time to check codes, and only the bound app can tell it.'),
      line('Open the app (any request sends the time), then come back here.'),
    ], back);
  }
  const secret = ctx.entropy.bytes(SECRET_SIZE);
  const uri = otpauthUri(secret, `Device ${ctx.vault.deviceId?.slice(0, 8) ?? ''}`);
  const text = base32nopad.encode(secret).match(/.{1,4}/g)!.join(' ');
  const leave = () => wipe(secret);
  return {
    screen: () => ({
      id: 'codes-enrol',
      title: 'Set up codes',
      lines: [line('Scan with an authenticator app, or type:', { color: THEME.dim }), line(text), line(''), line('C: next (enter a code).', { color: THEME.dim })],
      buttons: { a: 'Cancel', c: 'Next' },
      qr: uri,
    }),
    press: (e) => {
      if (e.long) return;
      if (e.button === 'a') { leave(); back(); }
      else if (e.button === 'c') ctx.go(enrolProve(ctx, secret, back));
    },
  };
}

/** Enrolment, step 2: the owner proves the authenticator has it by typing its current code. */
function enrolProve(ctx: AppContext, secret: Uint8Array, back: () => void): Activity {
  return pinEntry(ctx, {
    id: 'codes-enrol-code',
    title: 'Set up codes',
    prompt: 'Enter the code your authenticator app now shows for Latch.',
    kind: 'Code',
    cancel: () => { wipe(secret); back(); },
    done: (code) => {
      const unix = ctx.guard.world.now();
      const step = unix === undefined ? undefined : VerificationCodes.matches(secret, code, unix);
      if (step === undefined) {
        return ctx.go(message(ctx, 'codes-enrol-wrong', 'Not set up', [line('That code does not match. Check the authenticator\'s entry (and the phone\'s time), then try again.')], () => ctx.go(enrolProve(ctx, secret, back))));
      }
      ctx.guard.codes.enrol(secret, step);
      wipe(secret);
      ctx.log.log('verification codes enrolled');
      ctx.go(message(ctx, 'codes-enrolled', 'Codes on', [line('From now on the device asks for a code to loosen limits, sign over them (if allowed) and unfreeze.')], back));
    },
  });
}
