/**
 * The agent's side of the socket (wire.ts): each tool that connects gets its own HubSession; its requests are
 * checked here (a bad one is answered with a clear error and the agent serves on), forwarded, and answered back.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { isPlainObject } from '../../../modules/plain.js';
import { RequestTooLargeError, RpcError } from '../client.js';
import { SIGNING_TIMEOUT_MS } from '../eth.js';
import { DeviceGoneError, type HubSession, type SessionHub } from './hub.js';
import { AGENT_PROTOCOL, AgentSocketError, FrameReader, MAX_REQUEST_FRAME, checkPrivateFolder, checkSocketFile, frame, readBody } from './wire.js';

/** requests one tool may have unanswered at once (a runaway script cannot queue the session up) */
export const MAX_UNANSWERED_PER_TOOL = 16;
/** the longest a tool may ask the agent to wait for an answer: a signature the owner reviews */
export const MAX_TIMEOUT_MS = SIGNING_TIMEOUT_MS + 60_000;
const METHOD = /^[a-z][a-z0-9_]{0,63}$/;
const REQUEST_KEYS = new Set(['id', 'method', 'params', 'timeoutMs']);

type Answer = { id: number | null; result: unknown } | { id: number | null; error: { code: string; message: string } };

/** What a request is, or the error that says why it is not one. */
function checkRequest(r: Record<string, unknown>): { id: number; method: string; params?: Record<string, unknown>; timeoutMs: number } | { id: number | null; code: string; message: string } {
  const id = typeof r.id === 'number' && Number.isInteger(r.id) && r.id >= 0 && r.id <= 0xffffffff ? r.id : null;
  if (id === null) return { id, code: 'bad-request', message: '"id" must be a whole number from 0 to 2^32-1' };
  const unknown = Object.keys(r).find((k) => !REQUEST_KEYS.has(k));
  if (unknown !== undefined) return { id, code: 'bad-request', message: `unknown key "${unknown.slice(0, 40)}": a request is {id, method, params?, timeoutMs?}` };
  if (typeof r.method !== 'string' || !METHOD.test(r.method)) return { id, code: 'bad-request', message: '"method" must be a method name (a-z, 0-9, _; at most 64)' };
  if (r.params !== undefined && !isPlainObject(r.params)) return { id, code: 'bad-request', message: '"params" must be a map when present' };
  const timeoutMs = r.timeoutMs ?? 10_000;
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) return { id, code: 'bad-request', message: `"timeoutMs" must be 1 to ${MAX_TIMEOUT_MS}` };
  return { id, method: r.method, params: r.params as Record<string, unknown> | undefined, timeoutMs };
}

function errorAnswer(id: number, err: unknown): Answer {
  if (err instanceof RpcError) return { id, error: { code: err.code, message: err.message } };
  if (err instanceof RequestTooLargeError) return { id, error: { code: 'too-large', message: err.message } };
  if (err instanceof DeviceGoneError) return { id, error: { code: 'device-gone', message: err.message } };
  return { id, error: { code: 'no-answer', message: (err as Error)?.message ?? String(err) } };
}

export class AgentServer {
  private readonly sockets = new Set<net.Socket>();

  private constructor(private readonly server: net.Server, readonly path: string, private readonly hub: SessionHub, private readonly hello: Record<string, unknown>) {
    server.on('connection', (s) => this.serve(s));
    // After the answers already settled (device-gone errors for requests in flight) have gone out: they settle in
    // promise callbacks, all run before the next turn of the event loop.
    hub.onEnd((why) => setImmediate(() => {
      for (const s of this.sockets) s.end(frame({ gone: why })); // ended, not destroyed: the last word goes out
      this.close(false);
    }));
  }

  /**
   * Listen at `file` for `hub`'s session. Refuses a folder others can write, a socket another user made, and a
   * live agent already there; a stale socket (nobody answers) is replaced.
   */
  static async listen(hub: SessionHub, file: string, device: { id: Uint8Array; url: string }): Promise<AgentServer> {
    checkPrivateFolder(path.dirname(file));
    if (checkSocketFile(file)) {
      const live = await new Promise<boolean>((resolve) => {
        const probe = net.connect(file);
        probe.once('connect', () => { probe.destroy(); resolve(true); });
        probe.once('error', () => resolve(false));
      });
      if (live) throw new AgentSocketError(`an agent already serves ${file}: use it, or stop it first`);
      fs.unlinkSync(file);
    }
    const server = net.createServer();
    // Made 0600 from the start (umask), then checked: no moment where another user could connect.
    const umask = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(file, () => resolve());
      });
    } finally {
      process.umask(umask);
    }
    fs.chmodSync(file, 0o600);
    if ((fs.statSync(file).mode & 0o077) !== 0) {
      server.close();
      throw new AgentSocketError(`${file} could not be made private (0600)`);
    }
    return new AgentServer(server, file, hub, { version: AGENT_PROTOCOL, pid: process.pid, deviceId: device.id, device: device.url });
  }

  /** Stop listening, drop every tool (unless they were told goodbye), and remove the socket file. */
  close(drop = true): void {
    this.server.close();
    if (drop) for (const s of this.sockets) s.destroy();
    try {
      fs.unlinkSync(this.path);
    } catch { /* already gone */ }
  }

  private serve(socket: net.Socket): void {
    this.sockets.add(socket);
    const caller: HubSession = this.hub.open();
    let unanswered = 0;
    const send = (value: unknown) => { if (!socket.destroyed && socket.writable) socket.write(frame(value)); };
    send({ hello: this.hello });
    caller.onNotice((n) => send({ notify: n.notify, data: n.data }));
    const reader = new FrameReader(MAX_REQUEST_FRAME, (body) => {
      let r: Record<string, unknown>;
      try {
        r = readBody(body);
      } catch (err) {
        send({ id: null, error: { code: 'bad-request', message: `not a request: ${(err as Error).message}` } });
        return;
      }
      const q = checkRequest(r);
      if ('code' in q) {
        send({ id: q.id, error: { code: q.code, message: q.message } });
        return;
      }
      if (unanswered >= MAX_UNANSWERED_PER_TOOL) {
        send({ id: q.id, error: { code: 'agent-busy', message: `at most ${MAX_UNANSWERED_PER_TOOL} requests of one tool wait at once` } });
        return;
      }
      unanswered++;
      caller.call(q.method, q.params, q.timeoutMs).then(
        (result) => send({ id: q.id, result }),
        (err) => send(errorAnswer(q.id, err)),
      ).finally(() => { unanswered--; });
    }, (declared) => {
      send({ id: null, error: { code: 'too-large', message: `a request frame is at most ${MAX_REQUEST_FRAME} bytes, this one says ${declared}: this connection is closed (the agent serves on)` } });
      socket.end();
    });
    socket.on('data', (chunk: Buffer) => reader.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)));
    socket.on('error', () => undefined); // a tool that vanished: its close follows
    socket.on('close', () => {
      this.sockets.delete(socket);
      caller.close();
    });
  }
}
