/**
 * The vault: the device's secrets in the record log, and the rules that guard them.
 *
 *  - Device key (identity record) seals what is needed before the PIN: the static X25519 key, the binding code,
 *    the bound app's key. On production boards ESP32 flash encryption must protect it (README).
 *  - A random data key (DEK), wrapped by a key derived from the PIN (pin-kdf.ts), seals the mnemonic entropy.
 *    Changing the PIN rewraps only the DEK, in one record.
 *  - Wallet setup writes the sealed seed first and the PIN record last: the PIN record is the commit point, so a
 *    power cut in between leaves a seed nobody can open, which the next boot drops.
 *  - PIN policy: the failure counter is written and read back before a PIN is checked and reset only on success;
 *    after the 4th failure each attempt waits 2^(failures-3) s (counted from boot after a reboot); at 10 the
 *    vault wipes itself, also at boot if the counter already stands at 10.
 *  - Factory reset writes a wipe-pending record, zeroes every record in place (the wrapped DEK first), erases
 *    every sector (the DEK's first, the marker's last) and checks they read 0xFF. Boot finishes an interrupted
 *    reset. The next use creates a new device identity.
 */
import { pbkdf2 } from '../crypto/pbkdf2.js';
import { toHex, utf8Decode, utf8Encode, wipe } from '../bytes.js';
import type { HealthTestedEntropy } from '../entropy/health.js';
import { LatchError } from '../errors.js';
import type { ClockPort, HashPort } from '../ports.js';
import { RecordLog, type MountReport } from '../storage/record-log.js';
import {
  DEK_SIZE, SALT_SIZE, decodePinRecord, encodePinRecord, isValidPin, makePinRecord, unwrapWithPin,
} from './pin-kdf.js';
import { IDENTITY_VERSION, KNOWN_KEYS, RecordKey, SETTINGS_VERSION } from './records.js';
import { NONCE_SIZE, open, seal } from './seal.js';

export const MAX_PIN_ATTEMPTS = 10;
/** the screen warns when this many tries or fewer remain */
export const WARN_REMAINING = 3;
export const MIN_PIN_ITERATIONS = 1000;
/** binding is refused for a while after this many consecutive failed attempts */
export const BIND_FREE_ATTEMPTS = 5;

/** Lock-out after `failures` consecutive failed binding attempts: 30 s after the 5th, doubling each time. */
export function bindDelayMs(failures: number): number {
  return failures < BIND_FREE_ATTEMPTS ? 0 : 30_000 * Math.pow(2, Math.min(failures - BIND_FREE_ATTEMPTS, 16));
}

export interface AppBinding {
  /** the app's static X25519 public key */
  publicKey: Uint8Array;
  label: string;
}
const MAX_PIN_ITERATIONS = 2_000_000;

/** Wait before the next attempt after `failures` consecutive wrong PINs. */
export function pinDelayMs(failures: number): number {
  return failures <= 3 ? 0 : 1000 * Math.pow(2, failures - 3);
}

export interface VaultOptions {
  /** PBKDF2 iterations for new PIN records; omitted = calibrated to `calibrationTargetMs` on this device */
  pinIterations?: number;
  calibrationTargetMs?: number;
  /** a native digest for the PIN's PBKDF2 (the board's HashPort) */
  hash?: HashPort;
}

export type UnlockResult =
  | { ok: true }
  | { ok: false; reason: 'wrong-pin'; failures: number; remaining: number; delayMs: number }
  | { ok: false; reason: 'wait'; waitMs: number }
  | { ok: false; reason: 'wiped' };

export interface OpenReport {
  mount: MountReport;
  /** why the vault wiped itself during open, if it did */
  wiped?: 'too-many-pins' | 'reset-resumed';
  /** record keys this firmware does not know (left untouched) */
  unknownKeys: number[];
  /** a wallet whose seed or PIN record was missing (setup cut before its commit, or a damaged record) was dropped */
  droppedIncompleteSetup: boolean;
}

export class Vault {
  private dek: Uint8Array | undefined;
  private deviceKey: Uint8Array | undefined;
  private deviceIdBytes: Uint8Array | undefined;
  private lockedUntil = 0;
  private bindLockedUntil = 0;

