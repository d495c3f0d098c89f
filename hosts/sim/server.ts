/**
 * The board simulator's web face: the live LCD page, the control API for tests and QA benches, and the
 * Link endpoint (one WebSocket message = one ATT packet). Listens on loopback only.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { Board, BoardOffError, BoardOnError, MAX_MTU, MIN_MTU } from './board.js';

const PAGE = fs.readFileSync(new URL('./page.html', import.meta.url), 'utf8');
export const DEFAULT_MTU = 247;
const MAX_BODY = 64 * 1024;

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface SimServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function serve(board: Board, port = 8080, host = '127.0.0.1'): Promise<SimServer> {
  const events = new Set<http.ServerResponse>();
  // This server's link queue: connects, packets and disconnects reach its board in order, across sockets (and
  // never wait on another simulator's board in the same process).
  const queue: LinkQueue = { tail: Promise.resolve() };
  const broadcast = (type: string, data: unknown) => {
    for (const res of events) res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  board.on('frame', (frame) => broadcast('frame', { frame }));
  board.on('log', (entry) => broadcast('log', entry));
  board.on('power', (on) => broadcast('power', { on }));
  board.on('screen-problem', (problem) => broadcast('screen-problem', { problem }));

  const server = http.createServer((req, res) => {
    route(board, req, res, events).catch((err) => {
      const status = err instanceof HttpError ? err.status : err instanceof BoardOffError ? 409 : 500;
      sendJson(res, status, { error: (err as Error).message });
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MTU });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/link') return refuse(socket, 404, 'no WebSocket endpoint here: use /link');
    const mtu = url.searchParams.has('mtu') ? Number(url.searchParams.get('mtu')) : DEFAULT_MTU;
    if (!Number.isInteger(mtu) || mtu < MIN_MTU || mtu > MAX_MTU) return refuse(socket, 400, `mtu must be a whole number from ${MIN_MTU} to ${MAX_MTU}`);
    wss.handleUpgrade(req, socket, head, (ws) => attachLink(board, ws, mtu, queue));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of events) res.end();
        for (const ws of wss.clients) ws.terminate();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Packets a socket may have waiting for the firmware. A BLE central cannot outrun the device by more than a few
 * writes; a client that floods the link is cut off instead of growing the queue without bound.
 */
export const LINK_QUEUE_LIMIT = 1024;

/** The serial order of one board's link events. */
interface LinkQueue {
  tail: Promise<void>;
}

function attachLink(board: Board, ws: WebSocket, mtu: number, linkQueue: LinkQueue): void {
  // Listen before anything is awaited: an app may write the moment the socket opens, and every packet must
  // reach the firmware after the connect and in the order it was written. A socket that just closed finishes
  // its disconnect first, so an app can reconnect at once.
  let open = true;
  let queued = 0;
  const logFailure = (what: string) => (err: unknown): void => void board.emit('log', { t: 0, message: `link: ${what} failed: ${(err as Error)?.message ?? err}` });
  const session = { send: (p: Uint8Array) => ws.send(p), close: (code: number, reason: string) => ws.close(code, reason) };
  let queue: Promise<void> = linkQueue.tail.then(() => board
    .linkOpen(session, mtu)
    .catch((err) => {
      open = false;
      ws.close(1013, (err as Error).message);
    }));
  linkQueue.tail = queue;
  ws.on('message', (data, isBinary) => {
    if (!open) return;
    if (++queued > LINK_QUEUE_LIMIT) {
      open = false;
      ws.close(1008, `more than ${LINK_QUEUE_LIMIT} packets waiting for the device: slow down`);
      return;
    }
    queue = queue.then(async () => {
      queued--;
      if (!open) return;
      if (!isBinary) {
        // A GATT read of the INFO characteristic, modelled as the text message "read:info".
        if (data.toString() === 'read:info') ws.send(`info:${Buffer.from(board.linkInfo).toString('hex')}`);
        else ws.send('error:unknown text request; binary messages are RX writes, "read:info" reads INFO');
        return;
      }
      await board.linkReceive(new Uint8Array(data as Buffer), session);
    }).catch((err) => ws.close(1011, String((err as Error).message).slice(0, 120)));
    linkQueue.tail = queue;
  });
  ws.on('close', () => {
    // Always tell the board the app went away (even if this socket was cut off), and never let a failure here
    // (the board rebooting, or off) become an unhandled rejection that ends the simulator.
    queue = queue.then(() => board.linkClose(session)).catch(logFailure('disconnect'));
    open = false;
    linkQueue.tail = queue;
  });
}

