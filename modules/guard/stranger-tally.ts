/**
 * Bind requests coalesced (issue 18): anyone in radio range can send them, with no key and no code, and each one
 * used to be an event of its own, so a flood pushed what mattered out of the log and wore the flash. They are
 * counted here (in RAM) and written as one "bind-requested" event with the count, the first and last device time
 * and the last app name: at most once per TALLY_INTERVAL_MS, or just before any other event (so the log's order
 * stays true). Wrong codes are not coalesced: the binding lock-out (vault.ts) already bounds them to about one an
 * hour once it has grown.
 */

/** the most often a stranger can make the device write a tally */
export const TALLY_INTERVAL_MS = 5 * 60_000;

export interface TallyDetails {
  count: number;
  first: number;
  last: number;
  app: string;
  /** how many were refused at once, by why (frozen, locked) */
  refused?: Record<string, number>;
}

export class StrangerTally {
  private pending: TallyDetails | undefined;
  private lastWritten = -Infinity;

  /** a bind request came in at device time `at` */
  note(at: number, app: string, refused?: string): void {
    const p = this.pending ?? (this.pending = { count: 0, first: at, last: at, app });
    p.count++;
    p.last = at;
    p.app = app;
    if (refused) (p.refused ??= {})[refused] = (p.refused[refused] ?? 0) + 1;
  }

  get waiting(): boolean {
    return this.pending !== undefined;
  }

  /** The tally to write now, if one is due at `now` (or `force`: another event is about to be written). */
  take(now: number, force = false): TallyDetails | undefined {
    const p = this.pending;
    if (!p || (!force && now - this.lastWritten < TALLY_INTERVAL_MS)) return undefined;
    this.pending = undefined;
    this.lastWritten = now;
    return p;
  }
}
