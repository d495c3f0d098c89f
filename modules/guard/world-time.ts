/**
 * The time of the world, as the bound app tells it: the device has no battery-backed clock and no network.
 * Apps send their Unix time with their requests (the RPC envelope's `time`; a new app also with its bind
 * confirmation); the device keeps the latest value and the device-clock moment it arrived, and estimates "now"
 * from the two. It is used only to know which time step is current: for the verification codes, and for the
 * codes the authenticator shows. Nothing the guard enforces is measured on it (limits, waits and expiries run on
 * the device clock, which an app cannot move), and a verification code for a step at or before the last one
 * accepted is refused whatever the app claims.
 *
 * Within one power-on the world time moves only with the device clock: the first claim after a boot sets it (an
 * event, so the owner sees what time the device was told), and a later claim more than MAX_AHEAD_S ahead of that
 * first claim plus the device time since is refused (ignored, and recorded as an event). Measuring from the
 * boot's first claim, not the last one, stops an app from creeping ahead two minutes a request. A claim behind is
 * taken (a phone whose clock is late): winding the time back cannot replay a code, since a code is accepted only
 * for a step later than the last one accepted.
 */
import type { DeviceClock } from '../vault/device-clock.js';

/** Unix times the device accepts from an app: from 2020 to 2200 (anything else is an app bug or a lie). */
const EARLIEST = 1_577_836_800;
const LATEST = 7_258_118_400;
/** how far a claim may run ahead of the device clock since the boot's first claim (a phone syncing its clock) */
export const MAX_AHEAD_S = 120;
/** a refused claim is recorded at most this often (device ms): an app repeating it on every request is one event */
const REFUSAL_EVENT_EVERY_MS = 10 * 60_000;

export type WorldTimeEvent = 'world-time-set' | 'world-time-refused';

export class WorldTime {
  private unix: number | undefined;
  private at = 0;
  /** the boot's first claim and when it came: the bound on every later claim */
  private anchor: { unix: number; at: number } | undefined;
  private lastRefusalEvent = -Infinity;

  constructor(
    private readonly clock: DeviceClock,
    private readonly report: (kind: WorldTimeEvent, details: Record<string, unknown>) => void = () => {},
  ) {}

  /** An app's claim of the current Unix time (seconds); out-of-range claims are ignored. True when taken. */
  tell(unixSeconds: unknown, from = 'the bound app'): boolean {
    if (typeof unixSeconds !== 'number' || !Number.isFinite(unixSeconds) || unixSeconds < EARLIEST || unixSeconds > LATEST) return false;
    const now = this.clock.now();
    if (!this.anchor) {
      this.anchor = { unix: unixSeconds, at: now };
      this.unix = unixSeconds;
      this.at = now;
      this.report('world-time-set', { unix: Math.floor(unixSeconds), utc: utcText(unixSeconds), from });
      return true;
    }
    const bound = this.anchor.unix + (now - this.anchor.at) / 1000 + MAX_AHEAD_S;
    if (unixSeconds > bound) {
      if (now - this.lastRefusalEvent >= REFUSAL_EVENT_EVERY_MS) {
        this.lastRefusalEvent = now;
        this.report('world-time-refused', { claimed: utcText(unixSeconds), aheadS: Math.round(unixSeconds - (bound - MAX_AHEAD_S)), from });
      }
      return false;
    }
    this.unix = unixSeconds;
    this.at = now;
    return true;
  }

  /** The estimated Unix time now, or undefined when no app has told the time since boot. */
  now(): number | undefined {
    return this.unix === undefined ? undefined : this.unix + (this.clock.now() - this.at) / 1000;
  }

  /**
   * The world time fixed now, moving on only with the device clock: what a code typed on the device is checked
   * against, whatever an app claims meanwhile. Undefined when no app has told the time.
   */
  fixed(): (() => number) | undefined {
    const unix = this.now();
    if (unix === undefined) return undefined;
    const at = this.clock.now();
    return () => unix + (this.clock.now() - at) / 1000;
  }
}

/** "2027-01-15 08:00:30 UTC" (the civil date from days since 1970, H. Hinnant's algorithm: no host clock read). */
export function utcText(unixSeconds: number): string {
  const t = Math.floor(unixSeconds);
  const days = Math.floor(t / 86_400);
  const secs = t - days * 86_400;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const two = (n: number) => (n < 10 ? `0${n}` : String(n));
  return `${year}-${two(month)}-${two(day)} ${two(Math.floor(secs / 3600))}:${two(Math.floor(secs / 60) % 60)}:${two(secs % 60)} UTC`;
}
