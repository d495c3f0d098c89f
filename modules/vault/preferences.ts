/**
 * The owner's settings, chosen on the device: how long an idle unlocked device waits before locking itself, and
 * whether data the device cannot decode may be signed blind (off by default, as on Ledger). Plaintext: nothing
 * secret; each change is one record write.
 *
 * Layout: version 1 | auto-lock minutes (u16) | flags (u8; bit 0: blind signing allowed)
 */
export interface Preferences {
  autoLockMinutes: number;
  blindSigning: boolean;
}

export const AUTO_LOCK_CHOICES = [1, 2, 5, 10, 30];
export const DEFAULT_PREFERENCES: Preferences = { autoLockMinutes: 5, blindSigning: false };

export function encodePreferences(p: Preferences): Uint8Array {
  return Uint8Array.of(1, p.autoLockMinutes >> 8, p.autoLockMinutes & 0xff, p.blindSigning ? 1 : 0);
}

export function decodePreferences(b: Uint8Array | undefined): Preferences {
  if (!b || b.length !== 4 || b[0] !== 1) return { ...DEFAULT_PREFERENCES };
  const minutes = (b[1] << 8) | b[2];
  return {
    autoLockMinutes: AUTO_LOCK_CHOICES.includes(minutes) ? minutes : DEFAULT_PREFERENCES.autoLockMinutes,
    blindSigning: (b[3] & 1) === 1,
  };
}
