import test from 'ava';
import { decodeCbor, encodeCbor } from '../../modules/protocol/cbor.js';
import { handleRpc, type RpcContext } from '../../modules/protocol/rpc.js';

const info = { firmware: '0.2.0', protocol: 1, deviceId: 'ab', state: 'bound', platform: 'test' };
function ctx(): RpcContext & { resets: string[] } {
  const resets: string[] = [];
  return { appLabel: 'Phone', info: () => info, askReset: (l) => void resets.push(l), resets };
}

test('maps with many same-length keys round-trip on every engine (cborg + XS sort)', (t) => {
  const value = { id: 7, result: { state: 'x', deviceId: 'y', protocol: 1, firmware: 'f', platform: 'p', abcdefgh: true } };
  t.deepEqual(decodeCbor(encodeCbor(value)), value);
});

test('methods answer, and bad requests get clear errors', (t) => {
  const c = ctx();
  t.deepEqual(handleRpc({ id: 1, method: 'ping' }, c), { id: 1, result: { pong: true } });
  t.deepEqual(handleRpc({ id: 2, method: 'get_info' }, c), { id: 2, result: info });
  t.deepEqual(handleRpc({ id: 3, method: 'get_binding_state' }, c), { id: 3, result: { state: 'bound-to-this-app', label: 'Phone' } });
  t.deepEqual(handleRpc({ id: 4, method: 'request_factory_reset' }, c), { id: 4, result: { status: 'confirm-on-device' } });
  t.deepEqual(c.resets, ['Phone']);
  const err = (r: any) => r.error.code;
  t.is(err(handleRpc({ id: 5, method: 'sign_everything' }, c)), 'unknown-method');
  t.is(err(handleRpc({ id: 6, method: 'get_info', params: { x: 1 } }, c)), 'bad-params');
  t.is(err(handleRpc({ id: 7, method: 'ping', params: [1] }, c)), 'bad-params');
  t.is(err(handleRpc({ id: 8, method: 'ping', params: { echo: 'x'.repeat(2000) } }, c)), 'bad-params');
  t.is(err(handleRpc({ id: -1, method: 'ping' }, c)), 'bad-request');
  t.is(err(handleRpc({ method: 'ping' }, c)), 'bad-request');
  t.is(err(handleRpc({ id: 9, method: 3 }, c)), 'bad-request');
  t.is(err(handleRpc([1, 2], c)), 'bad-request');
  t.is(err(handleRpc(undefined, c)), 'bad-request');
  t.deepEqual(handleRpc({ id: 10, method: 'ping', params: { echo: 'hi' } }, c), { id: 10, result: { pong: true, echo: 'hi' } });
});
