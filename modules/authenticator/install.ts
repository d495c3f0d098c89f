/**
 * Puts the authenticator on the device: its session methods, and the screen where the owner confirms an account
 * the app asks to add. The device calls it once, from its constructor.
 */
import type { AppContext } from '../app/activity.js';
import { accountsOf, authenticatorAdd } from '../app/authenticator.js';
import type { Navigator } from '../app/navigator.js';
import { registerAuthenticatorMethods } from '../protocol/methods/authenticator.js';
import type { RpcServer } from '../protocol/rpc.js';

export function installAuthenticator(ctx: AppContext, nav: Navigator, rpc: RpcServer, notify: (name: string, data: unknown) => void): void {
  registerAuthenticatorMethods(rpc, {
    accounts: () => accountsOf(ctx),
    wallet: () => ctx.vault,
    frozen: () => ctx.guard.frozenReason,
    confirmAdd: (label, name, params, answer) => {
      const outcome = nav.prompt('authenticator-add', () => {
        notify('confirm-on-device', { request: 'authenticator-add' });
        return authenticatorAdd(ctx, label, name, params, (added) => {
          answer(added ? 'added' : 'refused');
          ctx.home();
        });
      }, () => answer('expired'));
      if (outcome === 'waiting') notify('waiting-for-owner', { request: 'authenticator-add' });
      return outcome;
    },
    added: (name, label) => {
      ctx.events.record('authenticator-added', { name, app: label });
      ctx.log.log('authenticator account added (its secret stays on the device)');
    },
    cancelConfirm: () => {
      nav.cancel('authenticator-add');
      if (nav.current.screen().id === 'authenticator-add') ctx.home();
    },
  });
}
