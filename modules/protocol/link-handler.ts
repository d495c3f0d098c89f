/**
 * The device end of the link: reassembles messages from packets, runs the binding responder (CPace with the
 * binding code shown on the LCD) and the session responder (Noise KK, then CBOR RPC). Every bad input gets an
 * ERROR message and leaves the device ready for the next message; nothing here ever sends the code.
 */
import { constantTimeEqual, fromHex, utf8Encode, wipe } from '../bytes.js';
import type { HealthTestedEntropy } from '../entropy/health.js';
import { LatchError } from '../errors.js';
import type { ClockPort, LinkPort, LogPort } from '../ports.js';
import { cpace, type CPaceKeys, type CPaceParty } from '../binding/cpace.js';
import { makeBindingCode } from '../binding/code.js';
import { NoiseKK, keyPair, type Transport } from '../session/noise-kk.js';
import { Reassembler, fragment } from '../transport/framing.js';
import { BIND_FREE_ATTEMPTS, type Vault } from '../vault/vault.js';
import {
  ErrorCode, KEY_SIZE, Kind, NONCE_SIZE, TAG_SIZE, bindContext, errorMessage, message, parseBindRequest, sessionPrologue,
} from './messages.js';
import { handleRpc, type RpcContext } from './rpc.js';
import { decodeCbor, encodeCbor } from './cbor.js';

const EMPTY = new Uint8Array(0);

/** What the link needs from the device's screen: every security decision is taken there. */
export interface LinkUi {
  showBindCode(code: string, label: string): void;
  askAllow(label: string, answer: (allow: boolean) => void): void;
  bindFailed(reason: string, failures: number, waitMs: number): void;
  bound(label: string): void;
  askReset(label: string): void;
  /** the link went away in the middle of something the screen shows */
  abandoned(): void;
}

interface BindState {
  phase: 'challenged' | 'confirming' | 'asking';
  nonceA: Uint8Array;
  appPub: Uint8Array;
  label: string;
  party?: CPaceParty;
  keys?: CPaceKeys;
  code: string;
  ctx: ReturnType<typeof bindContext>;
}

export class LinkHandler {
  private mtu = 23;
  private connected = false;
  private readonly reassembler: Reassembler;
  private bind: BindState | undefined;
  private session: (Transport & { appLabel: string }) | undefined;

  constructor(
    private readonly vault: Vault,
    private readonly entropy: HealthTestedEntropy,
    private readonly link: LinkPort,
    private readonly clock: Pick<ClockPort, 'now'>,
    private readonly log: LogPort,
    private readonly ui: LinkUi,
    private readonly rpc: Omit<RpcContext, 'appLabel'>,
    private readonly faulted: () => boolean,
  ) {
    this.reassembler = new Reassembler(
      {
        message: (m) => this.onMessage(m),
        error: (code, text) => {
          this.log.log(`link: ${code}: ${text}`);
          this.send(errorMessage(ErrorCode.badFrame, text));
        },
      },
      () => this.clock.now(),
    );
  }

  get inSession(): boolean {
    return this.session !== undefined;
  }

  onConnected(mtu: number): void {
    this.connected = true;
    this.mtu = mtu;
  }

  onMtu(mtu: number): void {
    this.mtu = mtu;
  }

  onDisconnected(): void {
    this.connected = false;
    this.reassembler.reset();
    const wasBinding = this.bind !== undefined;
    this.endBind();
    this.endSession();
    if (wasBinding) this.ui.abandoned();
  }

  onPacket(packet: Uint8Array): void {
    this.reassembler.push(packet);
  }

  tick(): void {
    this.reassembler.tick();
  }

  /** Forget the binding and session in progress (factory reset). */
  reset(): void {
    this.reassembler.reset();
    this.endBind();
    this.endSession();
  }

  private send(m: Uint8Array): void {
    if (!this.connected) return;
    for (const p of fragment(m, this.mtu)) this.link.notify(p);
  }

  private fail(code: number, text: string): void {
    this.log.log(`link: refused: ${text}`);
    this.send(errorMessage(code, text));
  }

