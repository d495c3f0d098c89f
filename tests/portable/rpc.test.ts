import test from 'ava';
import { decodeCbor, encodeCbor } from '../../modules/protocol/cbor.js';
import { RpcServer, fail, ok, type RpcResponse } from '../../modules/protocol/rpc.js';
import { registerCoreMethods, rollbackCounterInfo } from '../../modules/protocol/methods/core.js';
import type { ResetOutcome } from '../../modules/app/reset.js';

const info = { firmware: '0.3.0', protocol: 1, deviceId: 'ab', state: 'bound', platform: 'test', rollbackCounter: { counted: true, spent: false, low: false, bitsLeft: 90 } };

function server(askReset: () => 'shown' | 'waiting' | 'busy' = () => 'shown') {
  const out: RpcResponse[] = [];
  const resets: string[] = [];
  const reset: { answer?: (o: ResetOutcome) => void; withdrawn: number } = { withdrawn: 0 };
  const rpc = new RpcServer((r) => void out.push(r));
  registerCoreMethods(rpc, {
    info: () => info,
    askReset: (l, answer) => { resets.push(l); reset.answer = answer; return askReset(); },
    withdrawReset: () => { reset.withdrawn++; },
  });
  const call = (request: unknown) => { rpc.handle(request, 'Phone'); return out.pop() as any; };
  return { rpc, out, resets, reset, call };
}

test('maps with many same-length keys round-trip on every engine (cborg + XS sort)', (t) => {
  const value = { id: 7, result: { state: 'x', deviceId: 'y', protocol: 1, firmware: 'f', platform: 'p', abcdefgh: true } };
  t.deepEqual(decodeCbor(encodeCbor(value)), value);
});

test('methods answer, and bad requests get clear errors', (t) => {
  const { call, resets, reset, out } = server();
  t.deepEqual(call({ id: 1, method: 'ping' }), { id: 1, result: { pong: true } });
  t.deepEqual(call({ id: 2, method: 'get_info' }), { id: 2, result: info });
  t.deepEqual(call({ id: 3, method: 'get_binding_state' }), { id: 3, result: { state: 'bound-to-this-app', label: 'Phone' } });
  t.is(call({ id: 4, method: 'request_factory_reset' }), undefined, 'the reset is answered once the owner decides');
  t.deepEqual(resets, ['Phone']);
  reset.answer!('refused');
  t.deepEqual(out.pop(), { id: 4, error: { code: 'refused', message: 'the owner refused the reset on the device: nothing was erased' } });
  const err = (r: any) => r.error.code;
  t.is(err(call({ id: 5, method: 'sign_everything' })), 'unknown-method');
  t.is(err(call({ id: 6, method: 'get_info', params: { x: 1 } })), 'bad-params');
  t.is(err(call({ id: 7, method: 'ping', params: [1] })), 'bad-params');
  t.is(err(call({ id: 8, method: 'ping', params: { echo: 'x'.repeat(2000) } })), 'bad-params');
  t.is(err(call({ id: -1, method: 'ping' })), 'bad-request');
  t.is(err(call({ method: 'ping' })), 'bad-request');
  t.is(err(call({ id: 9, method: 3 })), 'bad-request');
  t.is(err(call([1, 2])), 'bad-request');
  t.is(err(call(undefined)), 'bad-request');
  t.deepEqual(call({ id: 10, method: 'ping', params: { echo: 'hi' } }), { id: 10, result: { pong: true, echo: 'hi' } });
});

test('a reset request waits while the owner is busy, and a second one is refused busy', (t) => {
  let outcome: 'shown' | 'waiting' | 'busy' = 'waiting';
  const { call, out, reset, rpc } = server(() => outcome);
  t.is(call({ id: 1, method: 'request_factory_reset' }), undefined, 'waiting: no answer yet');
  outcome = 'busy';
  t.like(call({ id: 2, method: 'request_factory_reset' }), { id: 2, error: { code: 'busy' } }, 'one request at a time');
  rpc.handle({ id: 3, method: 'cancel' }, 'Phone');
  t.is(reset.withdrawn, 1, 'cancel withdraws it from the device');
  t.like(out.shift(), { id: 1, error: { code: 'cancelled' } });
  reset.answer!('erased');
  t.deepEqual(out, [{ id: 3, result: { cancelled: 'request_factory_reset' } }], 'a withdrawn request is never answered again');
});

