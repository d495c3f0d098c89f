/**
 * The app side of the Latch protocol, as a phone app would speak it: framing over a packet transport, binding
 * (CPace initiator with the code the user reads off the device's screen), sessions (Noise KK initiator) and
 * CBOR RPC inside them. It reuses the device's own portable modules for the protocol pieces.
 */
import { randomBytes } from 'node:crypto';
import { concatBytes, toHex, utf8Encode } from '../../modules/bytes.js';
import { cpace } from '../../modules/binding/cpace.js';
import { normaliseCode } from '../../modules/binding/code.js';
import { BACKUP_CODE_LENGTH, BACKUP_SALT_SIZE, backupVerifier } from '../../modules/binding/backup-code.js';
import {
  DEVICE_ID_SIZE, ErrorCode, KEY_SIZE, Kind, MAX_LABEL, NONCE_SIZE, TAG_SIZE, bindContext, message, parseError, sessionPrologue,
} from '../../modules/protocol/messages.js';
import { NoiseKK, keyPair, type KeyPair, type Transport } from '../../modules/session/noise-kk.js';
import { MAX_MESSAGE, Reassembler, fragment } from '../../modules/transport/framing.js';
import type { PacketTransport } from './transport.js';
import { decodeCbor, encodeCbor } from '../../modules/protocol/cbor.js';

const EMPTY = new Uint8Array(0);

/** An ERROR message from the device, with its code name (modules/protocol/messages.ts). */
export class DeviceError extends Error {
  constructor(readonly code: number, readonly codeName: string, message: string) {
    super(message);
    this.name = 'DeviceError';
  }
}

export interface DeviceIdentity {
  id: Uint8Array;
  publicKey: Uint8Array;
}

/** `pending`: allowed on the device, bound only after the guard's wait (`inMs` of device time); the bound app can refuse it. */
export type BindResult = { outcome: 'allowed' | 'refused'; device: DeviceIdentity } | { outcome: 'pending'; inMs: number; device: DeviceIdentity };

export interface DeviceInfo {
  protocol: number;
  blank: boolean;
}

export class LatchClient {
  private readonly reassembler: Reassembler;
  private inbox: Uint8Array[] = [];
  private waiter: ((m: Uint8Array | Error) => void) | undefined;
  private closedReason: string | undefined;
  /** every message this client sent or received, for tests that inspect the traffic */
  readonly trace: { dir: 'out' | 'in'; message: Uint8Array }[] = [];

  /** sends go out whole and in order: two requests' packets never interleave (the agent sends for many callers) */
  private sending: Promise<void> = Promise.resolve();

  constructor(readonly transport: PacketTransport) {
    this.reassembler = new Reassembler(
      {
        message: (m) => this.deliver(m),
        error: (_code, text) => this.deliver(new Error(`garbled message from the device: ${text}`)),
      },
      () => performance.now(),
    );
    transport.onPacket((p) => this.reassembler.push(p));
    transport.onClose((reason) => {
      this.closedReason = reason;
      this.deliver(new Error(reason));
    });
  }

  async info(): Promise<DeviceInfo> {
    const info = await this.transport.readInfo();
    return { protocol: info[0], blank: (info[1] & 1) === 1 };
  }

  send(m: Uint8Array): Promise<void> {
    this.trace.push({ dir: 'out', message: m.slice() });
    const sent = this.sending.then(async () => {
      for (const p of fragment(m, this.transport.mtu)) await this.transport.send(p);
    });
    this.sending = sent.catch(() => undefined);
    return sent;
  }

  /** The next message of `kind`; an ERROR from the device throws DeviceError. */
  async expect(kind: number, timeoutMs = 10_000): Promise<Uint8Array> {
    const m = await this.next(timeoutMs);
    if (m[0] === Kind.error) {
      const e = parseError(m.subarray(1));
      throw new DeviceError(e.code, e.name, e.message);
    }
    if (m[0] !== kind) throw new Error(`expected message kind 0x${kind.toString(16)}, got 0x${m[0].toString(16)}`);
    return m.subarray(1);
  }

