// The agent's socket (hosts/client/agent/server.ts, hub.ts, wire.ts, agent-session.ts) in-process, on a real
// session to the board simulator on XS: bad input on the socket is answered in words and the agent serves on; a
// tool that leaves mid-request loses nothing for the others (its request waiting on the device is withdrawn); one
// tool cannot cancel another's; the device's link ending is said to every tool; the socket is 0600 and a folder
// others can write is refused on both sides.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startCliBench, type CliBench } from './support/cli-bench.js';
import type { LatchClient, Session } from '../../hosts/client/client.js';
import { MAX_REQUEST_BYTES } from '../../hosts/client/client.js';
import { SessionHub } from '../../hosts/client/agent/hub.js';
import { AgentServer } from '../../hosts/client/agent/server.js';
import { AgentGoneError, AgentSession } from '../../hosts/client/agent/agent-session.js';
import { AgentSocketError, FrameReader, MAX_ANSWER_FRAME, MAX_REQUEST_FRAME, frame, readBody, socketPath } from '../../hosts/client/agent/wire.js';
import { encodeCbor } from '../../modules/protocol/cbor.js';

let bench: CliBench | undefined;
let client: LatchClient;
let session: Session;
let hub: SessionHub;
let server: AgentServer;
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'latch-agent-'));

test.before(async () => {
  bench = await startCliBench({ mnemonic: 'all all all all all all all all all all all all', label: 'Owner laptop', name: 'agentsrv' });
  ({ client, session } = await bench.openSession());
  hub = new SessionHub(session);
  server = await AgentServer.listen(hub, socketPath(home), { id: new Uint8Array(16).fill(7), url: 'ws://test' });
});
test.after.always(async () => {
  server?.close();
  hub?.stop();
  await client?.close().catch(() => undefined);
  await bench?.stop();
  fs.rmSync(home, { recursive: true, force: true });
});

/** A tool speaking the socket's frames by hand (so it can also send what a tool should not). */
async function rawTool(): Promise<{ socket: net.Socket; send(v: unknown): void; next(pred?: (m: any) => boolean, ms?: number): Promise<any>; seen: any[]; closed: Promise<void> }> {
  const socket = net.connect(socketPath(home));
  const seen: any[] = [];
  const waiters: (() => void)[] = [];
  const reader = new FrameReader(MAX_ANSWER_FRAME, (b) => { seen.push(readBody(b)); waiters.splice(0).forEach((w) => w()); }, () => undefined);
  socket.on('data', (c: Buffer) => reader.push(new Uint8Array(c)));
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  await new Promise((r) => socket.once('connect', r));
  let read = 0;
  const tool = {
    socket, seen, closed,
    send: (v: unknown) => { socket.write(frame(v)); },
    async next(pred: (m: any) => boolean = () => true, ms = 10_000): Promise<any> {
      const until = Date.now() + ms;
      for (;;) {
        while (read < seen.length) {
          const m = seen[read++];
          if (pred(m)) return m;
        }
        if (Date.now() > until) throw new Error(`no such message; seen ${JSON.stringify(seen)}`);
        await Promise.race([new Promise<void>((r) => waiters.push(r)), new Promise((r) => setTimeout(r, 100))]);
      }
    },
  };
  const hello = await tool.next();
  if (!hello.hello) throw new Error('no hello');
  return tool;
}

