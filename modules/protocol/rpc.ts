/**
 * CBOR RPC inside a session.
 *   app -> device   {id, method, params?, time?}       time: the app's Unix time (seconds), for verification codes
 *   device -> app   {id, result} | {id, error: {code, message}}     one answer per request
 *   device -> app   {notify, data}                                  unasked notices (no id)
 *
 * Methods are registered by name. A method answers at once, or takes the request's `later()` answer function
 * and answers when the owner has decided on the device: then it is the request in flight, and until it is
 * answered every other request gets `busy`, except the methods marked `anytime` (ping, cancel, and later the
 * emergency stop). `cancel` withdraws the request in flight.
 */
import { isPlainObject } from '../plain.js';

export interface RpcErrorBody {
  code: string;
  message: string;
}

export type RpcReply = { result: unknown } | { error: RpcErrorBody };
export type RpcResponse = { id: unknown; result: unknown } | { id: unknown; error: RpcErrorBody };

export interface MethodContext {
  readonly appLabel: string;
  /** Take over answering this request; returns the function that answers it (once). */
  later(onCancel?: () => void): (reply: RpcReply) => void;
}

export interface MethodSpec {
  run(params: Record<string, unknown>, m: MethodContext): RpcReply | undefined;
  /** may run while another request waits for the owner */
  anytime?: boolean;
}

export function fail(code: string, message: string): { error: RpcErrorBody } {
  return { error: { code, message } };
}

export function ok(result: unknown): { result: unknown } {
  return { result };
}

/**
 * The answer to a request that needs the wallet open, when it is not: `no-wallet` on a device that has none yet
 * (bound, but not set up), `locked` on one whose wallet waits for its PIN, `counter-spent` on one that takes no PIN
 * any more (its eFuse rollback counter is spent).
 */
export function walletClosed(wallet: { readonly hasWallet: boolean; readonly isUnlocked: boolean; readonly counterSpent?: boolean }): { error: RpcErrorBody } | undefined {
  if (wallet.isUnlocked) return undefined;
  // the rollback counter is spent: no PIN is taken any more, so "unlock it" would be no answer (vault/head.ts)
  if (wallet.counterSpent) return fail('counter-spent', 'the device\'s rollback counter (eFuse) is spent: it takes no PIN any more; restore the wallet from its recovery words on another device');
  return wallet.hasWallet
    ? fail('locked', 'the device is locked: unlock it with its PIN on the device')
    : fail('no-wallet', 'the device has no wallet yet: set one up on the device (Set up), then ask again');
}

export { isPlainObject };

/** Params a method does not know are refused, so typos and newer clients get a clear answer. */
export function onlyParams(params: Record<string, unknown>, allowed: string[]): { error: RpcErrorBody } | undefined {
  for (const k of Object.keys(params)) {
    if (!allowed.includes(k)) return fail('bad-params', allowed.length ? `unknown param "${k.slice(0, 40)}"; this method takes ${allowed.join(', ')}` : 'this method takes no params');
  }
  return undefined;
}

interface InFlight {
  id: number;
  method: string;
  onCancel?: () => void;
}

export class RpcServer {
  private readonly methods = new Map<string, MethodSpec>();
  private inFlight: InFlight | undefined;
  /** hears the app's claimed Unix time from each request that carries one (guard/world-time.ts) */
  onTime: ((unixSeconds: number) => void) | undefined;
  /** hears the session end (disconnect, idle, lock): state kept between two requests is dropped then */
  onClose: (() => void) | undefined;

  constructor(private readonly send: (response: RpcResponse) => void) {
    this.register('cancel', {
      anytime: true,
      run: (params) => {
        const bad = onlyParams(params, []);
        if (bad) return bad;
        if (!this.inFlight) return fail('nothing-to-cancel', 'no request is waiting for the owner');
        const f = this.inFlight;
        this.inFlight = undefined;
        f.onCancel?.();
        this.send({ id: f.id, error: { code: 'cancelled', message: `${f.method} was cancelled by the app` } });
        return ok({ cancelled: f.method });
      },
    });
  }

  register(name: string, spec: MethodSpec): void {
    this.methods.set(name, spec);
  }

  get names(): string[] {
    return [...this.methods.keys()].sort();
  }

  get busyWith(): string | undefined {
    return this.inFlight?.method;
  }

  /** Handle one decoded request; the answer goes out through `send` (now, or later for waiting methods). */
  handle(request: unknown, appLabel: string): void {
    if (!isPlainObject(request)) return this.send({ id: null, error: { code: 'bad-request', message: 'a request is a CBOR map {id, method, params}' } });
    const id = request.id;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > 0xffffffff) return this.send({ id: null, error: { code: 'bad-request', message: '"id" must be a whole number from 0 to 2^32-1' } });
    const method = request.method;
    if (typeof method !== 'string') return this.send({ id, error: { code: 'bad-request', message: '"method" must be a string' } });
    const params = request.params ?? {};
    if (!isPlainObject(params)) return this.send({ id, error: { code: 'bad-params', message: '"params" must be a map when present' } });
    if (request.time !== undefined) {
      if (typeof request.time !== 'number' || !Number.isFinite(request.time)) return this.send({ id, error: { code: 'bad-request', message: '"time" must be the app\'s Unix time in seconds' } });
      this.onTime?.(request.time);
    }
    const spec = this.methods.get(method);
    if (!spec) return this.send({ id, error: { code: 'unknown-method', message: `no method "${method.slice(0, 40)}"; the device offers ${this.names.join(', ')}` } });
    if (this.inFlight && !spec.anytime) {
      return this.send({ id, error: { code: 'busy', message: `the device is waiting for its owner on ${this.inFlight.method}: one request at a time (cancel it, or wait)` } });
    }
    let deferred = false;
    const m: MethodContext = {
      appLabel,
      later: (onCancel) => {
        deferred = true;
        const flight: InFlight = { id, method, onCancel };
        this.inFlight = flight;
        return (reply) => {
          if (this.inFlight !== flight) return; // cancelled, or the session ended
          this.inFlight = undefined;
          this.send({ id, ...reply });
        };
      },
    };
    const reply = spec.run(params, m);
    if (reply) {
      if (deferred) this.inFlight = undefined;
      this.send({ id, ...reply });
    }
  }

  /** The session ended: the request in flight (if any) is withdrawn. */
  close(): void {
    const f = this.inFlight;
    this.inFlight = undefined;
    f?.onCancel?.();
    this.onClose?.();
  }
}
