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
 *  - PIN policy (pin-policy.ts): the failure count (in the vault head, head.ts) is written, with a rollback-counter
 *    bit burned, before a PIN is checked, and reset only on success (a spent counter takes no attempt); after the
 *    4th failure each attempt waits 2^(failures-3) s (counted from boot after a reboot); at 10 the vault wipes
 *    itself, also at boot if the counter already stands at 10.
 *  - Binding attempts are counted the same way (vault-binding.ts); after 5 failures binding locks for 30 s
 *    doubling up to an hour, measured on the device clock (device-clock.ts), so a reboot does not restart it.
 *  - A flash clip (head.ts): the head commits to every guard-critical record and to the rollback counter, so a
 *    retired record or an older image makes the storage 'tampered': nothing opens or signs, only a reset helps.
 *  - Factory reset (factory-reset.ts) zeroes and erases everything but the device clock; boot finishes one that
 *    power interrupted.
 * This file holds the wallet side (open, setup, PIN, wipe); it builds on vault-duress.ts (the duress PIN and its
 * decoy), vault-binding.ts (binding code, bound app, bind attempts) and vault-storage.ts (identity, head,
 * preferences, guard records, verified writes).
 */
import { constantTimeEqual, wipe } from '../bytes.js';
import { LatchError } from '../errors.js';
import { eraseVault } from './factory-reset.js';
import { replay, type BatchEntry } from './journal.js';
import { calibratePinIterations, MIN_PIN_ITERATIONS } from './calibrate.js';
import { DEK_SIZE, SALT_SIZE, encodePinRecord, isValidPin, makePinRecord, unwrapWithEither, type PinRecord } from './pin-kdf.js';
import { duressIsSet, duressPinRecord, fillerPair, resealFlag } from './duress.js';
import { COUNTER_SPENT_MESSAGE, MAX_PIN_ATTEMPTS, pinDelayMs } from './pin-policy.js';
import { isKnownKey, RecordKey, SETTINGS_VERSION } from './records.js';
import { NONCE_SIZE, open } from './seal.js';
import { VaultDuress } from './vault-duress.js';
import type { OpenReport, UnlockResult } from './vault-types.js';

export { calibratePinIterations, MIN_PIN_ITERATIONS };

/** records besides the seed sealed under the DEK: re-sealed with it when the PIN changes */
const DEK_SEALED: readonly number[] = [RecordKey.passphrase];
export * from './pin-policy.js';
export type { AppBinding, OpenReport, StorageStatus, UnlockResult, VaultOptions } from './vault-types.js';