  /**
   * Bind this app. `askCode` is called once the device shows its code (the user reads it off the LCD); the
   * device then asks its user to allow the app, so allow `allowTimeoutMs` for that.
   */
  async bind(app: KeyPair, label: string, askCode: () => Promise<string>, allowTimeoutMs = 120_000, onWaitingForUser?: () => void, withBackupCode = false): Promise<BindResult> {
    if (!label || utf8Encode(label).length > MAX_LABEL) throw new Error(`the app label must be 1 to ${MAX_LABEL} bytes`);
    const nonceA = new Uint8Array(randomBytes(NONCE_SIZE));
    await this.send(message(withBackupCode ? Kind.bindRequestBackup : Kind.bindRequest, nonceA, app.pub, utf8Encode(label)));
    const challenge = await this.expect(Kind.bindChallenge);
    const saltSize = withBackupCode ? BACKUP_SALT_SIZE : 0;
    if (challenge.length !== NONCE_SIZE + KEY_SIZE + DEVICE_ID_SIZE + saltSize) throw new Error('the device sent a malformed challenge');
    const nonceB = challenge.slice(0, NONCE_SIZE);
    const device = { publicKey: challenge.slice(NONCE_SIZE, NONCE_SIZE + KEY_SIZE), id: challenge.slice(NONCE_SIZE + KEY_SIZE, NONCE_SIZE + KEY_SIZE + DEVICE_ID_SIZE) };
    const typed = await askCode();
    let password: Uint8Array;
    if (withBackupCode) {
      const code = normaliseCode(typed, BACKUP_CODE_LENGTH);
      if (!code) throw new Error(`a backup code is ${BACKUP_CODE_LENGTH} characters from 2-9 and A-Z without I and O (spaces and dashes do not matter)`);
      // CPace's password is the code's salted hash, as the device keeps it; the code itself never leaves here.
      password = backupVerifier(challenge.subarray(NONCE_SIZE + KEY_SIZE + DEVICE_ID_SIZE), code);
    } else {
      const code = normaliseCode(typed);
      if (!code) throw new Error('a binding code is 8 characters from 2-9 and A-Z without I and O');
      password = utf8Encode(code);
    }
    const ctx = bindContext(device.id, nonceA, nonceB, app.pub, label, device.publicKey, withBackupCode);
    const party = cpace('initiator', password, ctx.ci, ctx.sid, ctx.adApp, ctx.adDevice, new Uint8Array(randomBytes(32)));
    await this.send(message(Kind.bindShareA, party.share));
    const shareB = await this.expect(Kind.bindShareB);
    if (shareB.length !== KEY_SIZE + TAG_SIZE) throw new Error('the device sent a malformed key share');
    const keys = party.finish(shareB.subarray(0, KEY_SIZE));
    const deviceProvedCode = keys.checkPeerTag(shareB.subarray(KEY_SIZE));
    // Send our tag either way: on a wrong code the device then says so on its screen at once. Our Unix time goes
    // with it: a device that just rebooted knows no time, and may need it to check a verification code.
    const now = new Uint8Array(8);
    new DataView(now.buffer).setBigUint64(0, BigInt(Math.floor(Date.now() / 1000)));
    await this.send(message(Kind.bindConfirmA, keys.ourTag, now));
    keys.wipe();
    party.wipe();
    password.fill(0);
    if (!deviceProvedCode) {
      const err = await this.expect(Kind.bindResult).then(() => undefined, (e) => e);
      throw err instanceof DeviceError ? err : new DeviceError(ErrorCode.bindFailed, 'bindFailed', `wrong ${withBackupCode ? 'backup' : 'binding'} code`);
    }
    onWaitingForUser?.();
    const result = await this.expect(Kind.bindResult, allowTimeoutMs);
    if (result[0] === 2 && result.length === 9) return { outcome: 'pending', inMs: Number(new DataView(result.buffer, result.byteOffset + 1, 8).getBigUint64(0)), device };
    return { outcome: result[0] === 0 ? 'allowed' : 'refused', device };
  }

  /** Open an encrypted session with a device this app is bound to. */
  async openSession(app: KeyPair, device: DeviceIdentity): Promise<Session> {
    const noise = new NoiseKK('initiator', app, device.publicKey, keyPair(new Uint8Array(randomBytes(32))), sessionPrologue(device.id));
    await this.send(message(Kind.sessionInit, app.pub, noise.writeMessage(EMPTY)));
    const accept = await this.expect(Kind.sessionAccept);
    noise.readMessage(accept);
    return new Session(this, noise.split());
  }

