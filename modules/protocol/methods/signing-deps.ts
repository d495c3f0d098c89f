/** What the asset methods (eth_*, btc_*) need from the device. */
import type { Approvals } from '../../signing/approval.js';
import type { ShownAddress } from '../../signing/show-address.js';
import type { Keyring } from '../../wallet/keyring.js';
import type { Vault } from '../../vault/vault.js';
import type { Guard } from '../../guard/guard.js';
import type { EventLog } from '../../guard/event-log.js';
import type { AntiExfilSigner } from '../../signing/anti-exfil.js';

export interface SigningDeps {
  vault: Vault;
  keyring: Keyring;
  approvals: Approvals;
  /** the spending policy, codes and freeze: asked before anything is shown */
  guard: Guard;
  events: EventLog;
  /** put an address on the screen (now or once the owner is free); `answer` hears Match or Mismatch */
  showAddress(a: ShownAddress, answer: (matches: boolean) => void): 'shown' | 'waiting' | 'busy';
  /** the app cancelled an address display */
  cancelShown(): void;
  /** tell the owner (when free) that a blind request was refused because the setting is off */
  refusedBlind(what: string): void;
  /** tell the owner (when free) that a request was refused by the freeze or the spending policy, and why */
  refusedByGuard(why: string): void;
  /** 32 fresh bytes from the health-tested RNG for BIP 340 signatures (zeros only in the tests' deterministic mode) */
  auxRand(): Uint8Array;
  /** ECDSA with the app's entropy in the nonce (anti-exfil); a hostile double only in tests */
  antiExfil: AntiExfilSigner;
}
