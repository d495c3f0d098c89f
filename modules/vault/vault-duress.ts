/**
 * The duress side of the vault (duress.ts; issue 23): the duress PIN and its decoy, and what the decoy holds only
 * while it is open (decoy-session.ts). Unlocked with the duress PIN, the data key held is the decoy's and everything
 * the wallet gives comes from the decoy; nothing written in duress mode may tell the decoy from a real wallet, nor
 * touch the owner's records. vault.ts builds on it (open, unlock, lock and the PIN change, which set `dek` and
 * `duress`); it builds on vault-binding.ts, whose bound app it overrides in duress mode.
 */
import { constantTimeEqual, wipe } from '../bytes.js';
import { LatchError } from '../errors.js';
import type { BatchEntry } from './journal.js';
import { DEK_SIZE, decodePinRecord, isValidPin, makePinRecordLike, type PinRecord } from './pin-kdf.js';
import { type Decoy, duressIsSet, duressPair, duressPinRecord, fillerPair, openDecoy, rewrapDuress } from './duress.js';
import { MAX_PIN_ATTEMPTS } from './pin-policy.js';
import { RecordKey } from './records.js';
import { NONCE_SIZE } from './seal.js';
import { VaultBinding } from './vault-binding.js';
import { DecoySession } from './decoy-session.js';
import type { AppBinding } from './vault-types.js';
import type { Preferences } from './preferences.js';

export abstract class VaultDuress extends VaultBinding {
  /** the data key while unlocked (vault.ts sets it): the real wallet's, or in duress mode the decoy's */
  protected dek: Uint8Array | undefined;
  /** unlocked with the duress PIN: `dek` is the decoy's data key (duress.ts) */
  protected duress = false;
  private readonly duressListeners: (() => void)[] = [];

  /** Unlocked with the duress PIN: everything the wallet gives comes from the decoy. */
  get duressMode(): boolean {
    return this.dek !== undefined && this.duress;
  }

  /** Called whenever the duress PIN unlocks (or switches to) the decoy: the device freezes and records the alarm. */
  onDuress(listener: () => void): void {
    this.duressListeners.push(listener);
  }

  /** The duress PIN just unlocked (or switched to) the decoy: tell whoever listens. */
  protected announceDuress(): void {
    for (const l of this.duressListeners) l();
  }

  /** The decoy's 64-byte BIP39 seed when it is kept as one (a copy to wipe), else undefined. */
  decoySeed(): Uint8Array | undefined {
    if (!this.duressMode) return undefined;
    const decoy = this.openDecoy();
    if (decoy.kind === 'seed') return decoy.seed;
    wipe(decoy.entropy);
    return undefined;
  }

  /** Whether the owner set a duress PIN (only the real PIN's data key opens that flag; false locked or in duress mode). */
  get hasDuressPin(): boolean {
    if (this.duressMode) return this.decoyHeld.duressPinCheck !== undefined;
    if (!this.dek) return false;
    return duressIsSet(this.log.get(RecordKey.duressPin), this.dek, RecordKey.duressPin);
  }

  /**
   * Set (or replace) the duress PIN and its decoy: a fresh random wallet (`decoy` omitted) or a given 64-byte
   * BIP39 seed. Both records in one atomic batch. Refused for the real PIN. In duress mode nothing is written
   * (the caller shows the same screens).
   */
  setDuressPin(pin: string, seed?: Uint8Array): void {
    if (!this.dek) throw new LatchError('locked', 'unlock the device before setting a duress PIN');
    if (!isValidPin(pin)) throw new LatchError('bad-pin-format', 'a PIN is 6 to 8 digits');
    if (this.duress) return this.pretendSetDuress(pin);
    const real = this.realPinRecord();
    const decoy: Decoy = seed ? { kind: 'seed', seed } : { kind: 'words', entropy: this.entropy.bytes(16) };
    const pair = duressPair(this.chip, real, this.dek, pin, decoy, this.entropy, { pin: RecordKey.duressPin, decoy: RecordKey.decoy }, this.options.hash);
    wipe(decoy.kind === 'words' ? decoy.entropy : undefined);
    // one PBKDF2 run: the duress record's check, under the real record's salt, compared with the real one's
    if (constantTimeEqual(duressPinRecord(pair.pin)!.check, real.check)) {
      wipe(pair.pin, pair.decoy);
      throw new LatchError('pin-is-real', 'the duress PIN must differ from your PIN');
    }
    this.writeDuressRecords(pair.decoy, pair.pin);
  }

