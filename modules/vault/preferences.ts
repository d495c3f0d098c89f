/**
 * The owner's settings, chosen on the device: how long an idle unlocked device waits before locking itself, and
 * whether data the device cannot decode may be signed blind (off by default, as on Ledger). Plaintext: nothing
 * secret; each change is one record write.
 *
 * Layout: version 1 | auto-lock minutes (u16) | flags (u8; bit 0: blind signing allowed; bit 1: the bound app may
 * open a passphrase wallet, still confirmed on the device; bits 3..4: the duress PIN's)
 */
export interface Preferences {
  autoLockMinutes: number;
  blindSigning: boolean;
  /** the bound app may send a BIP39 passphrase (wallet_use_passphrase); off by default */
  appPassphrase?: boolean;
}

export const AUTO_LOCK_CHOICES = [1, 2, 5, 10, 30];
export const DEFAULT_PREFERENCES: Preferences = { autoLockMinutes: 5, blindSigning: false, appPassphrase: false };

export function encodePreferences(p: Preferences): Uint8Array {
  return Uint8Array.of(1, p.autoLockMinutes >> 8, p.autoLockMinutes & 0xff, (p.blindSigning ? 1 : 0) | (p.appPassphrase ? 2 : 0));
}

export function decodePreferences(b: Uint8Array | undefined): Preferences {
  if (!b || b.length !== 4 || b[0] !== 1) return { ...DEFAULT_PREFERENCES };
  const minutes = (b[1] << 8) | b[2];
  return {
    autoLockMinutes: AUTO_LOCK_CHOICES.includes(minutes) ? minutes : DEFAULT_PREFERENCES.autoLockMinutes,
    blindSigning: (b[3] & 1) === 1,
    appPassphrase: (b[3] & 2) === 2,
  };
}
