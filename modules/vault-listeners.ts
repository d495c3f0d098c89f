/**
 * What the vault's events do to the rest of the device: a wipe carries the event log across, an unlock makes the
 * keys and a lock wipes them, the duress PIN freezes the real wallet and raises the alarm. The device calls it
 * once, from its constructor (device.ts stays the one place that composes the parts).
 */
import { wipe } from './bytes.js';
import type { Vault } from './vault/vault.js';
import type { Keyring } from './wallet/keyring.js';
import type { PassphraseWallet } from './wallet/passphrase-wallet.js';
import type { Guard } from './guard/guard.js';
import { decodeCarry, encodeCarry, type EventLog } from './guard/event-log.js';

export interface VaultListeners {
  vault: Vault;
  keyring: Keyring;
  wallet: PassphraseWallet;
  guard: Guard;
  events: EventLog;
  /** end the app's session (an app bound in duress mode was forgotten) */
  endAppSession: () => void;
  /**
   * the keys are gone: what waits on the app's behalf (a request, an approval waiting for its reveal, a prompt)
   * is withdrawn as for a lock. Also when a PIN prompt of the unlocked device takes the other PIN and the vault
   * switches between the real wallet and the decoy without a lock: a request made for one wallet must neither be
   * shown (its address) nor signed by the other.
   */
  keysGone: () => void;
}

export function listenToVault({ vault, keyring, wallet, guard, events, endAppSession, keysGone }: VaultListeners): void {
  // A wipe keeps one last event: the head is carried in the wipe marker and the chain continues after it.
  vault.carryAcrossWipe = () => encodeCarry(events.head);
  vault.onWiped((carried, reason) => events.continueAfterReset(decodeCarry(carried), /wrong PIN/.test(reason) ? 'wiped' : 'reset-done', { reason }));
  // Keys exist only while unlocked: made just after an unlock, wiped by every lock, auto-lock and wipe (which
  // also returns to the standard wallet); a passphrase the owner asked the device to keep opens its wallet again.
  vault.onLockChange((unlocked) => {
    if (!unlocked) {
      keyring.wipe();
      return keysGone();
    }
    loadKeys(vault, keyring);
    wallet.restoreAtUnlock();
  });
  // The duress PIN (vault/duress.ts): a silent freeze of the real wallet and the alarm for the bound app; the
  // freeze stays hidden while locked or in duress mode (guard/freeze.ts).
  guard.freeze.conceal = () => !vault.isUnlocked || vault.duressMode;
  // The policy changed in duress mode is the decoy's, held until the lock (vault/decoy-session.ts): a tightening
  // forced there must not bind the owner, who would wait 24 hours to undo it.
  const decoyPolicy = { get held() { return vault.decoyPolicy; }, set held(p: Uint8Array | undefined) { vault.decoyPolicy = p; } };
  guard.policyHold = () => (vault.duressMode ? decoyPolicy : undefined);
  // An app bound in duress mode is held only while the decoy is open (vault.ts): its session ends with it.
  vault.onDecoyAppGone(endAppSession);
  // One alarm per episode (until a code lifts the duress freeze): a later duress unlock writing another would
  // start the decoy's History again (app/history.ts shows what followed the newest alarm), which no device does.
  vault.onDuress(() => {
    if (guard.freeze.freezeForDuress()) events.record('duress-pin-entered', {});
  });
}

/** After an unlock: the decoy kept as a seed is loaded at once; any other wallet's keys are made at the next tick. */
function loadKeys(vault: Vault, keyring: Keyring): void {
  const seed = vault.decoySeed();
  if (!seed) return keyring.schedule();
  keyring.loadSeed(seed);
  wipe(seed);
}
