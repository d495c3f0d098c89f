/**
 * The device's side of sessions: Noise KK with the bound app's key (one round trip), then CBOR RPC in Noise
 * transport messages. Any decryption failure closes the session; an idle session closes after five minutes.
 * Peer CBOR is checked against limits before it is decoded (cbor.ts), and a method that throws answers
 * `internal-error` instead of taking the device down.
 */
import { constantTimeEqual, fromHex, wipe } from '../bytes.js';
import type { HealthTestedEntropy } from '../entropy/health.js';
import { LatchError } from '../errors.js';
import type { LogPort } from '../ports.js';
import { NoiseKK, keyPair, type Transport } from '../session/noise-kk.js';
import type { Vault } from '../vault/vault.js';
import { decodePeerCbor, encodeCbor } from './cbor.js';
import { ErrorCode, KEY_SIZE, Kind, message, sessionPrologue } from './messages.js';
import { RpcServer, type RpcResponse } from './rpc.js';

const EMPTY = new Uint8Array(0);
export const SESSION_IDLE_MS = 5 * 60_000;

interface Session extends Transport {
  appLabel: string;
  lastActive: number;
  /** the app asked for live events (events_subscribe) */
  events?: boolean;
}

export class SessionResponder {
  readonly rpc: RpcServer;
  private session: Session | undefined;

  constructor(
    private readonly vault: Vault,
    private readonly entropy: HealthTestedEntropy,
    private readonly log: LogPort,
    private readonly now: () => number,
    private readonly sendMessage: (m: Uint8Array) => void,
    private readonly fail: (code: number, text: string) => void,
    /** storage or RNG trouble while answering: the device says so on its screen too */
    private readonly deviceFault: (err: LatchError) => void,
    /** the session closed itself (idle): the link's own idle timer starts again */
    private readonly onClosed: () => void = () => {},
  ) {
    this.rpc = new RpcServer((response) => this.reply(response));
  }

  get active(): boolean {
    return this.session !== undefined;
  }

  get appLabel(): string | undefined {
    return this.session?.appLabel;
  }

  onInit(body: Uint8Array): void {
    this.end();
    if (body.length < KEY_SIZE + 48) throw new LatchError('bad-message', 'a session request is the app key and a Noise message (80 bytes at least)');
    const appPub = body.subarray(0, KEY_SIZE);
    const binding = this.vault.appBinding();
    if (!binding) return this.fail(ErrorCode.notBound, 'this device is not bound to any app: bind it with the code on its screen');
    if (!constantTimeEqual(appPub, binding.publicKey)) {
      return this.fail(ErrorCode.boundToOtherApp, 'this device is bound to another app: enter your binding code to re-bind');
    }
    const deviceId = fromHex(this.vault.deviceId!);
    const priv = this.vault.staticPrivateKey();
    const ephemeral = this.entropy.bytes(32);
    const noise = new NoiseKK('responder', keyPair(priv), binding.publicKey, keyPair(ephemeral), sessionPrologue(deviceId));
    wipe(priv, ephemeral);
    let reply: Uint8Array;
    try {
      noise.readMessage(body.subarray(KEY_SIZE));
      reply = noise.writeMessage(EMPTY);
    } catch (err) {
      noise.wipe();
      return this.fail(ErrorCode.sessionFailed, `the session handshake failed: ${(err as Error).message}`);
    }
    this.session = { ...noise.split(), appLabel: binding.label, lastActive: this.now() };
    this.log.log(`session opened with app named "${binding.label}"`);
    this.sendMessage(message(Kind.sessionAccept, reply));
  }

  onData(body: Uint8Array): void {
    const s = this.session;
    if (!s) return this.fail(ErrorCode.noSession, 'no session: open one first (requests before a session are refused)');
    let plain: Uint8Array;
    try {
      plain = s.receive.decrypt(EMPTY, body);
    } catch {
      this.end();
      return this.fail(ErrorCode.sessionFailed, 'a session message failed to decrypt: the session is closed');
    }
    s.lastActive = this.now();
    let request: unknown;
    try {
      request = decodePeerCbor(plain);
    } catch (err) {
      return this.reply({ id: null, error: { code: 'bad-request', message: (err as Error).message } });
    } finally {
      wipe(plain);
    }
    try {
      this.rpc.handle(request, s.appLabel);
    } catch (err) {
      // A method that throws must not take the device down: answer, log, keep serving. Storage and RNG
      // failures (LatchError) are also shown on the screen by the device.
      const id = (request as { id?: unknown })?.id ?? null;
      this.log.log(`rpc: ${(request as { method?: string })?.method ?? '?'} failed: ${(err as Error)?.message ?? err}`);
      this.reply({ id: typeof id === 'number' ? id : null, error: { code: err instanceof LatchError ? 'device-fault' : 'internal-error', message: `the device could not complete the request: ${(err as Error)?.message ?? err}` } });
      if (err instanceof LatchError) this.deviceFault(err);
    }
  }

  /** The app asked for live events in this session; a new session starts without. */
  subscribeEvents(): void {
    if (this.session) this.session.events = true;
  }

  get eventsSubscribed(): boolean {
    return this.session?.events === true;
  }

  /** An unasked notice to the bound app (no reply expected). */
  notify(name: string, data: unknown): void {
    if (!this.session) return;
    this.reply({ notify: name, data } as unknown as RpcResponse);
  }

  /** Close a session idle for SESSION_IDLE_MS. */
  tick(): void {
    const s = this.session;
    if (s && this.now() - s.lastActive >= SESSION_IDLE_MS && !this.rpc.busyWith) {
      this.onClosed();
      this.end();
      this.log.log('session closed: idle for 5 minutes');
      this.fail(ErrorCode.timeout, 'the session was idle for 5 minutes and is closed: open a new one');
    }
  }

  end(): void {
    this.rpc.close();
    this.session?.send.wipe();
    this.session?.receive.wipe();
    this.session = undefined;
  }

  private reply(response: RpcResponse): void {
    const s = this.session;
    if (!s) return;
    s.lastActive = this.now();
    const plain = encodeCbor(response);
    this.sendMessage(message(Kind.sessionData, s.send.encrypt(EMPTY, plain)));
    wipe(plain);
  }
}
