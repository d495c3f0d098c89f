/**
 * The vault's storage side (vault.ts builds on it): whose storage it is (the identity, identity.ts), whether a flash
 * clip was caught (the head, head.ts), the keys before the PIN, the owner's preferences and the records the guard
 * keeps. Every write goes through `writeVerified`: a record the head covers is committed with a new head.
 */
import { toHex } from '../bytes.js';
import type { HealthTestedEntropy } from '../entropy/health.js';
import { LatchError } from '../errors.js';
import type { ChipKeyPort, ClockPort } from '../ports.js';
import type { RecordLog } from '../storage/record-log.js';
import { eventSigningSeed } from './chip-keys.js';
import { DeviceClock } from './device-clock.js';
import { BUMPING_KEYS, isCovered, VaultHead } from './head.js';
import { DeviceIdentity, sealWith } from './identity.js';
import { decodePreferences, encodePreferences, type Preferences } from './preferences.js';
import { RecordKey, type VaultRecords } from './records.js';
import type { StorageStatus, VaultOptions } from './vault-types.js';

export abstract class VaultStorage {
  readonly clock: DeviceClock;
  protected readonly identity: DeviceIdentity;
  protected status: StorageStatus = 'ok';
  protected tamperedWhy: string | undefined;
  readonly head: VaultHead;

  constructor(
    readonly log: RecordLog,
    protected readonly entropy: HealthTestedEntropy,
    protected readonly uptime: Pick<ClockPort, 'now'>,
    protected readonly chip: ChipKeyPort,
    protected readonly options: VaultOptions = {},
  ) {
    this.clock = new DeviceClock(log, RecordKey.deviceClock, uptime);
    this.identity = new DeviceIdentity(log, chip, entropy);
    this.head = new VaultHead(log, RecordKey.journal, options.counter, () => this.identity.key);
  }

  get storage(): StorageStatus {
    return this.status;
  }

  /** The device id, hex, or undefined until the identity exists (it is made on first use). */
  get deviceId(): string | undefined {
    return this.identity.id ? toHex(this.identity.id) : undefined;
  }

  /** Make the device identity (id, chip check, static X25519 key) if it does not exist yet. */
  ensureIdentity(): string {
    this.requireOwnStorage();
    this.identity.ensure();
    return toHex(this.identity.id!);
  }

  /** The device id's bytes (made on first use). */
  deviceIdBytesNow(): Uint8Array {
    this.ensureIdentity();
    return this.identity.id!.slice();
  }

  /** The Ed25519 seed that signs the event log's head (chip-derived; a copy the caller must wipe). */
  eventSigningSeed(): Uint8Array {
    this.ensureIdentity();
    return eventSigningSeed(this.chip, this.identity.id!);
  }

  /** The X25519 static private key (a copy the caller must wipe). */
  staticPrivateKey(): Uint8Array {
    this.ensureIdentity();
    return this.identity.open(RecordKey.staticKey, this.log.get(RecordKey.staticKey)!);
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
    set: (key, value, what, options) => {
      this.requireOwnStorage();
      this.writeVerified(key, value, what, options?.loosens === true);
    },
    delete: (key) => {
      this.requireOwnStorage();
      if (!isCovered(key)) this.log.delete(key);
      else if (this.log.has(key)) this.head.commit([{ key }], { bump: BUMPING_KEYS.has(key) });
    },
    getSealed: (key) => {
      const sealed = this.status === 'ok' ? this.log.get(key) : undefined;
      if (!sealed) return undefined;
      if (!this.identity.key) throw new LatchError('record-damaged', `record ${key} exists but the device identity does not`);
      return this.identity.open(key, sealed);
    },
    setSealed: (key, plaintext, what) => {
      this.ensureIdentity();
      this.writeVerified(key, this.identity.seal(key, plaintext), what);
    },
  };

  // --- internals ---

  protected requireOwnStorage(): void {
    if (this.status === 'foreign') throw new LatchError('foreign-storage', 'this storage belongs to another device: only a factory reset can reuse it');
    if (this.status === 'old-format') throw new LatchError('old-format', 'this storage was written by older firmware: reset the device, then restore your wallet');
    if (this.status === 'tampered') throw new LatchError('storage-tampered', 'the device\'s storage was tampered with: reset the device, then restore your wallet');
  }

  /**
   * Write and read back; a record the head covers goes in one batch with a new head (a bit burned if it matters:
   * not for a write that only loosens what is stored, whose rollback could only tighten).
   */
  protected writeVerified(key: number, value: Uint8Array, what: string, loosens = false): void {
    if (isCovered(key)) this.head.commit([{ key, value }], { bump: BUMPING_KEYS.has(key) && !loosens });
    else this.log.set(key, value);
    const back = this.log.get(key);
    let same = back !== undefined && back.length === value.length;
    for (let i = 0; same && i < value.length; i++) same = back![i] === value[i];
    if (!same) throw new LatchError('flash-verify', `the ${what} did not read back as written: refusing to go on`);
  }

  protected sealUnder(key: Uint8Array, recordKey: number, plaintext: Uint8Array): Uint8Array {
    return sealWith(key, recordKey, plaintext, this.entropy);
  }
}
