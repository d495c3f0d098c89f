/**
 * The one-time backup code: for the owner who lost both the bound phone and the binding code. 60 symbols of the
 * binding code's alphabet (300 bits from the health-tested RNG), shown on the LCD in groups of five and as a QR
 * code, valid for 2 hours of device time and never past a reboot, good for one binding, one at a time.
 *
 * The device keeps only a salted hash: verifier = SHA-256("latch/backup-code/v1" || salt || code). The verifier is
 * CPace's password; the salt travels in the challenge so the app can compute it from the code the owner types.
 * No slow hash is needed: 300 bits cannot be guessed, and every wrong try is counted like a wrong binding code.
 *
 * Record (vault, sealed under the device key): version(1) | state(1) | salt(16) | verifier(32) | expires (u64 ms)
 * state 0 = valid, 1 = used (the verifier zeroed, kept so a reused code hears "used", not "none").
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8Encode, wipe } from '../bytes.js';
import type { HealthTestedEntropy } from '../entropy/health.js';
import { decodeMs, encodeMs, type DeviceClock } from '../vault/device-clock.js';
import { RecordKey, type VaultRecords } from '../vault/records.js';
import { makeCode } from './code.js';

export const BACKUP_CODE_LENGTH = 60;
export const BACKUP_CODE_TTL_MS = 2 * 60 * 60_000;
export const BACKUP_SALT_SIZE = 16;
const VERSION = 1;

export type BackupCodeState = 'valid' | 'used' | 'expired' | 'none';

export interface BackupCodeRecord {
  state: 'valid' | 'used';
  salt: Uint8Array;
  verifier: Uint8Array;
  expiresAt: number;
}

export function makeBackupCode(entropy: HealthTestedEntropy): string {
  return makeCode(entropy, BACKUP_CODE_LENGTH);
}

/** The LCD's form: twelve groups of five. */
export function groupBackupCode(code: string): string[] {
  const groups: string[] = [];
  for (let i = 0; i < code.length; i += 5) groups.push(code.slice(i, i + 5));
  return groups;
}

/** The salted hash the device keeps and CPace uses as its password (the app computes it from the typed code). */
export function backupVerifier(salt: Uint8Array, code: string): Uint8Array {
  const c = utf8Encode(code);
  const out = sha256(concatBytes(utf8Encode('latch/backup-code/v1'), salt, c));
  wipe(c);
  return out;
}

export function encodeBackupRecord(r: BackupCodeRecord): Uint8Array {
  return concatBytes(Uint8Array.of(VERSION, r.state === 'valid' ? 0 : 1), r.salt, r.verifier, encodeMs(r.expiresAt));
}

export function decodeBackupRecord(b: Uint8Array): BackupCodeRecord | undefined {
  if (b.length !== 2 + BACKUP_SALT_SIZE + 32 + 8 || b[0] !== VERSION || b[1] > 1) return undefined;
  return {
    state: b[1] === 0 ? 'valid' : 'used',
    salt: b.slice(2, 2 + BACKUP_SALT_SIZE),
    verifier: b.slice(2 + BACKUP_SALT_SIZE, 2 + BACKUP_SALT_SIZE + 32),
    expiresAt: decodeMs(b, 2 + BACKUP_SALT_SIZE + 32),
  };
}

/** The backup code's record in the vault: made on the device, checked and used by binding, voided at boot. */
export class BackupCodeStore {
  /** the expiry of the code made since boot (tell the event log once when it passes unused) */
  private watchUntil: number | undefined;

  constructor(
    private readonly records: VaultRecords,
    private readonly clock: DeviceClock,
    private readonly entropy: HealthTestedEntropy,
  ) {}

  /** A new code (voiding any other): the caller shows it and forgets it. */
  make(): { code: string; expiresAt: number } {
    const code = makeBackupCode(this.entropy);
    const salt = this.entropy.bytes(BACKUP_SALT_SIZE);
    const expiresAt = this.clock.now() + BACKUP_CODE_TTL_MS;
    const verifier = backupVerifier(salt, code);
    const value = encodeBackupRecord({ state: 'valid', salt, verifier, expiresAt });
    this.records.setSealed(RecordKey.backupCode, value, 'backup code');
    wipe(verifier, value);
    this.watchUntil = expiresAt;
    return { code, expiresAt };
  }

  /** True once, when the code made since boot has just expired unused. */
  justExpired(): boolean {
    if (this.watchUntil === undefined || this.clock.now() < this.watchUntil) return false;
    this.watchUntil = undefined;
    return this.state() === 'expired';
  }

  /** What binding with a backup code would meet now. */
  state(): BackupCodeState {
    const r = this.read();
    if (!r) return 'none';
    if (r.state === 'used') return 'used';
    return this.clock.now() >= r.expiresAt ? 'expired' : 'valid';
  }

  /** The salt and verifier of the valid code (a copy the caller wipes), if there is one. */
  valid(): { salt: Uint8Array; verifier: Uint8Array } | undefined {
    const r = this.read();
    if (!r || r.state !== 'valid' || this.clock.now() >= r.expiresAt) return undefined;
    return { salt: r.salt, verifier: r.verifier };
  }

  /** It was used (or it failed once the app proved it knew it): it never works again. */
  markUsed(): void {
    const r = this.read();
    if (!r) return;
    const value = encodeBackupRecord({ state: 'used', salt: r.salt, verifier: new Uint8Array(32), expiresAt: r.expiresAt });
    wipe(r.verifier);
    this.records.setSealed(RecordKey.backupCode, value, 'backup code');
  }

  /** At boot: a backup code never outlives a reboot. */
  voidAtBoot(): boolean {
    if (this.records.get(RecordKey.backupCode) === undefined) return false;
    this.records.delete(RecordKey.backupCode);
    return true;
  }

  private read(): BackupCodeRecord | undefined {
    let raw: Uint8Array | undefined;
    try {
      raw = this.records.getSealed(RecordKey.backupCode);
    } catch {
      return undefined; // a damaged record is no code
    }
    if (!raw) return undefined;
    const r = decodeBackupRecord(raw);
    wipe(raw);
    return r;
  }
}
