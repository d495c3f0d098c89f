/**
 * A tool's session through the local agent (wire.ts): what a command sees is the same as a session of its own,
 * but the requests go over the agent's socket and the agent's one session to the device.
 */
import net from 'node:net';
import { RpcError } from '../client.js';
import { SessionView } from './session-view.js';
import { AGENT_PROTOCOL, FrameReader, MAX_ANSWER_FRAME, checkSocketFile, frame, readBody, socketPath } from './wire.js';

/** The agent went away (stopped, or its device link ended) before it answered. */
export class AgentGoneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgentGoneError';
  }
}

interface Pending {
  resolve(result: unknown): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** time the agent has to answer beyond the request's own time-out before the tool gives up on it */
const AGENT_GRACE_MS = 5_000;

export class AgentSession extends SessionView {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  private constructor(private readonly socket: net.Socket, readonly path: string, readonly pid: number, readonly deviceId: Uint8Array, readonly device: string) {
    super();
  }

  /**
   * The agent serving `home`, or undefined when there is none (no socket, or a stale one nobody answers).
   * A socket that is not safe to use (another user's, or in a folder others can write) is refused, loudly.
   */
  static async connect(home: string, timeoutMs = 3_000): Promise<AgentSession | undefined> {
    const file = socketPath(home);
    // none there: no agent; one that is not safe to use (another user's, a folder others write) is refused loudly
    if (!checkSocketFile(file)) return undefined;
    const socket = net.connect(file);
    const connected = await new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(true));
      socket.once('error', () => resolve(false));
    });
    if (!connected) {
      socket.destroy();
      return undefined;
    }
    let session: AgentSession | undefined;
    const hello = await new Promise<Record<string, any>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new AgentGoneError(`the agent at ${file} did not say hello within ${timeoutMs / 1000} s`)), timeoutMs);
      const reader = new FrameReader(MAX_ANSWER_FRAME, (body) => {
        let m: Record<string, any>;
        try {
          m = readBody(body);
        } catch (err) {
          socket.destroy();
          clearTimeout(timer);
          reject(new AgentGoneError(`the agent at ${file} sent something unreadable: ${(err as Error).message}`));
          return;
        }
        if (session) session.receive(m);
        else if (m.hello) {
          clearTimeout(timer);
          resolve(m.hello);
        }
      }, (declared) => {
        socket.destroy();
        session?.end(`the agent sent a frame of ${declared} bytes`);
      });
      socket.on('data', (chunk: Buffer) => reader.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearTimeout(timer);
        reject(new AgentGoneError(`the agent at ${file} closed the connection`));
        session?.end(`the agent (pid ${session.pid}) stopped`);
      });
    });
    if (hello.version !== AGENT_PROTOCOL || !(hello.deviceId instanceof Uint8Array)) {
      socket.destroy();
      throw new AgentGoneError(`the agent at ${file} speaks another version (${JSON.stringify(hello.version)}): stop it and start it again with this latch`);
    }
    session = new AgentSession(socket, file, Number(hello.pid), hello.deviceId, String(hello.device));
    return session;
  }

  call(method: string, params?: Record<string, unknown>, timeoutMs = 10_000): Promise<any> {
    if (this.endedWhy !== undefined) return Promise.reject(new AgentGoneError(this.endedWhy));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new AgentGoneError(`the agent (pid ${this.pid}) did not answer ${method} within ${(timeoutMs + AGENT_GRACE_MS) / 1000} s`));
      }, timeoutMs + AGENT_GRACE_MS);
      this.pending.set(id, { resolve, reject, timer });
      this.socket.write(frame({ id, method, ...(params ? { params } : {}), timeoutMs }));
    });
  }

  async close(): Promise<void> {
    this.socket.end();
    this.end('this tool closed its connection to the agent');
  }

  private receive(m: Record<string, any>): void {
    if (typeof m.notify === 'string') {
      this.hear({ notify: m.notify, data: m.data });
      return;
    }
    if (typeof m.gone === 'string') {
      this.end(`the device's link is gone (${m.gone}): the agent (pid ${this.pid}) stopped`);
      return;
    }
    const p = typeof m.id === 'number' ? this.pending.get(m.id) : undefined;
    if (!p) return;
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.error) p.reject(new RpcError(String(m.error.code), String(m.error.message)));
    else p.resolve(m.result);
  }

  private end(why: string): void {
    if (this.endedWhy !== undefined) return;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new AgentGoneError(why));
    }
    this.pending.clear();
    this.markEnded(why);
  }
}
