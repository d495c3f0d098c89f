/**
 * The vault: the device's secrets in the record log, and the rules that guard them.
 *
 *  - Every key comes through the chip key (chip-keys.ts). The device key, derived from the chip key and the
 *    device id and never stored, seals what is needed before the PIN: the static X25519 key, the binding code,
 *    the bound app's key. The identity record holds only the device id and a chip check value, so a vault moved
 *    to another chip is recognised ("foreign") and opens nothing.
 *  - A random data key (DEK), wrapped by the chip-bound PIN key (pin-kdf.ts), seals the mnemonic entropy.
 *    Changing the PIN makes a new DEK and re-seals the seed, in one atomic batch (journal.ts): no old PIN record
 *    left behind by a power cut can open the current seed.
 *  - Wallet setup writes the sealed seed first and the PIN record last: the PIN record is the commit point, so a
 *    power cut in between leaves a seed nobody can open, which the next boot drops.
 *  - PIN policy: the failure count (in the vault head, head.ts) is written, with a rollback-counter bit burned,
 *    before a PIN is checked, and reset only on success; after the 4th failure each attempt waits 2^(failures-3) s (counted from boot after a reboot); at 10 the
 *    vault wipes itself, also at boot if the counter already stands at 10.
 *  - Binding attempts are counted the same way; after 5 failures binding locks for 30 s doubling up to an hour,
 *    measured on the device clock (device-clock.ts), so a reboot does not restart it.
 *  - A flash clip (head.ts): the head commits to every guard-critical record and to the rollback counter, so a
 *    retired record or an older image makes the storage 'tampered': nothing opens or signs, only a reset helps.
 *  - Factory reset (factory-reset.ts) zeroes and erases everything but the device clock; boot finishes one that
 *    power interrupted.
 */
import { constantTimeEqual, toHex, utf8Decode, utf8Encode, wipe } from '../bytes.js';
import type { HealthTestedEntropy } from '../entropy/health.js';
import { LatchError } from '../errors.js';
import type { ChipKeyPort, ClockPort, HashPort, MonotonicCounterPort } from '../ports.js';
import { RecordLog, type MountReport } from '../storage/record-log.js';
import { CHIP_CHECK_SIZE, chipCheck, deviceKey, eventSigningSeed } from './chip-keys.js';
import { DeviceClock, decodeMs, encodeMs } from './device-clock.js';
import { eraseVault } from './factory-reset.js';
import { makeBindingCode } from '../binding/code.js';
import { replay, type BatchEntry } from './journal.js';
import { BUMPING_KEYS, isCovered, VaultHead } from './head.js';
import { calibratePinIterations, MIN_PIN_ITERATIONS } from './calibrate.js';
import { DEK_SIZE, SALT_SIZE, decodePinRecord, encodePinRecord, isValidPin, makePinRecord, unwrapWithPin } from './pin-kdf.js';
import { decodePreferences, encodePreferences, type Preferences } from './preferences.js';
import { IDENTITY_VERSION, isKnownKey, RecordKey, SETTINGS_VERSION, type VaultRecords } from './records.js';
import { NONCE_SIZE, open, seal } from './seal.js';

export { calibratePinIterations, MIN_PIN_ITERATIONS };

export const MAX_PIN_ATTEMPTS = 10;
/** the screen warns when this many tries or fewer remain */
export const WARN_REMAINING = 3;
/** binding is refused for a while after this many consecutive failed attempts */
export const BIND_FREE_ATTEMPTS = 5;
/** the longest a binding lock-out lasts */
export const MAX_BIND_DELAY_MS = 3_600_000;

/** Lock-out after `failures` consecutive failed binding attempts: 30 s after the 5th, doubling, at most an hour. */
export function bindDelayMs(failures: number): number {
  if (failures < BIND_FREE_ATTEMPTS) return 0;
  return Math.min(MAX_BIND_DELAY_MS, 30_000 * Math.pow(2, Math.min(failures - BIND_FREE_ATTEMPTS, 16)));
}

/** Wait before the next attempt after `failures` consecutive wrong PINs. */
export function pinDelayMs(failures: number): number {
  return failures <= 3 ? 0 : 1000 * Math.pow(2, failures - 3);
}

export interface AppBinding {
  /** the app's static X25519 public key */
  publicKey: Uint8Array;
  label: string;
}

