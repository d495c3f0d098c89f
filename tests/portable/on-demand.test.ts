// Methods whose code loads on the first request (protocol/on-demand.ts; the btc_* methods use it so boot does not
// load @scure/btc-signer): the request waits as the one in flight, the app cannot slip another past it, cancel and
// a closed session withdraw it, a failed load answers and is retried, and the code loads once.
import test from 'ava';
import { RpcServer, ok, type RpcResponse } from '../../modules/protocol/rpc.js';
import { registerOnDemand, type MethodTable } from '../../modules/protocol/on-demand.js';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

/** a few turns of the job queue: enough for a settled load and the `then` after it */
const settle = async () => { for (let i = 0; i < 5; i++) await Promise.resolve(); };

function server() {
  const out: RpcResponse[] = [];
  const rpc = new RpcServer((r) => void out.push(r));
  rpc.register('ping', { anytime: true, run: () => ok({ pong: true }) });
  rpc.register('other', { run: () => ok('other') });
  const call = (request: unknown) => { rpc.handle(request, 'Phone'); return out.pop() as any; };
  return { rpc, out, call };
}

/** answers the last `wait` request (as the owner deciding on the device would) */
let answerWait: () => void = () => {};

const table = (log: string[]): MethodTable => ({
  now: { run: (params) => { log.push(`now ${JSON.stringify(params)}`); return ok({ answered: params.x }); } },
  wait: {
    run: (_params, m) => {
      const answer = m.later(() => log.push('wait withdrawn'));
      log.push('wait started');
      answerWait = () => answer(ok('decided'));
      return undefined;
    },
  },
  boom: { run: () => { throw new Error('the method broke'); } },
});

test('the first request waits for the load as the request in flight; then the method answers it', async (t) => {
  const { rpc, out, call } = server();
  const log: string[] = [];
  const load = deferred<MethodTable>();
  let loads = 0;
  registerOnDemand(rpc, ['now', 'wait', 'boom'], () => { loads++; return load.promise; });
  t.true(rpc.names.includes('now'), 'the names are offered before the code is loaded');
  t.is(call({ id: 1, method: 'now', params: { x: 5 } }), undefined, 'no answer before the code is there');
  t.is(rpc.busyWith, 'now');
  t.is(call({ id: 2, method: 'other' }).error.code, 'busy', 'another request cannot slip past the load');
  t.is(call({ id: 3, method: 'now' }).error.code, 'busy');
  t.deepEqual(call({ id: 4, method: 'ping' }), { id: 4, result: { pong: true } });
  load.resolve(table(log));
  await settle();
  t.deepEqual(out, [{ id: 1, result: { answered: 5 } }]);
  t.deepEqual(log, ['now {"x":5}']);
  t.is(rpc.busyWith, undefined);
  // loaded: the next requests answer at once, and nothing loads again
  t.deepEqual(call({ id: 5, method: 'now', params: { x: 6 } }), { id: 5, result: { answered: 6 } });
  t.is(loads, 1);
});

test('a method that waits for the owner after the load keeps the same request in flight', async (t) => {
  const { rpc, out, call } = server();
  const log: string[] = [];
  registerOnDemand(rpc, ['now', 'wait'], () => Promise.resolve(table(log)));
  t.is(call({ id: 1, method: 'wait' }), undefined);
  await settle();
  t.deepEqual(log, ['wait started']);
  t.is(rpc.busyWith, 'wait');
  t.is(call({ id: 2, method: 'now' }).error.code, 'busy');
  // cancel reaches the method's own onCancel, and the late answer goes nowhere
  t.deepEqual(call({ id: 3, method: 'cancel' }), { id: 3, result: { cancelled: 'wait' } });
  t.deepEqual(out.pop(), { id: 1, error: { code: 'cancelled', message: 'wait was cancelled by the app' } });
  t.deepEqual(log, ['wait started', 'wait withdrawn']);
  answerWait();
  t.deepEqual(out, []);
});

test('cancelled while loading: the method never runs; a closed session withdraws it too', async (t) => {
  const { rpc, out, call } = server();
  const log: string[] = [];
  const load = deferred<MethodTable>();
  registerOnDemand(rpc, ['now'], () => load.promise);
  call({ id: 1, method: 'now', params: { x: 1 } });
  t.is(call({ id: 2, method: 'cancel' }).result.cancelled, 'now');
  t.is(out.pop()!.id, 1);
  call({ id: 3, method: 'now', params: { x: 3 } });
  rpc.close();
  load.resolve(table(log));
  await settle();
  t.deepEqual(log, [], 'neither withdrawn request ran');
  t.deepEqual(out, []);
  t.is(rpc.busyWith, undefined);
});

test('a load that fails answers internal-error and the next request loads again', async (t) => {
  const { rpc, out, call } = server();
  const log: string[] = [];
  let loads = 0;
  registerOnDemand(rpc, ['now'], () => (++loads === 1 ? Promise.reject(new Error('no such module')) : Promise.resolve(table(log))));
  call({ id: 1, method: 'now', params: { x: 1 } });
  await settle();
  t.deepEqual(out.pop(), { id: 1, error: { code: 'internal-error', message: 'the device could not complete the request: no such module' } });
  t.is(rpc.busyWith, undefined);
  call({ id: 2, method: 'now', params: { x: 2 } });
  await settle();
  t.deepEqual(out.pop(), { id: 2, result: { answered: 2 } });
  t.is(loads, 2);
});

test('a method that throws after the load answers internal-error instead of losing the request', async (t) => {
  const { rpc, out, call } = server();
  registerOnDemand(rpc, ['boom'], () => Promise.resolve(table([])));
  call({ id: 1, method: 'boom' });
  await settle();
  t.deepEqual(out.pop(), { id: 1, error: { code: 'internal-error', message: 'the device could not complete the request: the method broke' } });
  t.is(rpc.busyWith, undefined);
});

test('a loader that answers at once runs the method at once (how the tests hand btc_* over)', (t) => {
  const { rpc, call } = server();
  const log: string[] = [];
  registerOnDemand(rpc, ['now'], () => table(log));
  t.deepEqual(call({ id: 1, method: 'now', params: { x: 9 } }), { id: 1, result: { answered: 9 } });
});
