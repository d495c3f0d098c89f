/** Clock port: Moddable's millisecond ticks and a repeating Timer. */
import Time from "time";
import Timer from "timer";
import type { ClockPort } from "../modules/ports.js";

export class BoardClock implements ClockPort {
  private readonly start = Time.ticks;
  now(): number {
    return Time.ticks - this.start;
  }
  tick(intervalMs: number, onTick: () => void): void {
    Timer.repeat(() => onTick(), intervalMs);
  }
}
