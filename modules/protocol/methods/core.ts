/** The session's basic methods: ping, get_info, get_binding_state, request_factory_reset. */
import { fail, ok, onlyParams, type RpcReply, type RpcServer } from '../rpc.js';
import type { ResetOutcome } from '../../app/reset.js';

export interface DeviceInfo {
  firmware: string;
  protocol: number;
  deviceId: string;
  state: string;
  platform: string;
  rollbackCounter: RollbackCounterInfo;
  /** the active wallet's master fingerprint (8 hex digits), while unlocked: the standard or a passphrase wallet */
  fingerprint?: string;
}

/** The eFuse rollback counter as the bound app sees it (README: the eFuse budget). */
export interface RollbackCounterInfo {
  /** a counter stands behind the vault (false: a board with none, where rolled-back flash images go unseen) */
  counted: boolean;
  /** every bit burned: the device takes no PIN and makes no wallet */
  spent: boolean;
  /** `bitsLeft` is exact: at most `lowAt` bits are left (the device warns on its screen too) */
  low: boolean;
  /** bits left: exact when low, else rounded down to a multiple of 10; absent without a counter */
  bitsLeft?: number;
}

/**
 * Bits left are rounded down to tens until they run low. Each PIN entry burns one, so an exact count read twice
 * tells whoever holds the bound phone (a thief, say) whether and how often the owner unlocked the device in
 * between; tens blur that while still telling the owner how far there is to go. Once low, the owner needs the
 * exact number to plan moving the wallet, and the device's own screen shows it then anyway.
 */
export function rollbackCounterInfo(remaining: number, lowAt: number): RollbackCounterInfo {
  if (remaining === Infinity) return { counted: false, spent: false, low: false };
  const low = remaining <= lowAt;
  return { counted: true, spent: remaining === 0, low, bitsLeft: low ? remaining : Math.floor(remaining / 10) * 10 };
}

export interface CoreContext {
  info(): DeviceInfo;
  /** put the reset confirmation on the screen, or queue it while the owner is busy; `answer` hears the outcome once */
  askReset(appLabel: string, answer: (outcome: ResetOutcome) => void): 'shown' | 'waiting' | 'busy' | 'counter-spent';
  /** the app withdrew its reset request (cancel, or the session ended) */
  withdrawReset(): void;
}

/** What the app hears for each outcome of its reset request. */
const RESET_REPLIES: Record<ResetOutcome, RpcReply> = {
  'erased': ok({ status: 'erased' }),
  'refused': fail('refused', 'the owner refused the reset on the device: nothing was erased'),
  'wrong-pin': fail('refused', 'a wrong PIN was entered on the device: nothing was erased'),
  'timeout': fail('timeout', 'nobody confirmed the reset on the device in time: nothing was erased'),
};

export function registerCoreMethods(rpc: RpcServer, ctx: CoreContext): void {
  rpc.register('ping', {
    anytime: true,
    run: (params) => {
      const bad = onlyParams(params, ['echo']);
      if (bad) return bad;
      const echo = params.echo;
      if (echo !== undefined && !(echo instanceof Uint8Array && echo.length <= 1024) && !(typeof echo === 'string' && echo.length <= 1024)) {
        return fail('bad-params', '"echo" must be bytes or a string of at most 1024');
      }
      return ok({ pong: true, ...(echo !== undefined ? { echo } : {}) });
    },
  });
  rpc.register('get_info', { anytime: true, run: (params) => onlyParams(params, []) ?? ok(ctx.info()) });
  rpc.register('get_binding_state', {
    run: (params, m) => onlyParams(params, []) ?? ok({ state: 'bound-to-this-app', label: m.appLabel }),
  });
  rpc.register('request_factory_reset', {
    run: (params, m) => {
      const bad = onlyParams(params, []);
      if (bad) return bad;
      // The answer waits for the owner (the app hears confirm-on-device or waiting-for-owner meanwhile).
      let answer: ((reply: RpcReply) => void) | undefined;
      const outcome = ctx.askReset(m.appLabel, (o) => answer?.(RESET_REPLIES[o]));
      if (outcome === 'busy') return fail('busy', 'the owner is using the device and another request is already waiting: try again later');
      if (outcome === 'counter-spent') return fail('counter-spent', 'the device\'s rollback counter (eFuse) is spent, so it cannot check the PIN an app\'s reset needs: press Reset on the device itself (no PIN needed there), then restore the wallet from its recovery words');
      answer = m.later(() => ctx.withdrawReset());
      return undefined;
    },
  });
}