  /** Remove the duress PIN: filler again (one batch). In duress mode nothing is written. */
  removeDuressPin(): void {
    if (!this.dek) throw new LatchError('locked', 'unlock the device before removing the duress PIN');
    if (this.duress) {
      this.decoyHeld.duressPinCheck = undefined;
      return this.rewriteDuressRecords();
    }
    const filler = fillerPair(this.realPinRecord(), this.dek, this.entropy, RecordKey.duressPin);
    this.writeDuressRecords(filler.decoy, filler.pin);
  }

  /**
   * "Change PIN" in duress mode changes the duress PIN (the decoy re-wrapped, the salt kept), burning a bit as a
   * real change does. A new PIN equal to the real one is not written and nothing says so: refusing would tell
   * whoever holds the decoy that he guessed the real PIN. Not written is still an answer (the new PIN then opens
   * the real wallet, the old duress PIN still the decoy), so every change here counts as a guess at the real PIN
   * (head.ts `guesses`, which a duress unlock does not reset), and once one more wrong PIN would wipe, a change
   * is no longer written at all: the next try of it is a counted PIN attempt. Either way the same work: the same
   * PBKDF2 runs, the same records written (the unchanged record again), the same counter bit.
   */
  protected changeDuressPinInDuress(newPin: string): void {
    const raw = this.log.get(RecordKey.duressPin)!;
    const real = this.realPinRecord();
    // one PBKDF2 run, as a real change: the new record's check compares with the real one's (the same salt)
    const next = makePinRecordLike(this.chip, duressPinRecord(raw)!, newPin, this.dek!, this.entropy.bytes(NONCE_SIZE), RecordKey.duressPin, this.options.hash);
    // a duress PIN "set" in duress mode is refused as the new PIN, as on a device where one is set
    if (this.decoyHeld.isDuressPin(next.check)) throw new LatchError('pin-is-duress', 'that PIN is your duress PIN: choose another');
    const isReal = constantTimeEqual(next.check, real.check);
    const guesses = this.head.guesses + 1;
    const write = !isReal && guesses < MAX_PIN_ATTEMPTS;
    // the records a real change writes, in its order (the others unchanged): the same flash work
    const same = (key: number): BatchEntry => ({ key, value: this.log.get(key)! });
    this.head.commit([
      { key: RecordKey.duressPin, value: write ? rewrapDuress(raw, next) : raw }, same(RecordKey.decoy), same(RecordKey.seed), same(RecordKey.pin),
    ], { bump: true, guesses: Math.min(guesses, MAX_PIN_ATTEMPTS - 1) });
  }

  /** What the decoy holds only while open: an app bound in duress mode, a duress PIN "set" there (decoy-session.ts). */
  protected readonly decoyHeld = new DecoySession();

  /** Called when an app bound in duress mode is forgotten (the device locked): its session must end with it. */
  onDecoyAppGone(listener: () => void): void {
    this.decoyHeld.onAppGone(listener);
  }

  /** A passphrase "kept" in duress mode, held as a fact by the decoy until the lock (decoy-session.ts). */
  get decoyKeptPassphrase(): boolean {
    return this.duressMode && this.decoyHeld.keptPassphrase;
  }

  set decoyKeptPassphrase(kept: boolean) {
    if (this.duressMode) this.decoyHeld.keptPassphrase = kept;
  }

  /** The spending policy changed in duress mode, held by the decoy until the lock (decoy-session.ts, guard/guard.ts):
   * undefined when not in duress mode or unchanged there; setting it outside duress mode does nothing. */
  get decoyPolicy(): Uint8Array | undefined {
    return this.duressMode ? this.decoyHeld.policy : undefined;
  }

