/**
 * The authenticator's methods (the bound app's session). No method returns a secret or a code: codes are shown
 * on the device only.
 *   authenticator_add   {uri}  -> {added: true, name, kind}     after the owner holds C on the device
 *   authenticator_list  {}     -> {accounts: [{name, kind}]}     names only
 * Both need the device unlocked (the accounts open with the wallet's seed); adding is refused while frozen.
 */
import { wipe } from '../../bytes.js';
import { LatchError } from '../../errors.js';
import { accountName, type AuthenticatorAccounts } from '../../authenticator/accounts.js';
import { parseOtpauth, type OtpParams } from '../../guard/otp.js';
import { fail, ok, onlyParams, type RpcServer, walletClosed } from '../rpc.js';

/** An otpauth URI is short; anything longer is not one (and is not worth parsing). */
export const MAX_OTPAUTH_URI = 512;

export interface AuthenticatorMethodDeps {
  accounts(): AuthenticatorAccounts;
  /** whether the device has a wallet and it is unlocked (accounts open with its seed) */
  wallet(): { readonly hasWallet: boolean; readonly isUnlocked: boolean };
  /** why nothing may be added now (the freeze), or undefined */
  frozen(): string | undefined;
  /** ask the owner on the device (now or once they are free); `answer` hears the outcome */
  confirmAdd(label: string, name: string, params: OtpParams, answer: (outcome: 'added' | 'refused' | 'expired') => void): 'shown' | 'waiting' | 'busy';
  cancelConfirm(): void;
  /** an account was added (the device records the event) */
  added(name: string, appLabel: string): void;
}

export function registerAuthenticatorMethods(rpc: RpcServer, deps: AuthenticatorMethodDeps): void {
  rpc.register('authenticator_list', {
    run: (params) => {
      const bad = onlyParams(params, []);
      if (bad) return bad;
      const closed = walletClosed(deps.wallet());
      if (closed) return closed;
      return ok({ accounts: deps.accounts().list().map((a) => ({ name: a.name, kind: a.kind })) });
    },
  });

  rpc.register('authenticator_add', {
    run: (params, m) => {
      const bad = onlyParams(params, ['uri']);
      if (bad) return bad;
      if (typeof params.uri !== 'string' || params.uri.length > MAX_OTPAUTH_URI) return fail('bad-params', `"uri" must be an otpauth:// URI of at most ${MAX_OTPAUTH_URI} characters`);
      const frozen = deps.frozen();
      if (frozen) return fail('frozen', frozen);
      const closed = walletClosed(deps.wallet());
      if (closed) return closed;
      let otp: OtpParams;
      try {
        otp = parseOtpauth(params.uri);
      } catch (err) {
        if (err instanceof LatchError) return fail('bad-params', `not a usable otpauth URI: ${err.message}`);
        throw err;
      }
      const accounts = deps.accounts();
      const refused = accounts.refusal(otp);
      if (refused) {
        wipe(otp.secret);
        return fail('bad-params', refused);
      }
      const name = accountName(otp);
      const answer = m.later(() => {
        wipe(otp.secret);
        deps.cancelConfirm();
      });
      const outcome = deps.confirmAdd(m.appLabel, name, otp, (result) => {
        try {
          if (result === 'added') {
            const added = accounts.add(otp);
            deps.added(added.name, m.appLabel);
            answer(ok({ added: true, name: added.name, kind: added.kind }));
          } else if (result === 'expired') answer(fail('timeout', 'the owner did not answer on the device in time'));
          else answer(fail('refused', 'refused on the device'));
        } catch (err) {
          answer(fail(err instanceof LatchError ? err.code : 'internal', (err as Error).message));
        } finally {
          wipe(otp.secret);
        }
      });
      if (outcome === 'busy') {
        wipe(otp.secret);
        return fail('busy', 'the owner is using the device and another request is waiting: try again later');
      }
      return undefined;
    },
  });
}