  /**
   * Ask the device whether it is bound to this app key without knowing the device's key: it answers a
   * session request from an unknown or foreign key before any cryptography.
   */
  async probeBinding(app: KeyPair): Promise<'unbound' | 'bound-to-other-app' | 'bound-to-this-key'> {
    await this.send(message(Kind.sessionInit, app.pub, new Uint8Array(randomBytes(48))));
    try {
      await this.expect(Kind.sessionAccept);
      return 'bound-to-this-key';
    } catch (err) {
      if (err instanceof DeviceError && err.code === ErrorCode.notBound) return 'unbound';
      if (err instanceof DeviceError && err.code === ErrorCode.boundToOtherApp) return 'bound-to-other-app';
      if (err instanceof DeviceError && err.code === ErrorCode.sessionFailed) return 'bound-to-this-key';
      throw err;
    }
  }

  /** Wait `ms`, then return (and forget) every message that arrived unasked: QA benches use it between cases. */
  async drain(ms = 150): Promise<Uint8Array[]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.inbox.splice(0);
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  private deliver(m: Uint8Array | Error): void {
    if (m instanceof Uint8Array) this.trace.push({ dir: 'in', message: m.slice() });
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(m);
    } else if (m instanceof Uint8Array) this.inbox.push(m);
  }

  private next(timeoutMs: number): Promise<Uint8Array> {
    const queued = this.inbox.shift();
    if (queued) return Promise.resolve(queued);
    if (this.closedReason) return Promise.reject(new Error(this.closedReason));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`the device did not answer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.waiter = (m) => {
        clearTimeout(timer);
        if (m instanceof Error) reject(m);
        else resolve(m);
      };
    });
  }
}

/** the largest request a session message carries: MAX_MESSAGE less the kind byte and the AEAD tag */
export const MAX_REQUEST_BYTES = MAX_MESSAGE - 1 - 16;

/** A request too large for one message: refused before it is encrypted, so no nonce is used and the session lives. */
export class RequestTooLargeError extends Error {
  constructor(readonly size: number) {
    super(`the request is ${size} bytes; a request is at most ${MAX_REQUEST_BYTES} bytes (nothing was sent: the session is still open)`);
    this.name = 'RequestTooLargeError';
  }
}

export class RpcError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'RpcError';
  }
}

/** An unasked notice from the device inside a session, e.g. {notify: 'confirm-on-device', data: {request}}. */
export interface DeviceNotice {
  notify: string;
  data: unknown;
}

/**
 * What a command needs of a session: the direct one (Session) or one served by the local agent
 * (agent/agent-session.ts), which forwards each request over the agent's own session.
 */
export interface RpcSession {
  call(method: string, params?: Record<string, unknown>, timeoutMs?: number): Promise<any>;
  onNotice(listener: (n: DeviceNotice) => void): void;
  /** read on with no request waiting until the session ends (resolves with why) */
  watch(): Promise<string>;
  /** withdraw this caller's request that waits for the owner */
  cancel(): Promise<void>;
  readonly notices: DeviceNotice[];
}

interface Waiter {
  resolve(result: any): void;
  reject(err: Error): void;
  deadline: number;
  timeoutMs: number;
}

export class Session implements RpcSession {
  private nextId = 1;
  /** hear each request's end (answer, error or time-out) as the reply is read, before its promise settles */
  private readonly settledListeners: ((id: number) => void)[] = [];
  private readonly waiters = new Map<number, Waiter>();
  private pumping = false;
  /** reading on with no request waiting (following events) until the link closes */
  private readonly watchers: ((why: string) => void)[] = [];
  private readonly noticeListeners: ((n: DeviceNotice) => void)[] = [];
  /** notices that arrived, newest last (tests and the CLI read them) */
  readonly notices: DeviceNotice[] = [];

  constructor(private readonly client: LatchClient, private readonly transport: Transport) {}

  get handshakeHash(): string {
    return toHex(this.transport.handshakeHash);
  }

  /** Hear the device's notices ("confirm-on-device", "waiting-for-owner", and later events). */
  onNotice(listener: (n: DeviceNotice) => void): void {
    this.noticeListeners.push(listener);
  }

  /** Call `method`; resolves with its result, throws RpcError for an error reply. */
  async call(method: string, params?: Record<string, unknown>, timeoutMs = 10_000): Promise<any> {
    return this.start(method, params, timeoutMs).answer;
  }

  /** Like call, saying the request's id at once (the agent routes the device's notices by it). */
  start(method: string, params?: Record<string, unknown>, timeoutMs = 10_000): { id: number; answer: Promise<any> } {
    const id = this.nextId++;
    // `time`: this computer's Unix time, the device's only source for which verification-code step is current
    return { id, answer: this.request({ id, method, ...(params ? { params } : {}), time: Math.floor(Date.now() / 1000) }, timeoutMs) };
  }

  /** Hear each request end, synchronously as its reply is read (in the device's order, unlike promise callbacks). */
  onSettled(listener: (id: number) => void): void {
    this.settledListeners.push(listener);
  }

  /** Send any CBOR value as a request (tests use this for malformed requests). */
  async request(value: unknown, timeoutMs = 10_000): Promise<any> {
    const id = (value as { id?: unknown })?.id;
    const key = typeof id === 'number' ? id : -1;
    // Check the size before encrypting: a message the device must refuse would use up a nonce and close the session.
    const plain = encodeCbor(value);
    if (plain.length > MAX_REQUEST_BYTES) throw new RequestTooLargeError(plain.length);
    const done = new Promise<any>((resolve, reject) => this.waiters.set(key, { resolve, reject, deadline: performance.now() + timeoutMs, timeoutMs }));
    try {
      await this.client.send(message(Kind.sessionData, this.transport.send.encrypt(EMPTY, plain)));
    } catch (err) {
      this.waiters.delete(key);
      throw err;
    }
    void this.pump();
    return done;
  }

  /** Keep reading the device's notices with no request waiting, until the link closes (resolves with why). */
  watch(): Promise<string> {
    return new Promise<string>((resolve) => {
      this.watchers.push(resolve);
      void this.pump();
    });
  }

  /** Withdraw the request waiting for the owner (the device answers it `cancelled`). */
  async cancel(): Promise<void> {
    await this.call('cancel');
  }

  /** Read session messages while requests wait: replies go to their request, notices to the listeners. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiters.size || this.watchers.length) {
        let m: Uint8Array;
        try {
          m = await this.client.expect(Kind.sessionData, 500);
        } catch (err) {
          if (/did not answer within/.test((err as Error).message)) {
            const now = performance.now();
            for (const [k, w] of this.waiters) {
              if (now < w.deadline) continue;
              this.waiters.delete(k);
              for (const l of this.settledListeners) l(k);
              w.reject(new Error(`the device did not answer within ${w.timeoutMs / 1000} s`));
            }
            continue;
          }
          for (const [k, w] of this.waiters) {
            for (const l of this.settledListeners) l(k);
            w.reject(err as Error);
          }
          this.waiters.clear();
          for (const w of this.watchers.splice(0)) w((err as Error).message);
          return;
        }
        const reply = decodeCbor(this.transport.receive.decrypt(EMPTY, m)) as any;
        if (reply && typeof reply.notify === 'string') {
          const n = { notify: reply.notify, data: reply.data };
          this.notices.push(n);
          for (const l of this.noticeListeners) l(n);
          continue;
        }
        const key = typeof reply?.id === 'number' ? reply.id : -1;
        const w = this.waiters.get(key) ?? (key === -1 ? [...this.waiters.values()].pop() : undefined);
        if (!w) continue; // an answer nobody waits for any more
        for (const [k, v] of this.waiters) {
          if (v !== w) continue;
          this.waiters.delete(k);
          for (const l of this.settledListeners) l(k);
        }
        if (reply.error) w.reject(new RpcError(reply.error.code, reply.error.message));
        else w.resolve(reply.result);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Send raw bytes as a session message (tests: tampering). */
  async sendRaw(ciphertext: Uint8Array): Promise<void> {
    await this.client.send(concatBytes(Uint8Array.of(Kind.sessionData), ciphertext));
  }

  encryptForTest(plaintext: Uint8Array): Uint8Array {
    return this.transport.send.encrypt(EMPTY, plaintext);
  }
}
