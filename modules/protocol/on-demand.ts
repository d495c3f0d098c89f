/**
 * Methods whose code loads on their first request instead of at boot. A method family that pulls in a heavy
 * library (btc_*: @scure/btc-signer, about 430 KB of XS memory made when its modules load) registers its names at
 * boot with `registerOnDemand`, and `load` brings the code when a request first needs it.
 *
 * `load` may answer at once (the tests hand the methods over directly) or with a promise (a dynamic `import()` on
 * the board and in the simulators). While a promise is pending the request is the one in flight, exactly like a
 * request that waits for the owner: every other request gets `busy`, `cancel` withdraws it, and a session that
 * ends withdraws it; the method then runs with the same request, and its own `later()` takes over the same
 * answer. A load that fails answers `internal-error` and the next request tries again. XS keeps a module once it
 * has loaded (there is no unloading): the memory is paid from the first such request until the next reboot.
 */
import { LatchError } from '../errors.js';
import { fail, type MethodContext, type MethodSpec, type RpcReply, type RpcServer } from './rpc.js';

export type MethodTable = Record<string, MethodSpec>;

/** What loads the methods: the table itself, or a promise of it (dynamic import). */
export type MethodLoader = () => MethodTable | Promise<MethodTable>;

function isPromise<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown })?.then === 'function';
}

function failedWith(err: unknown): RpcReply {
  const why = (err as Error)?.message ?? String(err);
  // the same codes the session gives a method that throws while it answers at once (session-responder.ts)
  return fail(err instanceof LatchError ? 'device-fault' : 'internal-error', `the device could not complete the request: ${why}`);
}

export function registerOnDemand(rpc: RpcServer, names: readonly string[], load: MethodLoader): void {
  let table: MethodTable | undefined;
  let loading: Promise<MethodTable> | undefined;
  const spec = (name: string): MethodSpec => {
    const s = table![name];
    if (!s) throw new LatchError('internal', `the loaded methods do not include ${name}`);
    return s;
  };
  const bring = (): MethodTable | Promise<MethodTable> => {
    if (loading) return loading;
    const got = load();
    if (!isPromise(got)) return (table = got);
    loading = got.then((t) => (table = t), (err) => {
      loading = undefined; // the next request tries again
      throw err;
    });
    return loading;
  };
  for (const name of names) {
    rpc.register(name, {
      run: (params, m) => {
        if (table) return spec(name).run(params, m);
        const got = bring();
        if (!isPromise(got)) return spec(name).run(params, m);
        let withdrawn = false;
        let onCancel: (() => void) | undefined;
        const answer = m.later(() => {
          withdrawn = true;
          onCancel?.();
        });
        got.then(() => {
          if (withdrawn) return;
          const same: MethodContext = {
            appLabel: m.appLabel,
            later: (cancel) => {
              onCancel = cancel;
              return answer;
            },
          };
          let reply: RpcReply | undefined;
          try {
            reply = spec(name).run(params, same);
          } catch (err) {
            reply = failedWith(err);
          }
          if (reply) answer(reply);
        }, (err) => {
          if (!withdrawn) answer(failedWith(err));
        });
        return undefined;
      },
    });
  }
}