export interface VaultOptions {
  /** PBKDF2 iterations for new PIN records; omitted = calibrated to `calibrationTargetMs` on this device */
  pinIterations?: number;
  calibrationTargetMs?: number;
  /** a native digest for the PIN's PBKDF2 (the board's HashPort) */
  hash?: HashPort;
  /** the rollback counter (eFuse on the board); without it an older flash image is not told (head.ts) */
  counter?: MonotonicCounterPort;
}

export type UnlockResult =
  | { ok: true }
  | { ok: false; reason: 'wrong-pin'; failures: number; remaining: number; delayMs: number }
  | { ok: false; reason: 'wait'; waitMs: number }
  | { ok: false; reason: 'wiped' };

/**
 * `ok`: the vault belongs to this chip. `foreign`: it was made on another chip (a flash image moved to this
 * board): nothing in it opens, only a factory reset helps. `old-format`: it was written by firmware from before
 * the chip key; it is not migrated (README): a factory reset and a restore from the recovery words.
 */
export type StorageStatus = 'ok' | 'foreign' | 'old-format' | 'tampered';

export interface OpenReport {
  mount: MountReport;
  storage: StorageStatus;
  /** why the vault wiped itself during open, if it did */
  wiped?: 'too-many-pins' | 'reset-resumed';
  /** record keys this firmware does not know (left untouched) */
  unknownKeys: number[];
  /** a wallet whose seed or PIN record was missing (setup cut before its commit, or a damaged record) was dropped */
  droppedIncompleteSetup: boolean;
  /** an atomic batch (a PIN change) cut by power was finished */
  finishedBatch: boolean;
  /** why the storage is 'tampered' (a flash edit the head caught) */
  tampered?: string;
  /** a rollback-counter bump cut by power was finished */
  finishedBump?: boolean;
}

export class Vault {
  readonly clock: DeviceClock;
  private dek: Uint8Array | undefined;
  private deviceKeyBytes: Uint8Array | undefined;
  private deviceIdBytes: Uint8Array | undefined;
  private lockedUntil = 0;
  private status: StorageStatus = 'ok';
  private tamperedWhy: string | undefined;
  private readonly lockListeners: ((unlocked: boolean) => void)[] = [];
  readonly head: VaultHead;

  constructor(
    readonly log: RecordLog,
    private readonly entropy: HealthTestedEntropy,
    private readonly uptime: Pick<ClockPort, 'now'>,
    private readonly chip: ChipKeyPort,
    private readonly options: VaultOptions = {},
  ) {
    this.clock = new DeviceClock(log, RecordKey.deviceClock, uptime);
    this.head = new VaultHead(log, RecordKey.journal, options.counter, () => this.deviceKeyBytes);
  }

  /** Called with true when the wallet is unlocked (or created), false whenever it locks or is wiped. */
  onLockChange(listener: (unlocked: boolean) => void): void {
    this.lockListeners.push(listener);
  }

  private announce(unlocked: boolean): void {
    for (const l of this.lockListeners) l(unlocked);
  }

  /** Mount the log and bring the vault to a consistent state (finish a reset or a batch, enforce the PIN limit). */
  open(): OpenReport {
    const mount = this.log.mount();
    this.clock.load();
    const report: OpenReport = {
      mount, storage: 'ok', unknownKeys: this.log.keys().filter((k) => !isKnownKey(k)), droppedIncompleteSetup: false, finishedBatch: false,
    };
    if (this.log.has(RecordKey.wipePending)) {
      this.wipe(undefined, 'a factory reset interrupted by power loss finished at boot');
      report.wiped = 'reset-resumed';
      return report;
    }
    report.storage = this.status = this.loadIdentity();
    if (this.status !== 'ok') return report; // touch nothing: only a factory reset may change foreign storage
    report.finishedBatch = replay(this.log, RecordKey.journal);
    const check = this.head.verify();
    if (!check.ok) {
      report.storage = this.status = 'tampered';
      report.tampered = this.tamperedWhy = check.why;
      return report; // touch nothing: the owner resets and restores from the recovery words
    }
    report.finishedBump = check.finishedBump;
    if (this.pinFailures >= MAX_PIN_ATTEMPTS) {
      this.wipe(undefined, `${MAX_PIN_ATTEMPTS} wrong PINs (the count reached the limit before a reboot)`);
      report.wiped = 'too-many-pins';
      return report;
    }
    const hasSeed = this.log.has(RecordKey.seed);
    const hasPin = this.log.has(RecordKey.pin);
    if (hasPin && !hasSeed) {
      // Setup writes the seed before the PIN record and nothing deletes it alone: a clip retired it.
      report.storage = this.status = 'tampered';
      report.tampered = this.tamperedWhy = 'the sealed seed is missing while its PIN record exists';
      return report;
    }
    if (hasSeed && !hasPin) {
      // Setup writes the seed first and commits with the PIN record: a seed alone is an unfinished setup.
      this.log.delete(RecordKey.seed);
      report.droppedIncompleteSetup = true;
    }
    this.lockedUntil = this.uptime.now() + pinDelayMs(this.pinFailures);
    return report;
  }