  private onMessage(m: Uint8Array): void {
    const kind = m[0];
    const body = m.subarray(1);
    try {
      if (this.faulted()) return this.fail(ErrorCode.deviceFault, 'the device has a hardware fault and cannot bind or open sessions');
      switch (kind) {
        case Kind.bindRequest: return this.onBindRequest(body);
        case Kind.bindShareA: return this.onShareA(body);
        case Kind.bindConfirmA: return this.onConfirmA(body);
        case Kind.sessionInit: return this.onSessionInit(body);
        case Kind.sessionData: return this.onSessionData(body);
        case Kind.bindChallenge: case Kind.bindShareB: case Kind.bindResult: case Kind.sessionAccept: case Kind.error:
          return this.fail(ErrorCode.unexpected, `message kind 0x${kind.toString(16)} is sent by the device, not to it`);
        default:
          return this.fail(ErrorCode.unknownKind, `unknown message kind 0x${kind.toString(16)}`);
      }
    } catch (err) {
      if (!(err instanceof LatchError)) throw err;
      this.endBind();
      // The peer's fault (malformed input, bad points or keys) or ours (storage, RNG): say which.
      const peersFault = err.code === 'bad-message' || err.code.startsWith('cpace-') || err.code.startsWith('noise-');
      if (peersFault) return this.fail(ErrorCode.badMessage, err.message);
      this.fail(ErrorCode.deviceFault, `the device could not complete the request: ${err.message}`);
      throw err; // the device shows it on its screen too
    }
  }

  // --- binding (CPace responder) ---

  private onBindRequest(body: Uint8Array): void {
    const req = parseBindRequest(body);
    if (this.bind?.phase === 'asking') return this.fail(ErrorCode.busy, 'the device is asking its user about another binding');
    this.endBind();
    const wait = this.vault.bindWaitMs;
    if (wait > 0) {
      this.ui.bindFailed('Binding is locked after too many wrong codes.', this.vault.bindFailures, wait);
      return this.fail(ErrorCode.bindLocked, `binding is locked for ${Math.ceil(wait / 1000)} s after ${this.vault.bindFailures} failed attempts`);
    }
    this.vault.ensureIdentity();
    let code = this.vault.bindingCode();
    if (!code) {
      code = makeBindingCode(this.entropy);
      this.vault.setBindingCode(code);
      this.log.log('binding code created (shown on the LCD only)');
    }
    const deviceId = fromHex(this.vault.deviceId!);
    const priv = this.vault.staticPrivateKey();
    const devicePub = keyPair(priv).pub;
    wipe(priv);
    const nonceB = this.entropy.bytes(NONCE_SIZE);
    const ctx = bindContext(deviceId, req.nonceA, nonceB, req.appPub, req.label, devicePub);
    this.bind = { phase: 'challenged', nonceA: req.nonceA, appPub: req.appPub, label: req.label, code, ctx };
    this.ui.showBindCode(code, req.label);
    this.log.log(`bind request from "${req.label}"`);
    this.send(message(Kind.bindChallenge, nonceB, devicePub, deviceId));
  }

  private onShareA(body: Uint8Array): void {
    const b = this.bind;
    if (!b || b.phase !== 'challenged') return this.fail(ErrorCode.unexpected, 'a CPace share arrived with no bind request in progress');
    if (body.length !== KEY_SIZE) throw new LatchError('bad-message', `a CPace share is ${KEY_SIZE} bytes, not ${body.length}`);
    // Count the attempt in flash before answering: the answer lets the app test its guess of the code.
    const failures = this.vault.countBindAttempt();
    const prs = utf8Encode(b.code);
    b.party = cpace('responder', prs, b.ctx.ci, b.ctx.sid, b.ctx.adDevice, b.ctx.adApp, this.entropy.bytes(32));
    wipe(prs);
    try {
      b.keys = b.party.finish(body);
    } catch (err) {
      this.endBind();
      this.ui.bindFailed('The app sent an invalid key share.', failures, this.vault.bindWaitMs);
      throw err;
    }
    b.phase = 'confirming';
    this.send(message(Kind.bindShareB, b.party.share, b.keys.ourTag));
  }