  constructor(
    readonly log: RecordLog,
    private readonly entropy: HealthTestedEntropy,
    private readonly clock: Pick<ClockPort, 'now'>,
    private readonly options: VaultOptions = {},
  ) {}

  /** Mount the log and bring the vault to a consistent state (finish a reset, enforce the PIN limit). */
  open(): OpenReport {
    const mount = this.log.mount();
    const report: OpenReport = { mount, unknownKeys: this.log.keys().filter((k) => !KNOWN_KEYS.has(k)), droppedIncompleteSetup: false };
    if (this.log.has(RecordKey.wipePending)) {
      this.wipe();
      report.wiped = 'reset-resumed';
    } else if (this.pinFailures >= MAX_PIN_ATTEMPTS) {
      this.wipe();
      report.wiped = 'too-many-pins';
    }
    const hasSeed = this.log.has(RecordKey.seed);
    const hasPin = this.log.has(RecordKey.pin);
    if (hasSeed !== hasPin) {
      // Setup writes the seed first and commits with the PIN record: either alone is an unfinished setup.
      this.log.delete(RecordKey.seed);
      this.log.delete(RecordKey.pin);
      report.droppedIncompleteSetup = true;
    }
    this.loadIdentity();
    this.lockedUntil = this.clock.now() + pinDelayMs(this.pinFailures);
    this.bindLockedUntil = this.clock.now() + bindDelayMs(this.bindFailures);
    return report;
  }

  get hasWallet(): boolean {
    return this.log.has(RecordKey.pin) && this.log.has(RecordKey.seed);
  }

  get isUnlocked(): boolean {
    return this.dek !== undefined;
  }

  get pinFailures(): number {
    return this.log.get(RecordKey.pinFailures)?.[0] ?? 0;
  }

  get remainingAttempts(): number {
    return Math.max(0, MAX_PIN_ATTEMPTS - this.pinFailures);
  }

  /** Milliseconds before the next PIN attempt is accepted. */
  get waitMs(): number {
    return Math.max(0, this.lockedUntil - this.clock.now());
  }

  /** The device id, hex, or undefined until the identity exists (it is made on first use). */
  get deviceId(): string | undefined {
    return this.deviceIdBytes ? toHex(this.deviceIdBytes) : undefined;
  }

  /** Make the device identity (id, device key, static X25519 key) if it does not exist yet. */
  ensureIdentity(): string {
    if (!this.deviceIdBytes) {
      const id = this.entropy.bytes(16);
      const key = this.entropy.bytes(32);
      const record = new Uint8Array(1 + 16 + 32);
      record[0] = IDENTITY_VERSION;
      record.set(id, 1);
      record.set(key, 17);
      this.log.set(RecordKey.identity, record);
      wipe(record);
      this.deviceIdBytes = id;
      this.deviceKey = key;
    }
    if (!this.log.has(RecordKey.staticKey)) {
      const priv = this.entropy.bytes(32);
      this.log.set(RecordKey.staticKey, this.sealUnder(this.deviceKey!, RecordKey.staticKey, priv));
      wipe(priv);
    }
    return toHex(this.deviceIdBytes);
  }

  /** The X25519 static private key (a copy the caller must wipe). */
  staticPrivateKey(): Uint8Array {
    this.ensureIdentity();
    return open(this.deviceKey!, RecordKey.staticKey, this.log.get(RecordKey.staticKey)!);
  }

  bindingCode(): string | undefined {
    const sealed = this.log.get(RecordKey.bindingCode);
    if (!sealed || !this.deviceKey) return undefined;
    const bytes = open(this.deviceKey, RecordKey.bindingCode, sealed);
    const code = utf8Decode(bytes);
    wipe(bytes);
    return code;
  }

  setBindingCode(code: string): void {
    this.ensureIdentity();
    const bytes = utf8Encode(code);
    this.log.set(RecordKey.bindingCode, this.sealUnder(this.deviceKey!, RecordKey.bindingCode, bytes));
    wipe(bytes);
  }

  /** The bound app, if any. */
  appBinding(): AppBinding | undefined {
    const sealed = this.log.get(RecordKey.appKey);
    if (!sealed || !this.deviceKey) return undefined;
    const bytes = open(this.deviceKey, RecordKey.appKey, sealed);
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
    this.log.set(RecordKey.appKey, this.sealUnder(this.deviceKey!, RecordKey.appKey, bytes));
  }

