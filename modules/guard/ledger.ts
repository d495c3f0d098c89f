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
/**
 * 32 entries of at most 16 assets: the record stays under 2.3 KB in the worst case (16 token assets of 48
 * characters, 32 amounts of 32 bytes), inside one 4 KiB flash sector with room to spare.
 */
export const MAX_ENTRIES = 32;

export interface Spend {
  asset: string;
  /** device time of signing, ms */
  at: number;
  amount: bigint;
  /** the wallet that signed (its fingerprint); absent in records written before rules per wallet */
  wallet?: string;
  /** counted for that wallet's own rules; otherwise for the rules of every wallet */
  scoped?: boolean;
}

/** Which rules a spend is counted for: the rules of every wallet, or one wallet's own. */
export type Scope = { wallet: string; scoped: boolean };

export class SpendLedger {
  constructor(private entries: Spend[] = []) {}

  get all(): readonly Spend[] {
    return this.entries;
  }

  /**
   * The entries one scope's limits count: every wallet's signatures for the rules of every wallet (`undefined`);
   * that wallet's for its own rules, plus every entry from before rules per wallet (it names no wallet: counted
   * for each wallet's rules, the conservative reading).
   */
  scope(wallet: string | undefined): SpendLedger {
    return new SpendLedger(this.entries.filter((e) => wallet === undefined
      ? !e.scoped
      : e.wallet === undefined || (e.scoped === true && e.wallet === wallet)));
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
  with(spends: { asset: string; amount: bigint; scope?: Scope }[], now: number, limited: (e: Spend) => boolean): SpendLedger {
    const next = this.entries.filter((e) => e.at > now - DAY_MS && limited(e)).map((e) => ({ ...e }));
    for (const s of spends) {
      if (s.amount > 0n) next.push({ asset: s.asset, at: now, amount: s.amount, ...(s.scope ? { wallet: s.scope.wallet, scoped: s.scope.scoped } : {}) });
    }
    while (next.length > MAX_ENTRIES) merge(next);
    return new SpendLedger(next);
  }

  /** Compact form for the record: each asset named once, amounts as big-endian bytes. */
  toPlain(): unknown[] {
    const assets = [...new Set(this.entries.map((e) => e.asset))];
    return [assets, this.entries.map((e) => [assets.indexOf(e.asset), e.at, amountBytes(e.amount), ...(e.wallet !== undefined ? [e.wallet, e.scoped ? 1 : 0] : [])])];
  }

  static fromPlain(v: unknown): SpendLedger {
    const damaged = () => new LatchError('record-damaged', 'the spend ledger record is damaged');
    if (!Array.isArray(v) || v.length !== 2 || !Array.isArray(v[0]) || !Array.isArray(v[1])) throw damaged();
    const assets = v[0] as unknown[];
    if (!assets.every((a) => typeof a === 'string')) throw damaged();
    return new SpendLedger((v[1] as unknown[]).map((e) => {
      if (!Array.isArray(e) || (e.length !== 3 && e.length !== 5) || typeof e[0] !== 'number' || typeof assets[e[0]] !== 'string' || typeof e[1] !== 'number' || !(e[2] instanceof Uint8Array) || e[2].length > 32) throw damaged();
      let amount = 0n;
      for (const b of e[2]) amount = (amount << 8n) | BigInt(b);
      if (e.length === 3) return { asset: assets[e[0]] as string, at: e[1], amount }; // written before rules per wallet
      if (typeof e[3] !== 'string' || (e[4] !== 0 && e[4] !== 1)) throw damaged();
      return { asset: assets[e[0]] as string, at: e[1], amount, wallet: e[3], scoped: e[4] === 1 };
    }));
  }
}

/** The budget an entry counts against: its asset in the rules of every wallet, or in one wallet's own. */
function budget(e: Spend): string {
  return e.scoped ? `${e.wallet}/${e.asset}` : e.wallet === undefined ? `?/${e.asset}` : `/${e.asset}`;
}

/**
 * Merge the two oldest entries of the budget with the most entries (the later time wins: conservative). Every
 * budget is a rule's (at most MAX_RULES), or an old entry's asset, so one with two entries always exists.
 */
function merge(entries: Spend[]): void {
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(budget(e), (counts.get(budget(e)) ?? 0) + 1);
  let key = '';
  let most = 0;
  for (const [k, n] of counts) if (n > most) { key = k; most = n; }
  const mine = entries.filter((e) => budget(e) === key).sort((x, y) => x.at - y.at);
  const [a, b] = mine;
  b.amount += a.amount;
  entries.splice(entries.indexOf(a), 1);
}

function amountBytes(n: bigint): Uint8Array {
  const out: number[] = [];
  for (let v = n; v > 0n; v >>= 8n) out.unshift(Number(v & 0xffn));
  return Uint8Array.from(out);
}