  get storage(): StorageStatus {
    return this.status;
  }

  get hasWallet(): boolean {
    return this.status === 'ok' && this.log.has(RecordKey.pin) && this.log.has(RecordKey.seed);
  }

  get isUnlocked(): boolean {
    return this.dek !== undefined;
  }

  get pinFailures(): number {
    return this.head.failures;
  }

  get remainingAttempts(): number {
    return Math.max(0, MAX_PIN_ATTEMPTS - this.pinFailures);
  }

  /** Milliseconds before the next PIN attempt is accepted. */
  get waitMs(): number {
    return Math.max(0, this.lockedUntil - this.uptime.now());
  }

  /** The device id, hex, or undefined until the identity exists (it is made on first use). */
  get deviceId(): string | undefined {
    return this.deviceIdBytes ? toHex(this.deviceIdBytes) : undefined;
  }

  /** Make the device identity (id, chip check, static X25519 key) if it does not exist yet. */
  ensureIdentity(): string {
    this.requireOwnStorage();
    if (!this.deviceIdBytes) {
      const id = this.entropy.bytes(16);
      const check = chipCheck(this.chip, id);
      const record = new Uint8Array(1 + 16 + CHIP_CHECK_SIZE);
      record[0] = IDENTITY_VERSION;
      record.set(id, 1);
      record.set(check, 17);
      this.log.set(RecordKey.identity, record);
      this.deviceIdBytes = id;
      this.deviceKeyBytes = deviceKey(this.chip, id);
    }
    if (!this.log.has(RecordKey.staticKey)) {
      // not covered by the head: a static key put back or retired only breaks the bound app's sessions
      const priv = this.entropy.bytes(32);
      this.log.set(RecordKey.staticKey, this.sealUnder(this.deviceKeyBytes!, RecordKey.staticKey, priv));
      wipe(priv);
    }
    return toHex(this.deviceIdBytes);
  }

  /** The device id's bytes (made on first use). */
  deviceIdBytesNow(): Uint8Array {
    this.ensureIdentity();
    return this.deviceIdBytes!.slice();
  }

  /** The Ed25519 seed that signs the event log's head (chip-derived; a copy the caller must wipe). */
  eventSigningSeed(): Uint8Array {
    this.ensureIdentity();
    return eventSigningSeed(this.chip, this.deviceIdBytes!);
  }

  /** The X25519 static private key (a copy the caller must wipe). */
  staticPrivateKey(): Uint8Array {
    this.ensureIdentity();
    return open(this.deviceKeyBytes!, RecordKey.staticKey, this.log.get(RecordKey.staticKey)!);
  }

  bindingCode(): string | undefined {
    const sealed = this.log.get(RecordKey.bindingCode);
    if (!sealed || !this.deviceKeyBytes || this.status !== 'ok') return undefined;
    const bytes = open(this.deviceKeyBytes, RecordKey.bindingCode, sealed);
    const code = utf8Decode(bytes);
    wipe(bytes);
    return code;
  }

  setBindingCode(code: string): void {
    this.ensureIdentity();
    const bytes = utf8Encode(code);
    this.writeVerified(RecordKey.bindingCode, this.sealUnder(this.deviceKeyBytes!, RecordKey.bindingCode, bytes), 'binding code');
    wipe(bytes);
  }

  /** A new binding code from the health-tested RNG, stored in place of any old one; returned for the LCD only. */
  newBindingCode(): string {
    const code = makeBindingCode(this.entropy);
    this.setBindingCode(code);
    return code;
  }

