/**
 * What was signed, per asset, over the last 24 hours of device time: the spend ledger the daily limits are
 * checked against. An entry is written (and read back) before the signature leaves the device, so a power cut
 * may lose a signature but never the record of one.
 *
 * Bounded: at most MAX_ENTRIES entries; entries older than 24 h are dropped at each write; when the ledger is
 * full the two oldest entries of one asset become one entry with their sum at the *later* time. Merging only
 * ever counts spending for longer, never shorter, so the limit still holds in every 24-hour window.
 */
import { LatchError } from '../errors.js';

export const DAY_MS = 24 * 60 * 60 * 1000;
export const MAX_ENTRIES = 48;

export interface Spend {
  asset: string;
  /** device time of signing, ms */
  at: number;
  amount: bigint;
}

export class SpendLedger {
  constructor(private entries: Spend[] = []) {}

  get all(): readonly Spend[] {
    return this.entries;
  }

  /** Spent on `asset` in the 24 hours up to `now` (entries within (now - 24 h, now]). */
  spent(asset: string, now: number): bigint {
    let sum = 0n;
    for (const e of this.entries) if (e.asset === asset && e.at > now - DAY_MS) sum += e.amount;
    return sum;
  }

  /** When the oldest spend of `asset` still counted leaves the window (ms of device time), if any. */
  nextRelease(asset: string, now: number): number | undefined {
    let oldest: number | undefined;
    for (const e of this.entries) if (e.asset === asset && e.at > now - DAY_MS && (oldest === undefined || e.at < oldest)) oldest = e.at;
    return oldest === undefined ? undefined : oldest + DAY_MS;
  }

  /**
   * A new ledger with `spends` added at `now`: entries older than 24 h, and of assets no rule limits any more,
   * dropped; then merged to fit (at most MAX_RULES limited assets, so an asset with two entries always exists).
   */
  with(spends: { asset: string; amount: bigint }[], now: number, limited: (asset: string) => boolean): SpendLedger {
    const next = this.entries.filter((e) => e.at > now - DAY_MS && limited(e.asset)).map((e) => ({ ...e }));
    for (const s of spends) if (s.amount > 0n) next.push({ asset: s.asset, at: now, amount: s.amount });
    while (next.length > MAX_ENTRIES) merge(next);
    return new SpendLedger(next);
  }

  toPlain(): unknown[] {
    return this.entries.map((e) => [e.asset, e.at, e.amount.toString()]);
  }

  static fromPlain(v: unknown): SpendLedger {
    if (!Array.isArray(v)) throw new LatchError('record-damaged', 'the spend ledger is not a list');
    return new SpendLedger(v.map((e) => {
      if (!Array.isArray(e) || e.length !== 3 || typeof e[0] !== 'string' || typeof e[1] !== 'number' || typeof e[2] !== 'string' || !/^[0-9]+$/.test(e[2])) {
        throw new LatchError('record-damaged', 'a spend ledger entry is damaged');
      }
      return { asset: e[0], at: e[1], amount: BigInt(e[2]) };
    }));
  }
}

/** Merge the two oldest entries of the asset with the most entries (the later time wins: conservative). */
function merge(entries: Spend[]): void {
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(e.asset, (counts.get(e.asset) ?? 0) + 1);
  let asset = '';
  let most = 0;
  for (const [a, n] of counts) if (n > most) { asset = a; most = n; }
  const mine = entries.filter((e) => e.asset === asset).sort((x, y) => x.at - y.at);
  const [a, b] = mine;
  b.amount += a.amount;
  entries.splice(entries.indexOf(a), 1);
}