test('a reset request answers each outcome once: erased, refused, a wrong PIN, timed out', (t) => {
  const expected: Record<ResetOutcome, unknown> = {
    'erased': { result: { status: 'erased' } },
    'refused': { error: { code: 'refused', message: 'the owner refused the reset on the device: nothing was erased' } },
    'wrong-pin': { error: { code: 'refused', message: 'a wrong PIN was entered on the device: nothing was erased' } },
    'timeout': { error: { code: 'timeout', message: 'nobody confirmed the reset on the device in time: nothing was erased' } },
  };
  for (const [outcome, reply] of Object.entries(expected) as [ResetOutcome, unknown][]) {
    const { call, out, reset } = server();
    t.is(call({ id: 9, method: 'request_factory_reset' }), undefined);
    reset.answer!(outcome);
    reset.answer!('erased');
    t.deepEqual(out, [{ id: 9, ...(reply as object) }], outcome);
  }
});

test('a request waiting for the owner: one at a time, ping still answers, cancel withdraws it', (t) => {
  const { rpc, out, call } = server();
  let answer: ((r: any) => void) | undefined;
  let cancelled = 0;
  rpc.register('slow', { run: (_p, m) => { answer = m.later(() => cancelled++); return undefined; } });
  rpc.handle({ id: 1, method: 'slow' }, 'Phone');
  t.is(out.length, 0, 'no answer yet: the owner is reading');
  t.like(call({ id: 2, method: 'get_binding_state' }), { id: 2, error: { code: 'busy' } });
  t.like(call({ id: 3, method: 'ping' }), { id: 3, result: { pong: true } });
  rpc.handle({ id: 4, method: 'cancel' }, 'Phone');
  t.deepEqual(out.splice(0), [{ id: 1, error: { code: 'cancelled', message: 'slow was cancelled by the app' } }, { id: 4, result: { cancelled: 'slow' } }]);
  t.is(cancelled, 1);
  answer!(ok('late')); // the owner answers after the cancel: nothing goes out
  t.is(out.length, 0);
  t.like(call({ id: 5, method: 'cancel' }), { error: { code: 'nothing-to-cancel' } });
  rpc.handle({ id: 6, method: 'slow' }, 'Phone');
  answer!(fail('refused', 'refused on the device'));
  t.deepEqual(out.pop(), { id: 6, error: { code: 'refused', message: 'refused on the device' } });
});

test('get_info\'s rollback counter: exact once low, in tens before (an exact count read twice tells how often the owner unlocked)', (t) => {
  t.deepEqual(rollbackCounterInfo(Infinity, 20), { counted: false, spent: false, low: false }, 'no counter: no bits to count, none left out as Infinity (CBOR has no place for it)');
  t.deepEqual(rollbackCounterInfo(128, 20), { counted: true, spent: false, low: false, bitsLeft: 120 });
  t.deepEqual(rollbackCounterInfo(97, 20), { counted: true, spent: false, low: false, bitsLeft: 90 });
  t.deepEqual(rollbackCounterInfo(91, 20), rollbackCounterInfo(99, 20), 'one unlock among tens does not show');
  t.deepEqual(rollbackCounterInfo(29, 20), { counted: true, spent: false, low: false, bitsLeft: 20 });
  t.deepEqual(rollbackCounterInfo(20, 20), { counted: true, spent: false, low: true, bitsLeft: 20 });
  t.deepEqual(rollbackCounterInfo(7, 20), { counted: true, spent: false, low: true, bitsLeft: 7 });
  t.deepEqual(rollbackCounterInfo(0, 20), { counted: true, spent: true, low: true, bitsLeft: 0 });
  t.deepEqual(decodeCbor(encodeCbor({ info: rollbackCounterInfo(Infinity, 20) })), { info: { counted: false, spent: false, low: false } });
});
