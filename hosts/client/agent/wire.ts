/**
 * The local agent's socket: where it is, who may reach it, and how messages go over it.
 *
 * Frames are a 4-byte big-endian length and one CBOR map (checked with the session's own CBOR limits before it is
 * decoded). Requests, not bytes, cross the socket; the agent encrypts each one itself on its one Noise session:
 *   tool -> agent   {id, method, params?, timeoutMs?}
 *   agent -> tool   {hello: {version, pid, deviceId, device}}    once, when the tool connects
 *                   {id, result} | {id, error: {code, message}}   one answer per request (id null: unreadable)
 *                   {notify, data}                                a device notice for this tool
 *                   {gone: reason}                                the device's link ended; the agent stops
 *
 * Who may reach it: the socket is created 0600 in a folder that is this user's own and that no group or other
 * user can write (the key store, 0700), so only this user's processes connect, as only they can read the key file.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MAX_REQUEST_BYTES } from '../client.js';
import { SESSION_CBOR_LIMITS, checkCbor, decodeCbor, encodeCbor } from '../../../modules/protocol/cbor.js';

export const AGENT_PROTOCOL = 1;
/** a request frame: the largest session request and room for the socket's own keys (id, timeoutMs) */
export const MAX_REQUEST_FRAME = MAX_REQUEST_BYTES + 64;
/** what the agent sends: a device answer re-encoded is well under this */
export const MAX_ANSWER_FRAME = 1 << 20;

/** The agent's socket is not safe to use, or cannot be made so: said with what to do. */
export class AgentSocketError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgentSocketError';
  }
}

/**
 * `<home>/agent.sock`; when that path is too long for a Unix socket (about 100 bytes), one named after the home
 * in $XDG_RUNTIME_DIR (the user's own 0700 run folder).
 */
export function socketPath(home: string): string {
  const inHome = path.join(path.resolve(home), 'agent.sock');
  if (Buffer.byteLength(inHome) <= 100 || !process.env.XDG_RUNTIME_DIR) return inHome;
  const tag = createHash('sha256').update(path.resolve(home)).digest('hex').slice(0, 16);
  return path.join(process.env.XDG_RUNTIME_DIR, `latch-agent-${tag}.sock`);
}

/** The folder must be this user's and writable by nobody else: else another user could swap the socket. */
export function checkPrivateFolder(dir: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch (err) {
    throw new AgentSocketError(`the agent's folder ${dir} cannot be used (${(err as NodeJS.ErrnoException).code})`);
  }
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) throw new AgentSocketError(`${dir} belongs to another user (uid ${st.uid}): the agent's socket is only used in a folder of your own`);
  if ((st.mode & 0o022) !== 0) throw new AgentSocketError(`${dir} can be written by other users (mode ${(st.mode & 0o777).toString(8)}): chmod go-w it (700 is best) before the agent's socket is used there`);
}

/** A socket file this user made, in such a folder: the only kind a tool connects to or an agent replaces. */
export function checkSocketFile(file: string): fs.Stats | undefined {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch {
    return undefined; // no agent: nothing to check
  }
  checkPrivateFolder(path.dirname(file));
  const uid = process.getuid?.();
  if (!st.isSocket()) throw new AgentSocketError(`${file} is not a socket: move it away, it is where the agent listens`);
  if (uid !== undefined && st.uid !== uid) throw new AgentSocketError(`${file} belongs to another user (uid ${st.uid}): not used`);
  return st;
}

export function frame(value: unknown): Uint8Array {
  const body = encodeCbor(value);
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, body.length);
  out.set(body, 4);
  return out;
}

/** Decode one frame's body from a peer: the session's CBOR limits first, then a map or an error. */
export function readBody(body: Uint8Array): Record<string, unknown> {
  checkCbor(body, SESSION_CBOR_LIMITS);
  const v = decodeCbor(body);
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) throw new Error('a message is a CBOR map');
  return v as Record<string, unknown>;
}

/**
 * Cuts a byte stream into frames. A frame that says it is longer than `max` cannot be skipped safely (the peer
 * may be sending anything): `oversize` is called once and the reader stops.
 */
export class FrameReader {
  private buffer = new Uint8Array(0);
  private stopped = false;

  constructor(private readonly max: number, private readonly onFrame: (body: Uint8Array) => void, private readonly oversize: (declared: number) => void) {}

  push(chunk: Uint8Array): void {
    if (this.stopped) return;
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer);
    joined.set(chunk, this.buffer.length);
    let at = 0;
    while (!this.stopped && joined.length - at >= 4) {
      const size = new DataView(joined.buffer, at, 4).getUint32(0);
      if (size > this.max) {
        this.stopped = true;
        this.oversize(size);
        return;
      }
      if (joined.length - at - 4 < size) break;
      const body = joined.slice(at + 4, at + 4 + size);
      at += 4 + size;
      this.onFrame(body);
    }
    this.buffer = joined.slice(at);
  }
}
