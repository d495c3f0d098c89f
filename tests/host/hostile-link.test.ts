// Hostile input on the link, in the spirit of Jade's tests: every case gets a clear error, loses nothing, and
// the device still binds afterwards. Firmware on XS.
import test from 'ava';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { fragment, MAX_MESSAGE, START, END } from '../../modules/transport/framing.js';
import { ErrorCode, Kind, message } from '../../modules/protocol/messages.js';
import { DeviceError, type LatchClient } from '../../hosts/client/client.js';
import { DeviceDriver } from './support/device-driver.js';
import { bindHonestly, connect, newApp, screenCode } from './support/raw-app.js';
import { startSim, type RunningSim } from './support/sim.js';

let sim: RunningSim;
let d: DeviceDriver;
test.before(async () => { sim = await startSim({ pinIterations: 50, autoTick: true, manualClock: true }); d = new DeviceDriver(sim.url); });
test.after.always(async () => { await sim?.stop(); });

async function expectError(client: LatchClient, code: number, pattern: RegExp) {
  const err = await client.expect(Kind.bindResult, 20_000).then(() => undefined, (e) => e);
  if (!(err instanceof DeviceError)) throw new Error(`expected a device error, got ${err}`);
  if (err.code !== code || !pattern.test(err.message)) throw new Error(`expected error ${code} ${pattern}, got ${err.code} "${err.message}"`);
}

async function stillBinds(t: any) {
  await d.call('POST', '/api/clock', { advanceMs: 1e9 }); // past any lock-out
  const client = await connect(sim.url);
  const { outcome, app, device } = await bindHonestly(client, d);
  t.is(outcome, 'allowed');
  const s = await client.openSession(app, device);
  t.deepEqual(await s.call('ping'), { pong: true });
  await client.close();
  await d.press('b');
}

test.serial('garbage packets: random bytes get framing errors, never a crash', async (t) => {
  const client = await connect(sim.url, 64);
  await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 60 }), async (p) => {
    await client.transport.send(p);
  }), { numRuns: 150 });
  await client.transport.send(Uint8Array.of(START | END)); // empty message
  await new Promise((r) => setTimeout(r, 300));
  const errors = client.trace.filter((m) => m.dir === 'in' && m.message[0] === Kind.error);
  t.true(errors.length > 0);
  await client.close();
  await stillBinds(t);
});

test.serial('split, concatenated, out-of-order and oversized input', async (t) => {
  let client = await connect(sim.url, 23);
  // concatenated: two messages back to back
  const unknown = message(0x55, Uint8Array.of(1));
  for (const p of [...fragment(unknown, 23), ...fragment(message(Kind.sessionData, new Uint8Array(40)), 23)]) await client.transport.send(p);
  await expectError(client, ErrorCode.unknownKind, /unknown message kind 0x55/);
  await expectError(client, ErrorCode.noSession, /no session/);
  // out of order
  const pkts = fragment(message(Kind.bindRequest, new Uint8Array(60)), 23);
  for (const p of [pkts[0], pkts[2], pkts[1], pkts[3]]) await client.transport.send(p);
  await expectError(client, ErrorCode.badFrame, /packet 2 arrived where 1 was expected/);
  t.deepEqual(await client.drain(), [], 'one error for one broken message: the rest of it is skipped quietly');
  // oversized (on a wide link of its own: at MTU 23 the 870 packets take long under load)
  await client.close();
  const wide = await connect(sim.url, 517);
  const big = new Uint8Array(MAX_MESSAGE + 200);
  const room = 514 - 1;
  for (let at = 0, seq = 0; at < big.length; at += room, seq++) {
    await wide.transport.send(Uint8Array.of((at === 0 ? START : 0) | (seq & 63), ...big.subarray(at, at + room)));
  }
  // before a session, the link takes 256 bytes at most: the first packet past that closes the connection
  // (link-handler.ts); the 16 KiB limit for a session's messages is framing.test.ts's
  await expectError(wide, ErrorCode.badFrame, /over 256 bytes before a session: the device drops the connection/);
  t.deepEqual(await wide.drain(), []);
  await wide.close();
  client = await connect(sim.url, 23);
  // a well-formed but short bind request
  await client.send(message(Kind.bindRequest, new Uint8Array(10)));
  await expectError(client, ErrorCode.badMessage, /a bind request is 49 to 80 bytes, not 10/);
  // kinds only the device sends
  await client.send(message(Kind.bindShareB, new Uint8Array(96)));
  await expectError(client, ErrorCode.unexpected, /sent by the device, not to it/);
  await client.close();
  await stillBinds(t);
});