  get bindFailures(): number {
    return this.log.get(RecordKey.bindFailures)?.[0] ?? 0;
  }

  /** Milliseconds before another binding attempt is accepted. */
  get bindWaitMs(): number {
    return Math.max(0, this.bindLockedUntil - this.clock.now());
  }

  /** Count a binding attempt before answering it (written and read back); returns the new count. */
  countBindAttempt(): number {
    const n = Math.min(255, this.bindFailures + 1);
    this.writeCounter(RecordKey.bindFailures, n, 'binding failure counter');
    this.bindLockedUntil = this.clock.now() + bindDelayMs(n);
    return n;
  }

  /** A binding attempt proved the code: the count starts over. */
  clearBindFailures(): void {
    if (this.bindFailures !== 0) this.writeCounter(RecordKey.bindFailures, 0, 'binding failure counter');
    this.bindLockedUntil = 0;
  }

  /** Create the wallet: seal `seedEntropy` under a new DEK, then commit with the PIN record. Leaves it unlocked. */
  createWallet(pin: string, seedEntropy: Uint8Array): void {
    if (this.hasWallet) throw new LatchError('wallet-exists', 'a wallet already exists: reset the device first');
    if (!isValidPin(pin)) throw new LatchError('bad-pin-format', 'a PIN is 6 to 8 digits');
    if (seedEntropy.length !== 16 && seedEntropy.length !== 32) throw new LatchError('bad-entropy', 'wallet entropy must be 16 or 32 bytes (12 or 24 words)');
    this.ensureIdentity();
    const dek = this.entropy.bytes(DEK_SIZE);
    this.log.set(RecordKey.seed, this.sealUnder(dek, RecordKey.seed, seedEntropy));
    this.writePinRecord(pin, dek);
    if (this.pinFailures !== 0) this.writeFailures(0);
    this.dek = dek;
  }

  unlock(pin: string): UnlockResult {
    if (!this.hasWallet) throw new LatchError('no-wallet', 'there is no wallet to unlock');
    if (!isValidPin(pin)) throw new LatchError('bad-pin-format', 'a PIN is 6 to 8 digits');
    const waitMs = this.waitMs;
    if (waitMs > 0) return { ok: false, reason: 'wait', waitMs };
    const before = this.pinFailures;
    if (before >= MAX_PIN_ATTEMPTS) {
      this.wipe();
      return { ok: false, reason: 'wiped' };
    }
    const failures = before + 1;
    this.writeFailures(failures); // counted before the check, so pulling the plug cannot give a free try
    const dek = unwrapWithPin(decodePinRecord(this.log.get(RecordKey.pin)!), pin, RecordKey.pin, this.options.hash);
    if (dek) {
      this.writeFailures(0);
      this.dek = dek;
      this.lockedUntil = 0;
      return { ok: true };
    }
    if (failures >= MAX_PIN_ATTEMPTS) {
      this.wipe();
      return { ok: false, reason: 'wiped' };
    }
    const delayMs = pinDelayMs(failures);
    this.lockedUntil = this.clock.now() + delayMs;
    return { ok: false, reason: 'wrong-pin', failures, remaining: MAX_PIN_ATTEMPTS - failures, delayMs };
  }

  lock(): void {
    wipe(this.dek);
    this.dek = undefined;
  }

  /** Rewrap the DEK under a new PIN (one record: atomic). Requires the vault unlocked. */
  changePin(newPin: string): void {
    if (!this.dek) throw new LatchError('locked', 'unlock the device before changing the PIN');
    if (!isValidPin(newPin)) throw new LatchError('bad-pin-format', 'a PIN is 6 to 8 digits');
    this.writePinRecord(newPin, this.dek);
  }

  /** The BIP39 entropy (a copy the caller must wipe). Requires the vault unlocked. */
  seedEntropy(): Uint8Array {
    if (!this.dek) throw new LatchError('locked', 'the device is locked');
    return open(this.dek, RecordKey.seed, this.log.get(RecordKey.seed)!);
  }

