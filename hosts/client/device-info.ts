/**
 * What `latch info` and `latch status` print of get_info's answer: each field on its line, the rollback counter
 * (README: the eFuse budget) in words, as the owner needs it to plan moving the wallet before the bits run out.
 */

/** The rollback counter as get_info gives it (modules/protocol/methods/core.ts); absent from older firmware. */
export interface RollbackCounterInfo {
  counted: boolean;
  spent: boolean;
  low: boolean;
  bitsLeft?: number;
}

/** One line on the rollback counter, or undefined when the firmware does not report one. */
export function describeRollbackCounter(c: unknown): string | undefined {
  if (typeof c !== 'object' || c === null) return undefined;
  const { counted, spent, low, bitsLeft } = c as Partial<RollbackCounterInfo>;
  if (counted !== true) return 'rollback counter: none on this board (retired records are caught, an older flash image programmed back is not)';
  if (spent) return 'rollback counter: spent (the device takes no PIN: restore the wallet from its recovery words on another device; Reset on the device erases it)';
  if (typeof bitsLeft !== 'number') return undefined;
  if (low) return `rollback counter: ${bitsLeft} ${bitsLeft === 1 ? 'bit' : 'bits'} left (one per PIN entry): move the wallet to another device soon`;
  return `rollback counter: at least ${bitsLeft} bits left (one per PIN entry)`;
}

/** get_info's answer, a field a line (the rollback counter in words). */
export function describeInfo(info: Record<string, unknown>): string {
  return Object.entries(info).map(([k, v]) => {
    if (k === 'rollbackCounter') return describeRollbackCounter(v) ?? `rollbackCounter: ${JSON.stringify(v)}`;
    return `${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`;
  }).join('\n');
}
