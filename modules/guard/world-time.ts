/**
 * The time of the world, as the bound app last told it: the device has no battery-backed clock and no network.
 * Apps send their Unix time with their requests (the RPC envelope's `time`); the device keeps the latest value
 * and the device-clock moment it arrived, and estimates "now" from the two. It is used only to know which time
 * step is current: for the verification codes, and for the codes the authenticator shows. Nothing the guard
 * enforces is measured on it (limits, waits and expiries run on the device clock, which an app cannot move), and
 * a verification code for a step at or before the last one accepted is refused whatever the app claims.
 */
import type { DeviceClock } from '../vault/device-clock.js';

/** Unix times the device accepts from an app: from 2020 to 2200 (anything else is an app bug or a lie). */
const EARLIEST = 1_577_836_800;
const LATEST = 7_258_118_400;

export class WorldTime {
  private unix: number | undefined;
  private at = 0;

  constructor(private readonly clock: DeviceClock) {}

  /** An app's claim of the current Unix time (seconds); out-of-range claims are ignored. */
  tell(unixSeconds: unknown): void {
    if (typeof unixSeconds !== 'number' || !Number.isFinite(unixSeconds) || unixSeconds < EARLIEST || unixSeconds > LATEST) return;
    this.unix = unixSeconds;
    this.at = this.clock.now();
  }

  /** The estimated Unix time now, or undefined when no app has told the time since boot. */
  now(): number | undefined {
    return this.unix === undefined ? undefined : this.unix + (this.clock.now() - this.at) / 1000;
  }
}
