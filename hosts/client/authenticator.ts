/**
 * The app side of the device's authenticator: hand it an otpauth:// URI (the owner confirms on the device) and
 * list the accounts' names. Codes are shown on the device only; no call returns one.
 */
import type { RpcSession } from './client.js';
import { SIGNING_TIMEOUT_MS } from './eth.js';

export interface AuthenticatorAccountJson {
  name: string;
  kind: 'totp' | 'hotp';
}

export class AuthenticatorApp {
  constructor(readonly session: RpcSession) {}

  /** Add the account `uri` describes; waits for the owner's answer on the device. */
  add(uri: string): Promise<{ added: true } & AuthenticatorAccountJson> {
    return this.session.call('authenticator_add', { uri }, SIGNING_TIMEOUT_MS);
  }

  async list(): Promise<AuthenticatorAccountJson[]> {
    return ((await this.session.call('authenticator_list', {}, 30_000)) as { accounts: AuthenticatorAccountJson[] }).accounts;
  }
}
