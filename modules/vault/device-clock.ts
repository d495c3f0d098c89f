/**
 * The device clock: milliseconds of powered-on time, kept in the vault. The board has no battery-backed clock
 * and an app may lie about the time, so every period the firmware enforces (binding lock-outs, and the guards'
 * days, waiting periods and expiries) is measured on this clock, never on the app's.
 *
 * It never moves back: boot resumes from the last persisted value, and it is persisted at least once a minute
 * while powered (and before anything that depends on it is written), so a reboot or power cut loses at most a
 * minute. Lost time only makes waits longer, never shorter. Time spent switched off does not count.
 *
 * Record layout: version 1 | milliseconds (u64 big-endian; values stay below 2^53)
 */
import type { ClockPort } from '../ports.js';
import type { RecordLog } from '../storage/record-log.js';

export const PERSIST_EVERY_MS = 60_000;
const VERSION = 1;

export function encodeMs(ms: number): Uint8Array {
  const out = new Uint8Array(8);
  let v = Math.max(0, Math.floor(ms));
  for (let i = 7; i >= 0; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

export function decodeMs(b: Uint8Array, at = 0): number {
  let v = 0;
  for (let i = 0; i < 8; i++) v = v * 256 + b[at + i];
  return v;
}

export class DeviceClock {
  private base = 0;
  private bootUptime = 0;
  private persisted = 0;

  constructor(private readonly log: RecordLog, private readonly key: number, private readonly uptime: Pick<ClockPort, 'now'>) {}

  /** Resume from flash (after the record log is mounted). */
  load(): void {
    const raw = this.log.get(this.key);
    this.base = raw && raw.length === 9 && raw[0] === VERSION ? decodeMs(raw, 1) : 0;
    this.persisted = this.base;
    this.bootUptime = this.uptime.now();
  }

  /** Device time now, in ms. */
  now(): number {
    return this.base + Math.max(0, this.uptime.now() - this.bootUptime);
  }

  /** Write the clock if a minute has passed since it was last written (call from the tick). */
  persistIfDue(): boolean {
    if (this.now() - this.persisted < PERSIST_EVERY_MS) return false;
    this.persist();
    return true;
  }

  persist(): void {
    const now = this.now();
    const record = new Uint8Array(9);
    record[0] = VERSION;
    record.set(encodeMs(now), 1);
    this.log.set(this.key, record);
    this.persisted = now;
  }
}