export class Vault extends VaultDuress {
  private lockedUntil = 0;
  private readonly lockListeners: ((unlocked: boolean) => void)[] = [];

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
    report.storage = this.status = this.identity.load();
    if (this.status !== 'ok') return report; // touch nothing: only a factory reset may change foreign storage
    report.finishedBatch = replay(this.log, RecordKey.journal);
    const check = this.head.verify();
    if (!check.ok) {
      report.storage = this.status = 'tampered';
      report.tampered = this.tamperedWhy = check.why;
      return report; // touch nothing: the owner resets and restores from the recovery words
    }
    report.finishedBump = check.finishedBump;
    if (this.pinFailures >= MAX_PIN_ATTEMPTS || this.head.guesses >= MAX_PIN_ATTEMPTS) {
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

  get hasWallet(): boolean {
    return this.status === 'ok' && this.log.has(RecordKey.pin) && this.log.has(RecordKey.seed);
  }

  get isUnlocked(): boolean {
    return this.dek !== undefined;
  }

  get pinFailures(): number {
    return this.head.failures;
  }

  /** The rollback counter is spent: no PIN attempt is taken and no wallet made (README: the eFuse budget). */
  get counterSpent(): boolean {
    return this.head.spent;
  }

  /** Rollback-counter bits left (Infinity on a board without a counter). */
  get counterRemaining(): number {
    return this.head.remaining;
  }

  get remainingAttempts(): number {
    return Math.max(0, MAX_PIN_ATTEMPTS - this.pinFailures);
  }

  /** Milliseconds before the next PIN attempt is accepted. */
  get waitMs(): number {
    return Math.max(0, this.lockedUntil - this.uptime.now());
  }

  /** Create the wallet: seal `seedEntropy` under a new DEK, then commit with the PIN record. Leaves it unlocked. */
  createWallet(pin: string, seedEntropy: Uint8Array): void {
    this.requireOwnStorage();
    if (this.hasWallet) throw new LatchError('wallet-exists', 'a wallet already exists: reset the device first');
    if (!isValidPin(pin)) throw new LatchError('bad-pin-format', 'a PIN is 6 to 8 digits');
    if (seedEntropy.length !== 16 && seedEntropy.length !== 32) throw new LatchError('bad-entropy', 'wallet entropy must be 16 or 32 bytes (12 or 24 words)');
    if (this.head.spent) throw new LatchError('counter-spent', COUNTER_SPENT_MESSAGE);
    this.ensureIdentity();
    const dek = this.entropy.bytes(DEK_SIZE);
    this.log.set(RecordKey.seed, this.sealUnder(dek, RecordKey.seed, seedEntropy));
    const record = this.newPinRecord(pin, dek);
    // the duress pair is filler until the owner sets one (duress.ts): a dump does not tell whether one exists
    const filler = fillerPair(record, dek, this.entropy, RecordKey.duressPin);
    this.head.commit([
      { key: RecordKey.duressPin, value: filler.pin }, { key: RecordKey.decoy, value: filler.decoy }, { key: RecordKey.pin, value: encodePinRecord(record) },
    ], { bump: true, failures: 0, guesses: 0 });
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
    const guessesBefore = this.head.guesses;
    if (before >= MAX_PIN_ATTEMPTS || guessesBefore >= MAX_PIN_ATTEMPTS) {
      this.wipe(undefined, `${MAX_PIN_ATTEMPTS} wrong PINs`);
      return { ok: false, reason: 'wiped' };
    }
    // No bit to burn: an attempt counted only in flash could be undone by programming back the image (head.ts).
    if (this.head.spent) throw new LatchError('counter-spent', COUNTER_SPENT_MESSAGE);
    const failures = before + 1;
    // Counted, and a counter bit burned, before the check: neither pulling the plug nor programming back the flash
    // as it was before this attempt gives a free try.
    this.head.commit([], { bump: true, failures, guesses: guessesBefore + 1 });
    if (this.head.failures !== failures) throw new LatchError('flash-verify', 'the PIN failure count did not read back as written: refusing to go on');
    // one PBKDF2 run for the real PIN and the duress PIN (or its filler): the same time either way (duress.ts)
    const opened = unwrapWithEither(this.chip, this.realPinRecord(), RecordKey.pin, duressPinRecord(this.log.get(RecordKey.duressPin)), RecordKey.duressPin, pin, this.options.hash);
    if (opened) {
      const duress = opened.which === 1;
      // The duress PIN resets the count the screen shows like the real one, but not the guesses at the real PIN
      // (head.ts): knowing it must not buy more than ten tries at the real PIN between the owner's own unlocks.
      this.head.commit([], { bump: false, failures: 0, guesses: duress ? guessesBefore : 0 });
      const was = this.dek !== undefined;
      const switched = was && duress !== this.duress;
      wipe(this.dek);
      this.dek = opened.dek;
      this.duress = duress;
      this.lockedUntil = 0;
      if (switched) {
        this.decoyHeld.forget();
      }
      if (switched) this.announce(false); // the other wallet's keys go before the new ones come
      if (!was || switched) this.announce(true);
      if (duress && (!was || switched)) this.announceDuress();
      return { ok: true };
    }
    if (failures >= MAX_PIN_ATTEMPTS || guessesBefore + 1 >= MAX_PIN_ATTEMPTS) {
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
    this.duress = false;
    this.decoyHeld.forget();
    if (was) this.announce(false);
  }

  /**
   * A new PIN with a new data key: the seed is re-sealed under the new DEK and the new PIN record wraps it, both
   * in one atomic batch. Requires the vault unlocked (the UI asks for the current PIN first).
   */
  changePin(newPin: string): void {
    if (!this.dek) throw new LatchError('locked', 'unlock the device before changing the PIN');
    if (!isValidPin(newPin)) throw new LatchError('bad-pin-format', 'a PIN is 6 to 8 digits');
    if (this.duress) return this.changeDuressPinInDuress(newPin);
    const duressRaw = this.log.get(RecordKey.duressPin);
    const duressRecord = duressPinRecord(duressRaw);
    // the salt stays while a duress record shares it (one PBKDF2 run serves both: duress.ts)
    const like = duressRecord ? this.realPinRecord() : undefined;
    const duressSet = duressIsSet(duressRaw, this.dek, RecordKey.duressPin);
    const dek = this.entropy.bytes(DEK_SIZE);
    // one PBKDF2 run: the new record's check is the one to compare with the duress record's (the same salt), so a
    // change costs the same with a duress PIN or without, and in duress mode (changeDuressPinInDuress)
    const record = this.newPinRecord(newPin, dek, like);
    if (duressSet && constantTimeEqual(record.check, duressRecord!.check)) {
      wipe(dek);
      throw new LatchError('pin-is-duress', 'that PIN is your duress PIN: choose another');
    }
    const seed = this.seedEntropy();
    const sealedSeed = this.sealUnder(dek, RecordKey.seed, seed);
    wipe(seed);
    const entries: BatchEntry[] = [
      { key: RecordKey.seed, value: sealedSeed },
      { key: RecordKey.pin, value: encodePinRecord(record) },
    ];
    // Other records sealed under the DEK go with it, in the same batch (a stored passphrase).
    for (const key of DEK_SEALED) {
      const old = this.log.get(key);
      if (!old) continue;
      const plain = open(this.dek, key, old);
      entries.push({ key, value: this.sealUnder(dek, key, plain) });
      wipe(plain);
    }
    // the duress record's flag follows the new data key; with none set, fresh filler under it
    if (duressSet) entries.unshift({ key: RecordKey.duressPin, value: resealFlag(duressRaw!, this.dek, dek, this.entropy, RecordKey.duressPin) });
    else if (like) {
      const filler = fillerPair(like, dek, this.entropy, RecordKey.duressPin);
      entries.unshift({ key: RecordKey.duressPin, value: filler.pin }, { key: RecordKey.decoy, value: filler.decoy });
    }
    this.head.commit(entries, { bump: true }); // an older image would bring back the old PIN
    wipe(this.dek);
    this.dek = dek;
  }

  /** The BIP39 entropy (a copy the caller must wipe). Requires the vault unlocked. */
  seedEntropy(): Uint8Array {
    if (!this.dek) throw new LatchError('locked', 'the device is locked');
    if (this.duress) {
      // the decoy's own words; a decoy kept as a seed has none (and the real ones are never reachable from here)
      const decoy = this.openDecoy();
      if (decoy.kind === 'words') return decoy.entropy;
      wipe(decoy.seed);
      throw new LatchError('no-words', 'this wallet has no recovery words on the device');
    }
    return open(this.dek, RecordKey.seed, this.log.get(RecordKey.seed)!);
  }

  /** `plaintext` sealed under the DEK for record `key` (a stored passphrase); the caller writes it. */
  sealWithDek(key: number, plaintext: Uint8Array): Uint8Array {
    if (!this.dek) throw new LatchError('locked', 'the device is locked');
    return this.sealUnder(this.dek, key, plaintext);
  }

  /** Record `key` opened with the DEK (a copy the caller must wipe), undefined when absent; requires unlocked. */
  openWithDek(key: number): Uint8Array | undefined {
    if (!this.dek) throw new LatchError('locked', 'the device is locked');
    const sealed = this.records.get(key);
    return sealed ? open(this.dek, key, sealed) : undefined;
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
    this.identity.forget();
    eraseVault(this.log, onProgress, carried ? Uint8Array.from([1, ...carried]) : undefined);
    this.head.forget();
    this.status = 'ok';
    this.lockedUntil = 0;
    this.clock.persist();
    for (const l of this.wipeListeners) l(carried, reason);
  }

  // --- internals ---

  /** A PIN record with a new salt, or `like`'s salt and iterations (kept while a duress record shares them). */
  private newPinRecord(pin: string, dek: Uint8Array, like?: PinRecord): PinRecord {
    const salt = like ? like.salt : this.entropy.bytes(SALT_SIZE);
    const nonce = this.entropy.bytes(NONCE_SIZE);
    return makePinRecord(this.chip, pin, dek, salt, like ? like.iterations : this.pinIterations(), nonce, RecordKey.pin, this.options.hash);
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
