/**
 * A minimal driver for the `xsnap-worker` binary that `@agoric/xsnap` builds from source at install time.
 *
 * Why not `@agoric/xsnap`'s own `xsnap()` API: it needs SES `lockdown()` in the Node process, which would
 * freeze Node's intrinsics under ws, playwright and ava. The worker's wire protocol is small, so we speak it
 * here: netstrings on fd 3 (to XS) and fd 4 (from XS).
 *   to XS:   `e<source>` evaluate a script, `?<bytes>` call the guest's `handleCommand`, `/<bytes>` answer a query
 *   from XS: `.<meter json>\x01<reply>` done, `!<message>` uncaught error, `?<bytes>` a synchronous
 *            `issueCommand()` from the guest that we must answer before it continues.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';

export interface MeterUsage {
  /** xsnap's deterministic compute meter ("computrons") for the last evaluate or command. */
  compute: number;
  /** bytes allocated during it */
  allocate: number;
  currentHeapCount?: number;
}

export interface RunResult {
  reply: Uint8Array;
  meter: MeterUsage;
}

export type QueryHandler = (request: Uint8Array) => Uint8Array;

export interface XsWorkerOptions {
  /** answers the guest's synchronous `issueCommand(ArrayBuffer)`; must be synchronous too */
  onQuery?: QueryHandler;
  /** the guest's `print()` output */
  onPrint?: (line: string) => void;
  /** compute limit per crank; 0 = none */
  meteringLimit?: number;
  name?: string;
}

const require = createRequire(import.meta.url);

export function xsnapWorkerPath(): string {
  const pkgDir = path.dirname(require.resolve('@agoric/xsnap/package.json'));
  return path.join(pkgDir, 'xsnap-native/xsnap/build/bin/lin/release/xsnap-worker');
}

const OK = 0x2e; // '.'
const ERROR = 0x21; // '!'
const QUERY = 0x3f; // '?'

export class XsWorker {
  private readonly child: ChildProcess;
  private readonly toXs: Writable;
  private inbox: Buffer = Buffer.alloc(0);
  private waiters: ((m: Buffer | null) => void)[] = [];
  private queue: Buffer[] = [];
  private closed = false;
  private exitReason = '';
  private baton: Promise<unknown> = Promise.resolve();
  private readonly onQuery: QueryHandler;

  constructor(opts: XsWorkerOptions = {}) {
    this.onQuery = opts.onQuery ?? (() => new Uint8Array(0));
    const args = [opts.name ?? 'latch'];
    args.push('-l', String(opts.meteringLimit ?? 0));
    this.child = spawn(xsnapWorkerPath(), args, {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe', 'ignore', 'ignore', 'ignore', 'ignore'],
    });
    this.toXs = this.child.stdio[3] as Writable;
    const fromXs = this.child.stdio[4] as Readable;
    fromXs.on('data', (chunk: Buffer) => this.onData(chunk));
    fromXs.on('end', () => this.finish('xsnap worker closed its channel'));
    // Killing the worker (a simulated power cut) breaks these pipes mid-write: that ends the worker, no more.
    const broken = (err: Error) => this.finish(`xsnap worker channel failed: ${err.message}`);
    this.toXs.on('error', broken);
    fromXs.on('error', broken);
    this.child.stdout?.on('error', broken);
    this.child.stderr?.on('error', broken);
    const print = opts.onPrint ?? ((line: string) => process.stdout.write(`[xs] ${line}\n`));
    let partial = '';
    const forward = (chunk: Buffer) => {
      partial += chunk.toString('utf8');
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) print(line);
    };
    this.child.stdout?.on('data', forward);
    this.child.stderr?.on('data', forward);
    this.child.on('exit', (code, signal) => this.finish(`xsnap worker exited (code ${code}, signal ${signal})`));
    this.child.on('error', (err) => this.finish(`xsnap worker failed to start: ${err.message}`));
  }

  /** Evaluate a script (an IIFE bundle) in the guest. */
  evaluate(source: string): Promise<RunResult> {
    return this.send(Buffer.concat([Buffer.from('e'), Buffer.from(source, 'utf8')]));
  }

  /** Call the guest's global `handleCommand(ArrayBuffer)`; its returned ArrayBuffer is the reply. */
  command(bytes: Uint8Array): Promise<RunResult> {
    return this.send(Buffer.concat([Buffer.from('?'), Buffer.from(bytes)]));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.child.kill();
    for (const w of this.waiters.splice(0)) w(null);
  }

  private send(message: Buffer): Promise<RunResult> {
    const run = this.baton.then(async () => {
      if (this.closed) throw new Error(this.exitReason || 'xsnap worker is closed');
      this.writeNetstring(message);
      return this.runToIdle();
    });
    this.baton = run.catch(() => undefined);
    return run;
  }

  private async runToIdle(): Promise<RunResult> {
    for (;;) {
      const message = await this.next();
      if (message === null) throw new Error(this.exitReason || 'xsnap worker closed');
      if (message.length === 0) throw new Error('xsnap protocol error: empty message');
      const tag = message[0];
      if (tag === OK) {
        const sep = message.indexOf(1, 1);
        const meter: MeterUsage = sep >= 0 ? JSON.parse(message.subarray(1, sep).toString('utf8')) : { compute: 0, allocate: 0 };
        return { reply: new Uint8Array(message.subarray(sep < 0 ? 1 : sep + 1)), meter };
      }
      if (tag === ERROR) throw new Error(`uncaught exception in XS: ${message.subarray(1).toString('utf8')}`);
      if (tag === QUERY) {
        let answer: Uint8Array;
        try {
          answer = this.onQuery(new Uint8Array(message.subarray(1)));
        } catch (err) {
          // The guest is blocked waiting; answer with an empty reply so it can raise its own error.
          process.stderr.write(`xsnap query handler failed: ${(err as Error).stack}\n`);
          answer = new Uint8Array(0);
        }
        this.writeNetstring(Buffer.concat([Buffer.from('/'), Buffer.from(answer)]));
        continue;
      }
      throw new Error(`xsnap protocol error: unknown message tag ${tag}`);
    }
  }

  private writeNetstring(payload: Buffer): void {
    if (this.closed) return;
    this.toXs.write(Buffer.concat([Buffer.from(`${payload.length}:`), payload, Buffer.from(',')]));
  }

  private onData(chunk: Buffer): void {
    this.inbox = this.inbox.length ? Buffer.concat([this.inbox, chunk]) : chunk;
    for (;;) {
      const colon = this.inbox.indexOf(0x3a);
      if (colon < 0) return;
      const len = Number(this.inbox.subarray(0, colon).toString('ascii'));
      if (!Number.isInteger(len)) return this.finish('xsnap protocol error: bad netstring length');
      if (this.inbox.length < colon + 1 + len + 1) return;
      const payload = this.inbox.subarray(colon + 1, colon + 1 + len);
      this.inbox = this.inbox.subarray(colon + 2 + len);
      const waiter = this.waiters.shift();
      if (waiter) waiter(Buffer.from(payload));
      else this.queue.push(Buffer.from(payload));
    }
  }

  private next(): Promise<Buffer | null> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private finish(reason: string): void {
    if (!this.exitReason) this.exitReason = reason;
    this.closed = true;
    for (const w of this.waiters.splice(0)) w(null);
  }
}
