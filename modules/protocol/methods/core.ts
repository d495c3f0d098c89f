/** The session's basic methods: ping, get_info, get_binding_state, request_factory_reset. */
import { fail, ok, onlyParams, type RpcServer } from '../rpc.js';

export interface DeviceInfo {
  firmware: string;
  protocol: number;
  deviceId: string;
  state: string;
  platform: string;
}

export interface CoreContext {
  info(): DeviceInfo;
  /** put the reset confirmation on the screen, or queue it while the owner is busy */
  askReset(appLabel: string): 'shown' | 'waiting' | 'busy';
}

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
      const outcome = ctx.askReset(m.appLabel);
      if (outcome === 'busy') return fail('busy', 'the owner is using the device and another request is already waiting: try again later');
      return ok({ status: outcome === 'shown' ? 'confirm-on-device' : 'waiting-for-owner' });
    },
  });
}
