/**
 * CBOR RPC inside a session: `{id, method, params}` -> `{id, result}` or `{id, error: {code, message}}`.
 * Methods: ping, get_info, get_binding_state, request_factory_reset (the device asks its user on the screen).
 */
export interface RpcContext {
  appLabel: string;
  info(): { firmware: string; protocol: number; deviceId: string; state: string; platform: string };
  /** show the reset confirmation on the device's screen */
  askReset(appLabel: string): void;
}

type RpcResponse = { id: unknown; result: unknown } | { id: unknown; error: { code: string; message: string } };

const METHODS = ['ping', 'get_info', 'get_binding_state', 'request_factory_reset'];

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Map);
}

export function handleRpc(request: unknown, ctx: RpcContext): RpcResponse {
  const fail = (id: unknown, code: string, message: string): RpcResponse => ({ id, error: { code, message } });
  if (!isPlainObject(request)) return fail(null, 'bad-request', 'a request is a CBOR map {id, method, params}');
  const id = request.id;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > 0xffffffff) return fail(null, 'bad-request', '"id" must be a whole number from 0 to 2^32-1');
  const method = request.method;
  if (typeof method !== 'string') return fail(id, 'bad-request', '"method" must be a string');
  const params = request.params ?? {};
  if (!isPlainObject(params)) return fail(id, 'bad-params', '"params" must be a map when present');
  switch (method) {
    case 'ping': {
      const echo = params.echo;
      if (echo !== undefined && !(echo instanceof Uint8Array && echo.length <= 1024) && !(typeof echo === 'string' && echo.length <= 1024)) {
        return fail(id, 'bad-params', '"echo" must be bytes or a string of at most 1024');
      }
      return { id, result: { pong: true, ...(echo !== undefined ? { echo } : {}) } };
    }
    case 'get_info':
      if (Object.keys(params).length) return fail(id, 'bad-params', 'get_info takes no params');
      return { id, result: ctx.info() };
    case 'get_binding_state':
      if (Object.keys(params).length) return fail(id, 'bad-params', 'get_binding_state takes no params');
      return { id, result: { state: 'bound-to-this-app', label: ctx.appLabel } };
    case 'request_factory_reset':
      if (Object.keys(params).length) return fail(id, 'bad-params', 'request_factory_reset takes no params');
      ctx.askReset(ctx.appLabel);
      return { id, result: { status: 'confirm-on-device' } };
    default:
      return fail(id, 'unknown-method', `no method "${method.slice(0, 40)}"; the device offers ${METHODS.join(', ')}`);
  }
}