test.serial('the socket is this user\'s only (0600), and a folder others can write is refused by the agent and by tools', async (t) => {
  t.is(fs.statSync(socketPath(home)).mode & 0o777, 0o600);
  const open = fs.mkdtempSync(path.join(os.tmpdir(), 'latch-agent-open-'));
  try {
    fs.chmodSync(open, 0o777);
    const err = await t.throwsAsync(AgentServer.listen(hub, socketPath(open), { id: new Uint8Array(16), url: 'ws://x' }));
    t.true(err instanceof AgentSocketError);
    t.regex(err!.message, /can be written by other users \(mode 777\): chmod go-w it/);
    t.false(fs.existsSync(socketPath(open)), 'nothing was made there');
    // a socket someone put in such a folder is not used by a tool either (it could be anyone's agent)
    fs.chmodSync(open, 0o700);
    const planted = net.createServer().listen(socketPath(open));
    await new Promise((r) => planted.once('listening', r));
    fs.chmodSync(open, 0o770);
    await t.throwsAsync(AgentSession.connect(open), { instanceOf: AgentSocketError, message: /can be written by other users/ });
    planted.close();
    fs.rmSync(socketPath(open), { force: true });
    fs.chmodSync(open, 0o700);
    fs.writeFileSync(socketPath(open), 'not a socket');
    await t.throwsAsync(AgentSession.connect(open), { instanceOf: AgentSocketError, message: /is not a socket/ });
    fs.rmSync(socketPath(open));
    t.is(await AgentSession.connect(open), undefined, 'no socket: no agent, the command connects itself');
  } finally {
    fs.rmSync(open, { recursive: true, force: true });
  }
});

