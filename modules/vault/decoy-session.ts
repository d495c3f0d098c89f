/**
 * What the decoy holds only while it is open (duress mode, vault/duress.ts), forgotten at every lock:
 *  - an app bound in duress mode: written, it would replace the owner's app, and with it the way the alarm reaches
 *    the owner; held, the session is its (Vault.appBinding) and it reads only the events after the alarm
 *    (protocol/methods/events.ts); its session ends when it is forgotten (the device listens);
 *  - a duress PIN "set" in duress mode (Menu > Duress PIN acted, Vault.setDuressPin): its check, so the menu says
 *    on and Change PIN refuses it, as on a device where one is set;
 *  - the settings changed in duress mode (blind signing, app passphrases, auto-lock): written, they would loosen
 *    the owner's wallet behind the owner's back;
 *  - a passphrase "kept" in duress mode (wallet/passphrase-wallet.ts): written, it would replace the owner's; not
 *    shown as kept, the menu would tell the decoy. Only the fact is held: the decoy reopens nothing after a lock;
 *  - the spending policy changed in duress mode (guard/guard.ts): written, a tightening forced on the decoy (a daily
 *    limit of 0) would bind the owner, who then waits 24 hours to loosen it; held, the decoy judges by it and shows it;
 *  - authenticator accounts added in duress mode (app/authenticator.ts): written, they would take the owner's
 *    slots; refused, the refusal would tell the decoy from a device. Sealed as on flash, at most 16 (the slots).
 */
import { constantTimeEqual, wipe } from '../bytes.js';
import type { Preferences } from './preferences.js';
import type { AppBinding } from './vault-types.js';

export class DecoySession {
  private app: AppBinding | undefined;
  /** the check value (under the shared salt, pin-kdf.ts) of a duress PIN "set" in duress mode */
  duressPinCheck: Uint8Array | undefined;
  /** authenticator account records added in duress mode, by record key (sealed by the accounts' own key) */
  readonly accounts = new Map<number, Uint8Array>();
  /** a passphrase was "kept" in duress mode (and not forgotten since) */
  keptPassphrase = false;
  /** the settings as changed in duress mode (undefined: the owner's, unchanged) */
  preferences: Preferences | undefined;
  /** the spending policy as changed in duress mode, encoded as the guard keeps it (undefined: the owner's) */
  policy: Uint8Array | undefined;
  private readonly appListeners: (() => void)[] = [];

  onAppGone(listener: () => void): void {
    this.appListeners.push(listener);
  }

  get hasApp(): boolean {
    return this.app !== undefined;
  }

  bindApp(binding: AppBinding): void {
    this.app = { publicKey: binding.publicKey.slice(), label: binding.label };
  }

  /** a copy of the app bound in duress mode */
  appBinding(): AppBinding | undefined {
    return this.app && { publicKey: this.app.publicKey.slice(), label: this.app.label };
  }

  isDuressPin(check: Uint8Array): boolean {
    return this.duressPinCheck !== undefined && constantTimeEqual(check, this.duressPinCheck);
  }

  forget(): void {
    wipe(this.duressPinCheck);
    this.duressPinCheck = undefined;
    this.preferences = undefined;
    this.policy = undefined;
    this.keptPassphrase = false;
    for (const inner of this.accounts.values()) wipe(inner);
    this.accounts.clear();
    if (this.app === undefined) return;
    this.app = undefined;
    for (const l of this.appListeners) l();
  }
}
