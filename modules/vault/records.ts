/**
 * The vault's record keys. Values sealed under the device key are needed before any PIN is entered; the
 * mnemonic entropy is sealed under the DEK, which only the PIN (through the chip) unwraps. Unknown keys found in
 * flash are left alone (a newer firmware may have written them) and reported.
 */
export const RecordKey = {
  /** version 2 | device id (16) | chip check (16): no key material (the device key is derived from the chip) */
  identity: 1,
  /** X25519 static private key, sealed under the device key */
  staticKey: 2,
  /** the 8-character binding code, sealed under the device key */
  bindingCode: 3,
  /** the bound app's static public key and label, sealed under the device key */
  appKey: 4,
  /** iterations, salt, PIN-check value and the wrapped DEK (pin-kdf.ts) */
  pin: 5,
  /** BIP39 entropy (16 or 32 bytes), sealed under the DEK */
  seed: 6,
  /** consecutive wrong PINs, as firmware before the vault head kept them (one byte); now in the head, read once */
  pinFailures: 7,
  /** version | calibrated PBKDF2 iterations (u32) */
  settings: 8,
  /** a factory reset began: boot finishes it */
  wipePending: 9,
  /** consecutive failed binding attempts (u8) | binding locked until this device time (u64 ms); plaintext */
  bindFailures: 10,
  /** an atomic batch of record writes in flight (journal.ts): boot finishes it */
  journal: 11,
  /** the device clock: powered-on milliseconds, never moving back (device-clock.ts) */
  deviceClock: 12,
  /** version | auto-lock minutes (u16) | flags (bit 0: blind signing allowed) */
  preferences: 13,
  /** the emergency stop (guard/freeze.ts): version | by | device time (u64) | app label; plaintext */
  freeze: 14,
  /** the verification-code (TOTP) secret, sealed under the device key */
  otpSecret: 15,
  /** verification-code state (guard/codes.ts): last step, failures, lock-out; plaintext */
  otpState: 16,
  /** the spending policy (guard/policy.ts), CBOR sealed under the device key */
  policy: 17,
  /**
   * loosenings waiting out their 24 hours of device time (guard/pending.ts): a looser policy, codes set up or
   * removed without a code, a PIN-only unfreeze, a new app; CBOR sealed under the device key (it may hold a
   * pending verification-code secret). Firmware 0.3 kept only a pending policy here, in a format now read as none.
   */
  pendingChanges: 18,
  /** what was signed in the last 24 hours per limited asset (guard/ledger.ts), CBOR sealed under the device key */
  spendLedger: 19,
  /** the one-time backup code's salted hash, state and expiry (binding/backup-code.ts), sealed; deleted at boot */
  backupCode: 20,
  /** the vault head (head.ts): generation = the rollback counter, PIN failures, digest of the guarded records; MACed */
  head: 21,
  /** the event log's last sequence number the bound app acknowledged (u64, plaintext; guard/event-log.ts) */
  eventsAcked: 22,
  /**
   * the event log's newest security event: seq (u64) | the chain hash after it (32); plaintext, covered by the
   * vault head, so a clip that retires the ring's newest records cannot cut an unread security event off its end
   */
  eventsMark: 23,
  /** the duress PIN (vault/duress.ts): a PIN record sharing the real one's salt, wrapping the decoy's data key,
   * and a flag sealed under the real data key; filler of the same size while none is set */
  duressPin: 25,
  /** the decoy wallet the duress PIN opens (vault/duress.ts), sealed under the decoy data key; filler while none */
  decoy: 26,
  /**
   * the newest duress alarm, kept where the event ring's wrap cannot overwrite it (guard/event-log.ts): CBOR [event
   * bytes, chain hash before it, the decoy's app's acknowledgement, the last overwritten signature counted, the
   * count]; sealed under the device key, covered by the vault head. Absent until the duress PIN is first entered.
   */
  duressAlarm: 27,
  /**
   * the passphrase wallet the owner chose to keep (wallet/passphrase-wallet.ts): version | length | the passphrase
   * padded to 100 bytes (a flash reader learns nothing of its length), sealed under the DEK like the seed; covered
   * by the vault head. Absent unless the owner asked the device to store it.
   */
  passphrase: 24,
  /** the event log's ring (guard/event-log.ts): EVENT_SLOTS records from this key, each sealed under the device key */
  eventsFirst: 0x100,
  /** the authenticator's accounts (authenticator/accounts.ts): AUTHENTICATOR_SLOTS records from this key, each
   * sealed under a key from the seed (only while unlocked) and again under the device key */
  authenticatorFirst: 0x200,
} as const;

/** how many event records the ring holds (keys eventsFirst .. eventsFirst + EVENT_SLOTS - 1) */
export const EVENT_SLOTS = 64;

export function isEventKey(key: number): boolean {
  return key >= RecordKey.eventsFirst && key < RecordKey.eventsFirst + EVENT_SLOTS;
}

/** how many accounts the authenticator holds (keys authenticatorFirst .. + AUTHENTICATOR_SLOTS - 1) */
export const AUTHENTICATOR_SLOTS = 16;

export function isAuthenticatorKey(key: number): boolean {
  return key >= RecordKey.authenticatorFirst && key < RecordKey.authenticatorFirst + AUTHENTICATOR_SLOTS;
}

/**
 * The vault's records as other parts of the firmware keep theirs (the guard): plain, or sealed under the device
 * key; every write is read back (a counter or a ledger that silently failed to write would be a way around it).
 */
export interface VaultRecords {
  get(key: number): Uint8Array | undefined;
  /**
   * `loosens`: the new value only loosens the stored one (a lower count, a step given back), so rolling it back
   * with a flash clip could only tighten: no rollback-counter bit is burned for it (head.ts).
   */
  set(key: number, value: Uint8Array, what: string, options?: { loosens?: boolean }): void;
  delete(key: number): void;
  /** the opened value, undefined when absent; throws record-damaged when it does not open */
  getSealed(key: number): Uint8Array | undefined;
  setSealed(key: number, plaintext: Uint8Array, what: string): void;
}

const NAMED_KEYS = new Set<number>(Object.values(RecordKey));

/** a key this firmware writes (anything else found in flash is left alone and reported) */
export function isKnownKey(key: number): boolean {
  return NAMED_KEYS.has(key) || isEventKey(key) || isAuthenticatorKey(key);
}

export const IDENTITY_VERSION = 2;
export const SETTINGS_VERSION = 1;