  /** The bound app, if any. */
  appBinding(): AppBinding | undefined {
    const sealed = this.log.get(RecordKey.appKey);
    if (!sealed || !this.deviceKeyBytes || this.status !== 'ok') return undefined;
    const bytes = open(this.deviceKeyBytes, RecordKey.appKey, sealed);
    const binding = { publicKey: bytes.slice(0, 32), label: utf8Decode(bytes.subarray(32)) };
    wipe(bytes);
    return binding;
  }

  /** Bind `binding`'s app, replacing any earlier one (binding is one-to-one). */
  setAppBinding(binding: AppBinding): void {
    this.ensureIdentity();
    const label = utf8Encode(binding.label);
    const bytes = new Uint8Array(32 + label.length);
    bytes.set(binding.publicKey, 0);
    bytes.set(label, 32);
    this.writeVerified(RecordKey.appKey, this.sealUnder(this.deviceKeyBytes!, RecordKey.appKey, bytes), 'bound app');
  }

  get bindFailures(): number {
    return this.log.get(RecordKey.bindFailures)?.[0] ?? 0;
  }

  /** Milliseconds of device time before another binding attempt is accepted. */
  get bindWaitMs(): number {
    const raw = this.log.get(RecordKey.bindFailures);
    if (!raw || raw.length !== 9) return 0;
    return Math.max(0, decodeMs(raw, 1) - this.clock.now());
  }

  /** Count a binding attempt before answering it (written and read back); returns the new count. */
  countBindAttempt(): number {
    this.ensureIdentity(); // the head that guards the count is keyed by the device (a bind needs the identity anyway)
    const n = Math.min(255, this.bindFailures + 1);
    const until = n >= BIND_FREE_ATTEMPTS ? this.clock.now() + bindDelayMs(n) : 0;
    this.writeVerified(RecordKey.bindFailures, Uint8Array.of(n, ...encodeMs(until)), 'binding failure counter');
    return n;
  }

  /** A binding attempt proved the code, or the owner cleared the lock-out on the device: the count starts over. */
  clearBindFailures(): void {
    if (this.log.has(RecordKey.bindFailures)) this.writeVerified(RecordKey.bindFailures, Uint8Array.of(0, ...encodeMs(0)), 'binding failure counter');
  }

  /** The owner's settings (defaults until changed on the device). */
  get preferences(): Preferences {
    return decodePreferences(this.status === 'ok' ? this.log.get(RecordKey.preferences) : undefined);
  }

  setPreferences(p: Preferences): void {
    this.requireOwnStorage();
    this.ensureIdentity();
    this.writeVerified(RecordKey.preferences, encodePreferences(p), 'preferences');
  }

  /** Records the guard keeps in the vault (records.ts). */
  readonly records: VaultRecords = {
    get: (key) => (this.status === 'ok' ? this.log.get(key) : undefined),
    set: (key, value, what) => {
      this.requireOwnStorage();
      this.writeVerified(key, value, what);
    },
    delete: (key) => {
      this.requireOwnStorage();
      if (!isCovered(key)) this.log.delete(key);
      else if (this.log.has(key)) this.head.commit([{ key }], { bump: BUMPING_KEYS.has(key) });
    },
    getSealed: (key) => {
      const sealed = this.status === 'ok' ? this.log.get(key) : undefined;
      if (!sealed) return undefined;
      if (!this.deviceKeyBytes) throw new LatchError('record-damaged', `record ${key} exists but the device identity does not`);
      return open(this.deviceKeyBytes, key, sealed);
    },
    setSealed: (key, plaintext, what) => {
      this.ensureIdentity();
      this.writeVerified(key, this.sealUnder(this.deviceKeyBytes!, key, plaintext), what);
    },
  };

  /** Create the wallet: seal `seedEntropy` under a new DEK, then commit with the PIN record. Leaves it unlocked. */
  createWallet(pin: string, seedEntropy: Uint8Array): void {
    this.requireOwnStorage();
    if (this.hasWallet) throw new LatchError('wallet-exists', 'a wallet already exists: reset the device first');
    if (!isValidPin(pin)) throw new LatchError('bad-pin-format', 'a PIN is 6 to 8 digits');
    if (seedEntropy.length !== 16 && seedEntropy.length !== 32) throw new LatchError('bad-entropy', 'wallet entropy must be 16 or 32 bytes (12 or 24 words)');
    this.ensureIdentity();
    const dek = this.entropy.bytes(DEK_SIZE);
    this.log.set(RecordKey.seed, this.sealUnder(dek, RecordKey.seed, seedEntropy));
    this.head.commit([{ key: RecordKey.pin, value: this.pinRecord(pin, dek) }], { bump: true, failures: 0 });
    this.dek = dek;
    this.announce(true);
  }