function refuse(socket: import('node:stream').Duplex, status: number, message: string): void {
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${message}\n`);
}

async function route(board: Board, req: http.IncomingMessage, res: http.ServerResponse, events: Set<http.ServerResponse>): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method ?? 'GET';
  const path = url.pathname;
  const is = (m: string, p: string) => method === m && path === p;

  if (is('GET', '/')) return send(res, 200, 'text/html; charset=utf-8', PAGE);
  if (is('GET', '/api/screen')) return sendJson(res, 200, await board.screen());
  if (is('GET', '/api/screen.png')) return send(res, 200, 'image/png', board.hw.canvas.png());
  if (is('GET', '/api/flash')) return send(res, 200, 'application/octet-stream', Buffer.from(board.hw.flash.bytes));
  if (is('GET', '/api/efuse')) return sendJson(res, 200, board.hw.counter.describe());
  if (is('PUT', '/api/flash')) {
    const image = await readBytes(req);
    try {
      board.programFlash(image);
    } catch (err) {
      if (err instanceof RangeError) throw new HttpError(400, err.message);
      if (err instanceof BoardOnError) throw new HttpError(409, err.message);
      throw err;
    }
    return sendJson(res, 200, { programmed: image.length, efuse: board.hw.counter.describe().burned });
  }
  if (is('GET', '/api/link-log')) return sendJson(res, 200, board.linkLog);
  if (is('GET', '/api/log')) return sendJson(res, 200, board.log);
  if (is('GET', '/api/device-events')) return sendJson(res, 200, await board.deviceEvents());
  if (is('GET', '/api/clock')) return sendJson(res, 200, { manual: board.manualClock, now: board.hw.clock.now() });
  if (is('GET', '/api/events')) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(`event: hello\ndata: ${JSON.stringify({ engine: board.engine, on: board.isOn, manualClock: board.manualClock })}\n\n`);
    events.add(res);
    req.on('close', () => events.delete(res));
    return;
  }
  const button = /^\/api\/buttons\/([^/]+)$/.exec(path);
  if (button && method === 'POST') {
    const id = button[1];
    if (id !== 'a' && id !== 'b' && id !== 'c') throw new HttpError(404, `no button "${id}": the board has a, b and c`);
    const body = await readJson(req);
    if (body.long !== undefined && typeof body.long !== 'boolean') throw new HttpError(400, '"long" must be true or false');
    const held = body.heldMs ?? 0;
    if (typeof held !== 'number' || !Number.isInteger(held) || held < 0 || held > 600_000) throw new HttpError(400, '"heldMs" must be a whole number of milliseconds, 0 to 600000');
    await board.press(id, body.long === true, held);
    return sendJson(res, 200, await board.screen());
  }
  if (is('POST', '/api/power-cut')) {
    const body = await readJson(req);
    const n = body.afterOps ?? 0;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new HttpError(400, '"afterOps" must be a whole number >= 0 (0 cuts power now)');
    await board.powerCut(n);
    return sendJson(res, 200, { armed: n > 0, afterOps: n, on: board.isOn });
  }
  if (is('POST', '/api/clock')) {
    const body = await readJson(req);
    const ms = body.advanceMs;
    if (!board.manualClock) throw new HttpError(409, 'the clock is real-time: start the simulator with --clock manual to advance it');
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new HttpError(400, '"advanceMs" must be a number of milliseconds >= 0');
    await board.advanceClock(ms);
    return sendJson(res, 200, { advancedMs: ms, now: board.hw.clock.now() });
  }
  if (is('POST', '/api/debug/load')) {
    const body = await readJson(req);
    if (typeof body.mnemonic !== 'string' || typeof body.pin !== 'string') throw new HttpError(400, 'the body is {"mnemonic": "twelve or twenty-four words", "pin": "6 to 8 digits", "replace": true|false}');
    if (body.replace !== undefined && typeof body.replace !== 'boolean') throw new HttpError(400, '"replace" must be true or false');
    const r = await board.debugLoad({ mnemonic: body.mnemonic, pin: body.pin, replace: body.replace as boolean | undefined });
    if (r.bad) throw new HttpError(400, r.bad);
    if (!r.loaded) throw new HttpError(409, r.reason ?? 'not loaded');
    return sendJson(res, 200, { loaded: true, screen: await board.screen() });
  }
  if (is('POST', '/api/reboot')) {
    await readJson(req);
    await board.reboot();
    return sendJson(res, 200, await board.screen());
  }
  if (path.startsWith('/api/')) {
    const known = ['/api/screen', '/api/screen.png', '/api/flash', '/api/efuse', '/api/link-log', '/api/log', '/api/events', '/api/power-cut', '/api/reboot', '/api/clock', '/api/debug/load', '/api/device-events'];
    if (known.includes(path) || button) throw new HttpError(405, `${method} is not allowed on ${path}`);
  }
  throw new HttpError(404, `nothing at ${method} ${path}; see the README's control API`);
}

/** A raw body (a flash image for PUT /api/flash), at most 16 MiB. */
async function readBytes(req: http.IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 16 << 20) throw new HttpError(413, 'a flash image is at most 16 MiB');
    chunks.push(c as Buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, `request body over ${MAX_BODY} bytes`);
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HttpError(400, 'the request body must be a JSON object');
  return value as Record<string, unknown>;
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json', JSON.stringify(value));
}
