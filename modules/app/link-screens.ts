/**
 * What the link shows the owner while an app binds (protocol/bind-responder.ts asks, app/binding.ts draws): the
 * code, the Allow decision, a failure, the result, the backup code's use, each shown only if the owner is free
 * or queued until then (navigator.ts: showIfFree, prompt). The device passes it to the link handler once, from
 * its constructor.
 */
import type { LinkUi } from '../protocol/link-handler.js';
import type { AppContext } from './activity.js';
import { bindCode, bindDecision, bindFailed, bound } from './binding.js';
import type { Navigator } from './navigator.js';
import { backupBindNotice, bindingCodeReplaced } from './owner-codes.js';

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