test.serial('a stale socket (its agent killed) is no agent for a tool, and the next agent replaces it', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latch-agent-stale-'));
  try {
    const file = socketPath(dir);
    const killed = spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(file)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    t.is(killed.signal, 'SIGKILL');
    t.true(fs.lstatSync(file).isSocket(), 'the killed agent left its socket');
    t.is(await AgentSession.connect(dir), undefined, 'nobody answers: the command connects itself');
    const next = await AgentServer.listen(hub, file, { id: new Uint8Array(16), url: 'ws://x' });
    const tool = await AgentSession.connect(dir);
    t.deepEqual(await tool!.call('ping'), { pong: true });
    await tool!.close();
    await t.throwsAsync(AgentServer.listen(hub, file, { id: new Uint8Array(16), url: 'ws://x' }), { instanceOf: AgentSocketError, message: /an agent already serves/ });
    next.close();
    t.false(fs.existsSync(file));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.serial('bad input on the socket gets a clear error and the agent keeps serving', async (t) => {
  const tool = await rawTool();
  const garbage = Uint8Array.of(0, 0, 0, 5, 0xff, 0x13, 0x00, 0x99, 0x42);
  tool.socket.write(garbage);
  t.like(await tool.next(), { id: null, error: { code: 'bad-request' } });
  tool.send([1, 2, 3]);
  t.regex((await tool.next()).error.message, /a message is a CBOR map/);
  tool.send({ id: 1, method: 'NoSuch Method!' });
  t.like(await tool.next(), { id: 1, error: { code: 'bad-request', message: '"method" must be a method name (a-z, 0-9, _; at most 64)' } });
  tool.send({ id: 2, method: 'ping', extra: true });
  t.regex((await tool.next()).error.message, /unknown key "extra"/);
  tool.send({ id: 3, method: 'ping', timeoutMs: 1e12 });
  t.regex((await tool.next()).error.message, /"timeoutMs" must be 1 to/);
  tool.send({ id: 4, method: 'no_such_method' });
  const unknown = await tool.next((m) => m.id === 4);
  t.is(unknown.error.code, 'unknown-method', 'the device answers it, through the agent');
  // a request too large for one session message: refused before it is encrypted, the session lives
  tool.send({ id: 5, method: 'eth_sign_message', params: { message: new Uint8Array(MAX_REQUEST_BYTES - 20) } });
  const big = await tool.next((m) => m.id === 5);
  t.is(big.error.code, 'too-large');
  t.regex(big.error.message, /nothing was sent: the session is still open/);
  tool.send({ id: 6, method: 'ping' });
  t.like(await tool.next((m) => m.id === 6), { id: 6, result: { pong: true } });

  // a frame larger than any request: said, that connection closed; the agent serves the next tool
  const huge = new Uint8Array(8);
  new DataView(huge.buffer).setUint32(0, MAX_REQUEST_FRAME + 1);
  tool.socket.write(huge);
  t.regex((await tool.next()).error.message, /a request frame is at most \d+ bytes, this one says \d+: this connection is closed \(the agent serves on\)/);
  await tool.closed;
  const after = await AgentSession.connect(home);
  t.truthy(after);
  t.deepEqual(await after!.call('ping'), { pong: true });
  await after!.close();
  t.true(encodeCbor({ id: 1, method: 'ping' }).length < MAX_REQUEST_FRAME);
});

test.serial('a tool that leaves mid-request loses nothing for the others; its request waiting on the device is withdrawn; no tool cancels another\'s', async (t) => {
  const a = await rawTool();
  const b = await AgentSession.connect(home);
  t.truthy(b);
  a.send({ id: 1, method: 'eth_sign_message', params: { message: 'hello from A' }, timeoutMs: 60_000 });
  t.like(await a.next((m) => m.notify), { notify: 'confirm-on-device' });
  await bench!.d.waitForReview();
  // B is answered beside it, is not asked about A's request, and cannot withdraw it
  t.deepEqual(await b!.call('ping'), { pong: true });
  t.is((await b!.call('get_info')).firmware, (await session.call('get_info')).firmware);
  // the device's own rule, not the agent's: a second request for the owner waits its turn (busy)
  await t.throwsAsync(b!.call('eth_get_address', {}, 30_000), { message: /waiting for its owner on eth_sign_message/ });
  const cancel = await t.throwsAsync(b!.cancel());
  t.is((cancel as any).code, 'nothing-to-cancel');
  t.false(b!.notices.some((n) => n.notify === 'confirm-on-device'), JSON.stringify(b!.notices));
  t.regex((await bench!.d.screen()).id, /-review$|-confirm$/, 'A\'s request still waits on the device');

  a.socket.destroy(); // A vanishes mid-request
  await bench!.d.waitFor('unlocked');
  t.pass('the agent withdrew it: the device went home');
  t.deepEqual(await b!.call('ping'), { pong: true }, 'B is still served');
  t.is((await b!.call('eth_get_address', {}, 30_000)).address, '0x73d0385F4d8E00C5e6504C6030F47BF6212736A8');
  // and a new signing request from B is B's own: the owner's answer reaches B; its event reaches the tool that
  // subscribed to events (C), not B
  const c = await AgentSession.connect(home);
  await c!.call('events_subscribe');
  const signed = b!.call('eth_sign_message', { message: 'hello from B' }, 60_000);
  await bench!.d.waitForReview();
  await bench!.d.review('reject');
  await t.throwsAsync(signed, { message: /refused|rejected/ });
  t.true(b!.notices.some((n) => n.notify === 'confirm-on-device'));
  for (let i = 0; i < 100 && !c!.notices.some((n) => n.notify === 'event'); i++) await new Promise((r) => setTimeout(r, 20));
  t.true(c!.notices.some((n) => n.notify === 'event'), JSON.stringify(c!.notices));
  t.false(c!.notices.some((n) => n.notify === 'confirm-on-device'));
  t.false(b!.notices.some((n) => n.notify === 'event'), 'events go to subscribers only');
  await b!.close();
  await c!.close();
});

test.serial('the device\'s link ending is said to every tool, and their waiting requests fail in words', async (t) => {
  const a = await AgentSession.connect(home);
  const b = await rawTool();
  t.truthy(a);
  const watched = a!.watch();
  b.send({ id: 9, method: 'eth_sign_message', params: { message: 'never answered' }, timeoutMs: 60_000 });
  await b.next((m) => m.notify === 'confirm-on-device');
  await client.close(); // the device goes
  t.regex(await watched, /the device's link is gone \(.*\): the agent \(pid \d+\) stopped/);
  const failed = await b.next((m) => m.id === 9);
  t.is(failed.error.code, 'device-gone');
  t.regex(failed.error.message, /^the device's link is gone \(.+\)$/);
  t.regex((await b.next((m) => m.gone !== undefined)).gone, /.+/);
  await t.throwsAsync(a!.call('ping'), { instanceOf: AgentGoneError, message: /the device's link is gone/ });
  await b.closed;
  t.false(fs.existsSync(socketPath(home)), 'the agent stopped listening');
});