  /** Check `pin` (counted like every PIN attempt); on success the vault is unlocked. */
  unlock(pin: string): UnlockResult {
    if (!this.hasWallet) throw new LatchError('no-wallet', 'there is no wallet to unlock');
    if (!isValidPin(pin)) throw new LatchError('bad-pin-format', 'a PIN is 6 to 8 digits');
    const waitMs = this.waitMs;
    if (waitMs > 0) return { ok: false, reason: 'wait', waitMs };
    const before = this.pinFailures;
    if (before >= MAX_PIN_ATTEMPTS) {
      this.wipe(undefined, `${MAX_PIN_ATTEMPTS} wrong PINs`);
      return { ok: false, reason: 'wiped' };
    }
    const failures = before + 1;
    // Counted, and a counter bit burned, before the check: neither pulling the plug nor programming back the flash
    // as it was before this attempt gives a free try.
    this.head.commit([], { bump: true, failures });
    if (this.head.failures !== failures) throw new LatchError('flash-verify', 'the PIN failure count did not read back as written: refusing to go on');
    const dek = unwrapWithPin(this.chip, decodePinRecord(this.log.get(RecordKey.pin)!), pin, RecordKey.pin, this.options.hash);
    if (dek) {
      this.head.commit([], { bump: false, failures: 0 });
      const was = this.dek !== undefined;
      wipe(this.dek);
      this.dek = dek;
      this.lockedUntil = 0;
      if (!was) this.announce(true);
      return { ok: true };
    }
    if (failures >= MAX_PIN_ATTEMPTS) {
      this.wipe(undefined, `${MAX_PIN_ATTEMPTS} wrong PINs`);
      return { ok: false, reason: 'wiped' };
    }
    const delayMs = pinDelayMs(failures);
    this.lockedUntil = this.uptime.now() + delayMs;
    return { ok: false, reason: 'wrong-pin', failures, remaining: MAX_PIN_ATTEMPTS - failures, delayMs };
  }

  lock(): void {
    const was = this.dek !== undefined;
    wipe(this.dek);
    this.dek = undefined;
    if (was) this.announce(false);
  }

  /**
   * A new PIN with a new data key: the seed is re-sealed under the new DEK and the new PIN record wraps it, both
   * in one atomic batch. Requires the vault unlocked (the UI asks for the current PIN first).
   */
  changePin(newPin: string): void {
    if (!this.dek) throw new LatchError('locked', 'unlock the device before changing the PIN');
    if (!isValidPin(newPin)) throw new LatchError('bad-pin-format', 'a PIN is 6 to 8 digits');
    const seed = this.seedEntropy();
    const dek = this.entropy.bytes(DEK_SIZE);
    const sealedSeed = this.sealUnder(dek, RecordKey.seed, seed);
    wipe(seed);
    const entries: BatchEntry[] = [
      { key: RecordKey.seed, value: sealedSeed },
      { key: RecordKey.pin, value: this.pinRecord(newPin, dek) },
    ];
    this.head.commit(entries, { bump: true }); // an older image would bring back the old PIN
    wipe(this.dek);
    this.dek = dek;
  }

  /** The BIP39 entropy (a copy the caller must wipe). Requires the vault unlocked. */
  seedEntropy(): Uint8Array {
    if (!this.dek) throw new LatchError('locked', 'the device is locked');
    return open(this.dek, RecordKey.seed, this.log.get(RecordKey.seed)!);
  }

  /**
   * Something to carry across every wipe (the event log's head: a reset keeps one last event), and who hears that
   * a wipe finished (with what was carried and why). Set by the device; the bare vault carries nothing.
   */
  carryAcrossWipe: (() => Uint8Array) | undefined;
  private readonly wipeListeners: ((carried: Uint8Array | undefined, reason: string) => void)[] = [];

  onWiped(listener: (carried: Uint8Array | undefined, reason: string) => void): void {
    this.wipeListeners.push(listener);
  }

