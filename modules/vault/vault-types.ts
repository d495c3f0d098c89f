/** What the vault's callers pass in and get back (vault.ts). */
import type { HashPort, MonotonicCounterPort } from '../ports.js';
import type { MountReport } from '../storage/record-log.js';

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
 * the chip key; it is not migrated (README): a factory reset and a restore from the recovery words. `tampered`: a
 * flash edit the vault head caught (head.ts).
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
