/**
 * The vault's attempt limits, in one place: the PIN's (10 tries, delays after the 4th), the binding code's
 * lock-out, and when the rollback counter's warning shows (head.ts: every PIN attempt burns one of its bits).
 */

export const MAX_PIN_ATTEMPTS = 10;
/** the screen warns when this many tries or fewer remain */
export const WARN_REMAINING = 3;
/** the locked screen warns when this many rollback-counter bits (about as many PIN entries) or fewer remain */
export const COUNTER_LOW = 20;
/** binding is refused for a while after this many consecutive failed attempts */
export const BIND_FREE_ATTEMPTS = 5;
/** the longest a binding lock-out lasts */
export const MAX_BIND_DELAY_MS = 3_600_000;

/** Why a spent rollback counter takes no PIN attempt and makes no wallet (README: the eFuse budget). */
export const COUNTER_SPENT_MESSAGE = 'this device\'s rollback counter (eFuse) is spent: a PIN attempt can no longer be counted where a flash clip cannot undo it, so none is taken. Restore your wallet from its recovery words on another device';

/** Lock-out after `failures` consecutive failed binding attempts: 30 s after the 5th, doubling, at most an hour. */
export function bindDelayMs(failures: number): number {
  if (failures < BIND_FREE_ATTEMPTS) return 0;
  return Math.min(MAX_BIND_DELAY_MS, 30_000 * Math.pow(2, Math.min(failures - BIND_FREE_ATTEMPTS, 16)));
}

/** Wait before the next attempt after `failures` consecutive wrong PINs. */
export function pinDelayMs(failures: number): number {
  return failures <= 3 ? 0 : 1000 * Math.pow(2, failures - 3);
}
