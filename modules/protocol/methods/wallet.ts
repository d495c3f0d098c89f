/**
 * The passphrase wallet from the bound app (issue 23):
 *   wallet_use_passphrase  {passphrase}  -> {fingerprint, passphrase: bool}   only when the owner allowed it in
 *                          Menu > Passphrase wallet; the device shows the wallet's fingerprint and the owner
 *                          presses Use (or Refuse). '' returns to the standard wallet (also confirmed).
 *   wallet_info            {}            -> {fingerprint}                     the active wallet's fingerprint
 * The passphrase arrives over the Noise session only; it is never logged, never in an event (the fingerprint is).
 */
import { LatchError } from '../../errors.js';
import type { Vault } from '../../vault/vault.js';
import { checkPassphrase } from '../../wallet/keyring.js';
import type { PassphraseWallet } from '../../wallet/passphrase-wallet.js';
import { fail, ok, onlyParams, walletClosed, type RpcServer } from '../rpc.js';

export interface WalletMethodDeps {
  vault: Vault;
  wallet: PassphraseWallet;
  /** put the app's request before the owner (now or once free); `answer` hears Use (true), Refuse, or 'expired' */
  confirm(app: string, fingerprint: string, standard: boolean, answer: (use: boolean | 'expired') => void): 'shown' | 'waiting' | 'busy';
  /** the app cancelled, or its session ended */
  withdraw(): void;
}

export function registerWalletMethods(rpc: RpcServer, deps: WalletMethodDeps): void {
  const { vault, wallet } = deps;

  rpc.register('wallet_info', {
    run: (params) => onlyParams(params, []) ?? walletClosed(vault) ?? ok({ fingerprint: wallet.fingerprint }),
  });

  rpc.register('wallet_use_passphrase', {
    run: (params, m) => {
      const bad = onlyParams(params, ['passphrase']);
      if (bad) return bad;
      const closed = walletClosed(vault);
      if (closed) return closed;
      const p = params.passphrase;
      try {
        checkPassphrase(p);
      } catch (err) {
        return fail('bad-params', `"passphrase": ${(err as LatchError).message}`);
      }
      if (!wallet.appAllowed) return fail('not-allowed', 'the owner has not allowed passphrases from the app: Menu > Passphrase wallet > From the app, on the device (or type the passphrase there)');
      const fp = wallet.preview(p);
      const answer = m.later(() => { wallet.dropPreview(); deps.withdraw(); });
      const outcome = deps.confirm(m.appLabel, fp, p === '', (use) => {
        if (use !== true) wallet.dropPreview();
        if (use === 'expired') return answer(fail('timeout', 'the owner did not answer on the device in time'));
        if (!use) return answer(fail('refused', 'refused on the device: the wallet in use is unchanged'));
        try {
          answer(ok({ fingerprint: wallet.use(p, 'app'), passphrase: p !== '' }));
        } catch (err) {
          if (!(err instanceof LatchError)) throw err;
          answer(fail(err.code, err.message));
        }
      });
      if (outcome === 'busy') wallet.dropPreview();
      if (outcome === 'busy') return fail('busy', 'the owner is using the device and another request is waiting: try again later');
      return undefined;
    },
  });
}