  /**
   * Factory reset. Resumable: a power cut anywhere after the marker is written is finished by `open()` (the
   * marker holds what is carried across). `onProgress(done, total)` reports sectors erased. The device clock is
   * written back afterwards.
   */
  wipe(onProgress?: (done: number, total: number) => void, reason = 'factory reset'): void {
    let carried: Uint8Array | undefined;
    const marker = this.log.get(RecordKey.wipePending);
    if (marker && marker.length > 1) carried = marker.slice(1);
    else if (this.carryAcrossWipe && this.status === 'ok') {
      try {
        carried = this.carryAcrossWipe();
      } catch {
        carried = undefined; // nothing to carry from a damaged log: the reset goes on
      }
    }
    // the reset's event (the first of the new log) says what was found, since a tampered log cannot be trusted
    if (this.status === 'tampered') reason = `${reason} of storage found tampered with (${this.tamperedWhy})`;
    this.tamperedWhy = undefined;
    this.lock();
    wipe(this.deviceKeyBytes, this.deviceIdBytes);
    this.deviceKeyBytes = undefined;
    this.deviceIdBytes = undefined;
    eraseVault(this.log, onProgress, carried ? Uint8Array.from([1, ...carried]) : undefined);
    this.head.forget();
    this.status = 'ok';
    this.lockedUntil = 0;
    this.clock.persist();
    for (const l of this.wipeListeners) l(carried, reason);
  }

  // --- internals ---

  private requireOwnStorage(): void {
    if (this.status === 'foreign') throw new LatchError('foreign-storage', 'this storage belongs to another device: only a factory reset can reuse it');
    if (this.status === 'old-format') throw new LatchError('old-format', 'this storage was written by older firmware: reset the device, then restore your wallet');
    if (this.status === 'tampered') throw new LatchError('storage-tampered', 'the device\'s storage was tampered with: reset the device, then restore your wallet');
  }

  private loadIdentity(): StorageStatus {
    const record = this.log.get(RecordKey.identity);
    if (!record) return 'ok';
    if (record[0] === 1) return 'old-format';
    if (record.length !== 1 + 16 + CHIP_CHECK_SIZE || record[0] !== IDENTITY_VERSION) {
      throw new LatchError('record-damaged', `the identity record has an unknown format (version ${record[0]}, ${record.length} bytes)`);
    }
    const id = record.slice(1, 17);
    if (!constantTimeEqual(chipCheck(this.chip, id), record.subarray(17))) return 'foreign';
    this.deviceIdBytes = id;
    this.deviceKeyBytes = deviceKey(this.chip, id);
    return 'ok';
  }

  /** Write and read back; a record the head covers goes in one batch with a new head (a bit burned if it matters). */
  private writeVerified(key: number, value: Uint8Array, what: string): void {
    if (isCovered(key)) this.head.commit([{ key, value }], { bump: BUMPING_KEYS.has(key) });
    else this.log.set(key, value);
    const back = this.log.get(key);
    let same = back !== undefined && back.length === value.length;
    for (let i = 0; same && i < value.length; i++) same = back![i] === value[i];
    if (!same) throw new LatchError('flash-verify', `the ${what} did not read back as written: refusing to go on`);
  }

  private pinRecord(pin: string, dek: Uint8Array): Uint8Array {
    const salt = this.entropy.bytes(SALT_SIZE);
    const nonce = this.entropy.bytes(NONCE_SIZE);
    return encodePinRecord(makePinRecord(this.chip, pin, dek, salt, this.pinIterations(), nonce, RecordKey.pin, this.options.hash));
  }

  private sealUnder(key: Uint8Array, recordKey: number, plaintext: Uint8Array): Uint8Array {
    return seal(key, recordKey, plaintext, this.entropy.bytes(NONCE_SIZE));
  }

  /** Iterations for a new PIN record: the option, else the calibrated value kept in settings, else calibrate now. */
  private pinIterations(): number {
    if (this.options.pinIterations !== undefined) return this.options.pinIterations;
    const settings = this.log.get(RecordKey.settings);
    if (settings && settings.length === 5 && settings[0] === SETTINGS_VERSION) {
      return ((settings[1] << 24) | (settings[2] << 16) | (settings[3] << 8) | settings[4]) >>> 0;
    }
    const iterations = calibratePinIterations(this.uptime, this.options.calibrationTargetMs ?? 1000, this.options.hash);
    this.log.set(RecordKey.settings, Uint8Array.of(SETTINGS_VERSION, iterations >>> 24, (iterations >>> 16) & 0xff, (iterations >>> 8) & 0xff, iterations & 0xff));
    return iterations;
  }
}
