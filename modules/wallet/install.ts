/**
 * Puts the passphrase wallet's methods on the session (wallet_use_passphrase, wallet_info) and the screen the
 * app's request opens. The device calls it once, from its constructor.
 */
import type { AppContext } from '../app/activity.js';
import type { Navigator } from '../app/navigator.js';
import { passphraseAsked } from '../app/passphrase-screens.js';
import { registerWalletMethods } from '../protocol/methods/wallet.js';
import type { RpcServer } from '../protocol/rpc.js';

export function installWallet(ctx: AppContext, nav: Navigator, rpc: RpcServer, notify: (name: string, data: unknown) => void): void {
  registerWalletMethods(rpc, {
    vault: ctx.vault,
    wallet: ctx.wallet,
    confirm: (app, fp, standard, answer) => {
      const outcome = nav.prompt('passphrase', () => {
        notify('confirm-on-device', { request: 'passphrase' });
        return passphraseAsked(ctx, app, fp, standard, answer);
      }, () => answer('expired'));
      if (outcome === 'waiting') notify('waiting-for-owner', { request: 'passphrase' });
      return outcome;
    },
    withdraw: () => {
      nav.cancel('passphrase');
      if (nav.current.screen().id === 'passphrase-ask') ctx.home();
    },
  });
}
