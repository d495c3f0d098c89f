/**
 * The vault's record keys. Values sealed under the device key are needed before any PIN is entered; the
 * mnemonic entropy is sealed under the DEK, which only the PIN unwraps. Unknown keys found in flash are left
 * alone (a newer firmware may have written them) and reported.
 */
export const RecordKey = {
  /** version | device id (16) | device key (32): plaintext; production boards rely on flash encryption */
  identity: 1,
  /** X25519 static private key, sealed under the device key */
  staticKey: 2,
  /** the 8-character binding code, sealed under the device key */
  bindingCode: 3,
  /** the bound app's static public key and label, sealed under the device key (binding issue) */
  appKey: 4,
  /** iterations, salt, PIN-check value and the wrapped DEK (pin-kdf.ts) */
  pin: 5,
  /** BIP39 entropy (16 or 32 bytes), sealed under the DEK */
  seed: 6,
  /** consecutive wrong PINs: one byte, plaintext (not secret), written before every check */
  pinFailures: 7,
  /** version | calibrated PBKDF2 iterations (u32) */
  settings: 8,
  /** a factory reset began: boot finishes it */
  wipePending: 9,
  /** consecutive failed binding attempts: one byte, plaintext, written before the device answers */
  bindFailures: 10,
} as const;

export const KNOWN_KEYS = new Set<number>(Object.values(RecordKey));

export const IDENTITY_VERSION = 1;
export const SETTINGS_VERSION = 1;