  private onConfirmA(body: Uint8Array): void {
    const b = this.bind;
    if (!b || b.phase !== 'confirming' || !b.keys) return this.fail(ErrorCode.unexpected, 'a key confirmation arrived with no key exchange in progress');
    if (body.length !== TAG_SIZE || !b.keys.checkPeerTag(body)) {
      const failures = this.vault.bindFailures;
      const wait = this.vault.bindWaitMs;
      this.endBind();
      const left = Math.max(0, BIND_FREE_ATTEMPTS - failures);
      this.ui.bindFailed('The code entered in the app was wrong.', failures, wait);
      return this.fail(ErrorCode.bindFailed, wait > 0
        ? `wrong binding code; binding is now locked for ${Math.ceil(wait / 1000)} s`
        : `wrong binding code; ${left} ${left === 1 ? 'try' : 'tries'} left before a lock-out`);
    }
    this.vault.clearBindFailures();
    b.phase = 'asking';
    this.ui.askAllow(b.label, (allow) => {
      if (this.bind !== b) return;
      if (allow) {
        this.vault.setAppBinding({ publicKey: b.appPub, label: b.label });
        this.endSession();
        this.log.log(`bound to "${b.label}"`);
        this.send(message(Kind.bindResult, Uint8Array.of(0)));
        this.ui.bound(b.label);
      } else {
        this.log.log(`binding of "${b.label}" refused on the device`);
        this.send(message(Kind.bindResult, Uint8Array.of(1)));
      }
      this.endBind();
    });
  }

  private endBind(): void {
    const b = this.bind;
    if (!b) return;
    b.party?.wipe();
    b.keys?.wipe();
    b.code = '';
    this.bind = undefined;
  }

  // --- sessions (Noise KK responder) ---

  private onSessionInit(body: Uint8Array): void {
    this.endSession();
    if (body.length < KEY_SIZE + 48) throw new LatchError('bad-message', 'a session request is the app key and a Noise message (80 bytes at least)');
    const appPub = body.subarray(0, KEY_SIZE);
    const binding = this.vault.appBinding();
    if (!binding) return this.fail(ErrorCode.notBound, 'this device is not bound to any app: bind it with the code on its screen');
    if (!constantTimeEqual(appPub, binding.publicKey)) {
      return this.fail(ErrorCode.boundToOtherApp, 'this device is bound to another app: enter your binding code to re-bind');
    }
    const deviceId = fromHex(this.vault.deviceId!);
    const priv = this.vault.staticPrivateKey();
    const noise = new NoiseKK('responder', keyPair(priv), binding.publicKey, keyPair(this.entropy.bytes(32)), sessionPrologue(deviceId));
    wipe(priv);
    try {
      noise.readMessage(body.subarray(KEY_SIZE));
    } catch (err) {
      return this.fail(ErrorCode.sessionFailed, `the session handshake failed: ${(err as Error).message}`);
    }
    const reply = noise.writeMessage(EMPTY);
    this.session = { ...noise.split(), appLabel: binding.label };
    this.log.log(`session opened with "${binding.label}"`);
    this.send(message(Kind.sessionAccept, reply));
  }

  private onSessionData(body: Uint8Array): void {
    const s = this.session;
    if (!s) return this.fail(ErrorCode.noSession, 'no session: open one first (requests before a session are refused)');
    let plain: Uint8Array;
    try {
      plain = s.receive.decrypt(EMPTY, body);
    } catch {
      this.endSession();
      return this.fail(ErrorCode.sessionFailed, 'a session message failed to decrypt: the session is closed');
    }
    let request: unknown;
    try {
      request = decodeCbor(plain);
    } catch {
      request = undefined;
    }
    const response = handleRpc(request, { ...this.rpc, appLabel: s.appLabel });
    this.send(message(Kind.sessionData, s.send.encrypt(EMPTY, encodeCbor(response))));
  }

  private endSession(): void {
    this.session?.send.wipe();
    this.session?.receive.wipe();
    this.session = undefined;
  }
}
