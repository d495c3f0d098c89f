/**
 * Puts the guard on the device: its session methods, the app's time from every request, and the screens the
 * app's requests open (a policy change, an unfreeze the app asks for). The device calls it once, from its constructor.
 */
import type { AppContext } from '../app/activity.js';
import { policyChange, unfreezeAsked } from '../app/guard-screens.js';
import type { Navigator } from '../app/navigator.js';
import { registerGuardMethods } from '../protocol/methods/guard.js';
import { registerEventMethods } from '../protocol/methods/events.js';
import { lastDuressSeq } from '../app/history.js';
import type { RpcServer } from '../protocol/rpc.js';

export function installGuard(ctx: AppContext, nav: Navigator, rpc: RpcServer, notify: (name: string, data: unknown) => void, subscribeEvents: () => void): void {
  rpc.onTime = (unix) => ctx.guard.world.tell(unix);
  // an app bound in duress mode reads only what happened after the alarm (methods/events.ts)
  registerEventMethods(rpc, ctx.events, subscribeEvents, () => (ctx.vault.decoyAppBound ? lastDuressSeq(ctx) + 1 : undefined));
  registerGuardMethods(rpc, {
    guard: ctx.guard,
    vault: ctx.vault,
    frozen: () => ctx.frozen(),
    proposePolicy: (next, kind, answer) => {
      const outcome = nav.prompt('policy', () => {
        notify('confirm-on-device', { request: 'policy' });
        return policyChange(ctx, next, kind, answer);
      }, () => answer('expired'));
      if (outcome === 'waiting') notify('waiting-for-owner', { request: 'policy' });
      return outcome;
    },
    cancelProposal: () => {
      nav.cancel('policy');
      if (/^policy/.test(nav.current.screen().id)) ctx.home();
    },
    confirmUnfreeze: (label, answer) => {
      const outcome = nav.prompt('unfreeze', () => {
        notify('confirm-on-device', { request: 'unfreeze' });
        return unfreezeAsked(ctx, label, (yes) => {
          answer(yes);
          ctx.home();
        });
      }, () => answer('expired'));
      if (outcome === 'waiting') notify('waiting-for-owner', { request: 'unfreeze' });
      return outcome;
    },
    cancelUnfreeze: () => {
      nav.cancel('unfreeze');
      if (nav.current.screen().id === 'unfreeze-ask') ctx.home();
    },
  });
}