  /**
   * Factory reset. Resumable: a power cut anywhere after the marker is written is finished by `open()`.
   * `onProgress(done, total)` reports sectors erased.
   */
  wipe(onProgress?: (done: number, total: number) => void): void {
    this.lock();
    wipe(this.deviceKey, this.deviceIdBytes);
    this.deviceKey = undefined;
    this.deviceIdBytes = undefined;
    let marked = true;
    try {
      if (!this.log.has(RecordKey.wipePending)) this.log.set(RecordKey.wipePending, Uint8Array.of(1));
    } catch (err) {
      // A full or failing region must not stop a reset: go straight to erasing, the DEK's sector first.
      if (!(err instanceof LatchError)) throw err;
      marked = false;
    }
    const dekSector = this.log.sectorOf(RecordKey.pin);
    const markSector = marked ? this.log.sectorOf(RecordKey.wipePending) : undefined;
    // Zero every record in place, the wrapped DEK first: from here on the seed cannot be opened.
    for (const key of [RecordKey.pin, RecordKey.seed, ...this.log.keys()]) {
      if (key !== RecordKey.wipePending) this.log.delete(key);
    }
    const order: number[] = [];
    if (dekSector !== undefined && dekSector !== markSector) order.push(dekSector);
    for (let s = 0; s < this.log.sectorCount; s++) if (s !== dekSector && s !== markSector) order.push(s);
    if (markSector !== undefined) order.push(markSector);
    this.log.eraseAll(order, onProgress);
    this.lockedUntil = 0;
    this.bindLockedUntil = 0;
  }

  // --- internals ---

  private loadIdentity(): void {
    const record = this.log.get(RecordKey.identity);
    if (!record) return;
    if (record.length !== 49 || record[0] !== IDENTITY_VERSION) {
      throw new LatchError('record-damaged', `the identity record has an unknown format (version ${record[0]}, ${record.length} bytes)`);
    }
    this.deviceIdBytes = record.slice(1, 17);
    this.deviceKey = record.slice(17, 49);
    wipe(record);
  }

  private writeFailures(n: number): void {
    this.writeCounter(RecordKey.pinFailures, n, 'PIN failure counter');
  }

  private writeCounter(key: number, n: number, what: string): void {
    this.log.set(key, Uint8Array.of(n));
    const back = this.log.get(key);
    if (!back || back.length !== 1 || back[0] !== n) {
      throw new LatchError('flash-verify', `the ${what} did not read back as written: refusing to go on`);
    }
  }

  private writePinRecord(pin: string, dek: Uint8Array): void {
    const salt = this.entropy.bytes(SALT_SIZE);
    const nonce = this.entropy.bytes(NONCE_SIZE);
    const record = makePinRecord(pin, dek, salt, this.pinIterations(), nonce, RecordKey.pin, this.options.hash);
    this.log.set(RecordKey.pin, encodePinRecord(record));
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
    const iterations = calibratePinIterations(this.clock, this.options.calibrationTargetMs ?? 1000, this.options.hash);
    this.log.set(RecordKey.settings, Uint8Array.of(SETTINGS_VERSION, iterations >>> 24, (iterations >>> 16) & 0xff, (iterations >>> 8) & 0xff, iterations & 0xff));
    return iterations;
  }
}

/**
 * How many PBKDF2-HMAC-SHA256 iterations take about `targetMs` on this device: time a growing trial run with the
 * Clock port and scale. At least MIN_PIN_ITERATIONS, so a slow board still gets a meaningful work factor.
 */
export function calibratePinIterations(clock: Pick<ClockPort, 'now'>, targetMs: number, hash?: HashPort): number {
  const salt = new Uint8Array(SALT_SIZE);
  const pin = utf8Encode('00000000');
  // Grow the trial until it takes 50 ms; a clock that never moves (coarse or stopped) ends it at 16384.
  let n = 64;
  for (;;) {
    const start = clock.now();
    pbkdf2(hash, 'SHA-256', pin, salt, n, 64);
    const elapsed = clock.now() - start;
    if (elapsed >= 50 || n >= 16384) {
      const scaled = elapsed > 0 ? Math.round((n * targetMs) / elapsed) : MIN_PIN_ITERATIONS;
      return Math.min(MAX_PIN_ITERATIONS, Math.max(MIN_PIN_ITERATIONS, scaled));
    }
    n *= 4;
  }
}