test.serial('handshake messages out of order, replayed and reflected; low-order shares', async (t) => {
  let client = await connect(sim.url);
  await client.send(message(Kind.bindShareA, new Uint8Array(32).fill(9)));
  await expectError(client, ErrorCode.unexpected, /no bind request in progress/);
  await client.send(message(Kind.bindConfirmA, new Uint8Array(64)));
  await expectError(client, ErrorCode.unexpected, /no key exchange in progress/);
  await client.close(); // one app at a time: the honest app below needs the link

  // Record an honest bind and session, then replay them on a new connection.
  const honest = await connect(sim.url);
  const { app, device } = await bindHonestly(honest, d);
  await d.press('b');
  const s = await honest.openSession(app, device);
  await s.call('ping');
  await honest.close();
  const sent = honest.trace.filter((m) => m.dir === 'out').map((m) => m.message);
  const received = honest.trace.filter((m) => m.dir === 'in').map((m) => m.message);
  client = await connect(sim.url);

  // replayed bind: a new request, then the old share and the old confirmation tag
  await client.send(sent.find((m) => m[0] === Kind.bindRequest)!);
  await client.expect(Kind.bindChallenge);
  await client.send(sent.find((m) => m[0] === Kind.bindShareA)!);
  await client.expect(Kind.bindShareB);
  await client.send(sent.find((m) => m[0] === Kind.bindConfirmA)!);
  await expectError(client, ErrorCode.bindFailed, /wrong binding code/);
  await d.press('b');

  // reflected: the device's own messages sent back to it
  for (const m of received.filter((r) => [Kind.bindChallenge, Kind.bindShareB, Kind.sessionAccept].includes(r[0] as any))) {
    await client.send(m);
    await expectError(client, ErrorCode.unexpected, /sent by the device/);
  }

  // replayed session: the old init is answered (KK cannot tell), but the old data fails and closes the session
  await client.send(sent.find((m) => m[0] === Kind.sessionInit)!);
  await client.expect(Kind.sessionAccept);
  await client.send(sent.find((m) => m[0] === Kind.sessionData)!);
  await expectError(client, ErrorCode.sessionFailed, /failed to decrypt: the session is closed/);
  await client.send(sent.find((m) => m[0] === Kind.sessionData)!);
  await expectError(client, ErrorCode.noSession, /no session/);

  // low-order points as the CPace share: refused, and counted
  await client.send(message(Kind.bindRequest, new Uint8Array(randomBytes(16)), newApp().pub, Buffer.from('evil')));
  await client.expect(Kind.bindChallenge);
  await client.send(message(Kind.bindShareA, new Uint8Array(32)));
  await expectError(client, ErrorCode.badMessage, /low-order point/);
  await d.press('b');
  await client.close();

  // a foreign app's session attempt
  client = await connect(sim.url);
  const stranger = newApp();
  t.is(await client.probeBinding(stranger), 'bound-to-other-app');
  await client.close();
  await stillBinds(t);
});

test.serial('tampered session data closes the session; requests before a session are refused', async (t) => {
  const client = await connect(sim.url);
  const { app, device } = await bindHonestly(client, d);
  await d.press('b');
  const s = await client.openSession(app, device);
  const c = s.encryptForTest(Uint8Array.of(0xa1, 0x61, 0x78, 0x01));
  c[0] ^= 0x80;
  await s.sendRaw(c);
  await expectError(client, ErrorCode.sessionFailed, /failed to decrypt/);
  await client.send(message(Kind.sessionData, new Uint8Array(20)));
  await expectError(client, ErrorCode.noSession, /no session/);
  // a new session on the same connection works, and bad RPC gets a clear RPC error
  const s2 = await client.openSession(app, device);
  await t.throwsAsync(() => s2.call('format_c'), { message: /no method "format_c"/ });
  await t.throwsAsync(() => s2.request({ id: 'x', method: 'ping' }), { message: /"id" must be a whole number/ });
  await t.throwsAsync(() => s2.call('get_info', { verbose: true }), { message: /takes no params/ });
  t.deepEqual(await s2.call('ping', { echo: 'still here' }), { pong: true, echo: 'still here' });
  await client.close();
});

test.serial('a bind request while another binding waits for the user is refused as busy', async (t) => {
  const a = await connect(sim.url);
  const app = newApp();
  const pending = a.bind(app, 'First', () => screenCode(d), 20_000);
  for (let i = 0; i < 200 && (await d.screen()).id !== 'bind-allow'; i++) await new Promise((r) => setTimeout(r, 25));
  t.is((await d.screen()).id, 'bind-allow');
  // the link is one connection: the second request comes on the same link; the waiting bind hears "busy"
  await a.send(message(Kind.bindRequest, new Uint8Array(16), newApp().pub, Buffer.from('Second')));
  const busy = await pending.then(() => undefined, (e) => e);
  t.true(busy instanceof DeviceError && busy.code === ErrorCode.busy, String(busy));
  t.is((await d.screen()).id, 'bind-allow', 'the first binding still waits for the user');
  await d.decide('a', false); // refuse the first (once the screen takes presses)
  const after = await a.drain(300);
  t.deepEqual(after.map((m) => Array.from(m)), [[Kind.bindResult, 1]]);
  await a.close();
  await stillBinds(t);
});
