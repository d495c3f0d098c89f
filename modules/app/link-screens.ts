/**
 * What an app's requests over the link put on the owner's screen: while it binds (protocol/bind-responder.ts asks,
 * app/binding.ts draws) the code, the Allow decision, a failure, the result, the backup code's use; and its
 * request to reset the device (app/reset.ts). Each is shown only if the owner is free or queued until then
 * (navigator.ts: showIfFree, prompt). The device passes them to the link handler once, from its constructor.
 */
import type { LinkUi } from '../protocol/link-handler.js';
import type { CoreContext } from '../protocol/methods/core.js';
import type { AppContext } from './activity.js';
import { bindCode, bindDecision, bindFailed, bound } from './binding.js';
import type { Navigator } from './navigator.js';
import { backupBindNotice, bindingCodeReplaced } from './owner-codes.js';
import { RESET_REQUEST_TTL_MS, resetConfirm } from './reset.js';

/** `published`: the owner answered Allow, and what the device tells before any session (INFO) may have changed. */
export function linkScreens(ctx: AppContext, nav: Navigator, published: () => void): LinkUi {
  return {
    showBindCode: (code, label) => nav.showIfFree(() => bindCode(ctx, code, label)),
    askAllow: (app, answer) => nav.prompt('allow-app', () => bindDecision(ctx, app, (a) => { answer(a); published(); }), () => answer('expired')),
    bindFailed: (reason, failures, waitMs) => void nav.showIfFree(() => bindFailed(ctx, reason, failures, waitMs)),
    frozen: () => ctx.guard.frozenReason,
    refusal: () => (ctx.guard.changes.get('bind') ? 'another new app\'s binding is already waiting out its 24 hours: the bound app (or the owner, in Menu > Pending changes) can cancel it' : undefined),
    tellTime: (unix) => void ctx.guard.world.tell(unix, 'a new app'),
    // Bind requests need no key: coalesced, so a flood neither pushes what matters out nor wears the flash.
    event: (kind, details) => void (kind === 'bind-requested'
      ? ctx.events.noteBindRequest(String(details.app ?? ''), typeof details.refused === 'string' ? details.refused : undefined)
      : ctx.events.record(kind, details)),
    backupCodes: ctx.backupCodes,
    showBackupBind: (label) => nav.showIfFree(() => backupBindNotice(ctx, label)),
    bindingCodeChanged: (code) => void nav.showIfFree(() => bindingCodeReplaced(ctx, code)),
    // The Allow screen itself gives way to the result (it is the screen the owner just answered on).
    bound: (label) => void (['bind-allow', 'bind-verify'].includes(nav.current.screen().id) ? nav.go(bound(ctx, label)) : nav.showIfFree(() => bound(ctx, label))),
    abandoned: () => {
      nav.cancel('allow-app');
      const id = nav.current.screen().id;
      if (id === 'bind-code' || id === 'bind-allow') ctx.home();
    },
  };
}

/** An app's reset request: the confirmation now, or once the owner is free; the outcome answers the app. */
export function resetRequests(ctx: AppContext, nav: Navigator, notify: (name: string, data: unknown) => void): Pick<CoreContext, 'askReset' | 'withdrawReset'> {
  return {
    askReset: (label, answer) => {
      // An app's reset of a wallet needs the PIN on the device (app/reset.ts), and a spent counter takes none: the
      // confirmation would end on an error screen and leave the app waiting. Refused at once, not let through without
      // the PIN: that rule is what keeps a bound app (or a thief holding the phone) from getting a wallet erased, and
      // the owner loses nothing by it, as the device's own Reset on the counter-spent screen erases without a PIN.
      if (ctx.vault.counterSpent && ctx.vault.hasWallet) return 'counter-spent';
      ctx.events.record('reset-requested', { app: label });
      const request = { label, answer, expiresAt: ctx.now() + RESET_REQUEST_TTL_MS };
      const outcome = nav.prompt('factory-reset', () => {
        notify('confirm-on-device', { request: 'factory-reset' });
        return resetConfirm(ctx, request);
      }, () => answer('timeout'));
      if (outcome === 'waiting') notify('waiting-for-owner', { request: 'factory-reset' });
      return outcome;
    },
    // The app withdrew its reset request: out of the queue, or off the screen if it shows.
    withdrawReset: () => {
      if (nav.cancel('factory-reset')) return;
      if (/^(reset-confirm-[12]|pin-reset)$/.test(nav.current.screen().id)) ctx.home();
    },
  };
}