  set decoyPolicy(encoded: Uint8Array | undefined) {
    if (this.duressMode) this.decoyHeld.policy = encoded;
  }

  /** Authenticator accounts added in duress mode, held by the decoy until the lock (decoy-session.ts). */
  get decoyAccounts(): Map<number, Uint8Array> {
    if (!this.duressMode) throw new LatchError('locked', 'only the decoy holds accounts in memory');
    return this.decoyHeld.accounts;
  }

  get decoyAppBound(): boolean {
    return this.duressMode && this.decoyHeld.hasApp;
  }

  override appBinding(): AppBinding | undefined {
    return this.decoyAppBound ? this.decoyHeld.appBinding() : super.appBinding();
  }

  /** The owner's settings; in duress mode the decoy's, once it changed them (decoy-session.ts). */
  override get preferences(): Preferences {
    return (this.duressMode && this.decoyHeld.preferences) || super.preferences;
  }

  /**
   * In duress mode the settings are held by the decoy only: blind signing or app passphrases turned on there must
   * not reach the owner's wallet. The owner's record is written again unchanged: the same flash work and counter
   * bit as a real change.
   */
  override setPreferences(p: Preferences): void {
    if (!this.duressMode) return super.setPreferences(p);
    const owners = super.preferences;
    super.setPreferences(owners);
    this.decoyHeld.preferences = { ...p };
  }

  /** In duress mode the app is held by the decoy only, never written over the owner's (decoy-session.ts). */
  override setAppBinding(binding: AppBinding): void {
    if (!this.duressMode) return super.setAppBinding(binding);
    this.decoyHeld.bindApp(binding);
  }

  /**
   * Menu > Duress PIN in duress mode. Nothing can be written (a duress record beside the decoy would be a second
   * decoy, and the real PIN as its value an oracle), so it is acted: the decoy's own PIN (the duress PIN) is
   * refused as on any device ("Not your PIN"), any other is "set" for as long as the decoy stays unlocked (the
   * menu then says on, Change PIN refuses it), with the work a real one costs: one PBKDF2 run and the two records
   * written (unchanged). What cannot be acted: it opens nothing after a lock (README: limits).
   */
  private pretendSetDuress(pin: string): void {
    const raw = this.log.get(RecordKey.duressPin)!;
    const own = duressPinRecord(raw)!;
    const dek = this.entropy.bytes(DEK_SIZE);
    this.entropy.bytes(16); // a real set draws the decoy's entropy here
    const record = makePinRecordLike(this.chip, own, pin, dek, this.entropy.bytes(NONCE_SIZE), RecordKey.duressPin, this.options.hash);
    wipe(dek, record.wrappedDek);
    if (constantTimeEqual(record.check, own.check)) throw new LatchError('pin-is-real', 'the duress PIN must differ from your PIN');
    this.decoyHeld.duressPinCheck = record.check;
    this.rewriteDuressRecords();
  }

  /** The duress records written again unchanged: the flash work of a set or a removal, in duress mode. */
  private rewriteDuressRecords(): void {
    this.writeDuressRecords(this.log.get(RecordKey.decoy)!, this.log.get(RecordKey.duressPin)!);
  }

  /**
   * Both duress records in one batch with the vault head, burning a counter bit (head.ts BUMPING_KEYS): the head
   * covers them, so a flash writer who puts back the filler of before, deletes them or copies another device's
   * is caught (storage tampered) instead of leaving the owner silently without the duress PIN they set.
   */
  private writeDuressRecords(decoy: Uint8Array, pin: Uint8Array): void {
    this.head.commit([{ key: RecordKey.decoy, value: decoy }, { key: RecordKey.duressPin, value: pin }], { bump: true });
  }

  protected openDecoy(): Decoy {
    return openDecoy(this.dek!, this.log.get(RecordKey.decoy)!, RecordKey.decoy);
  }

  protected realPinRecord(): PinRecord {
    return decodePinRecord(this.log.get(RecordKey.pin)!);
  }
}
