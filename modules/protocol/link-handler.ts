/**
 * The device end of the link: reassembles messages from packets and hands them to the binding responder
 * (bind-responder.ts) or the session responder (session-responder.ts). Nothing a peer sends may escape: every
 * exception becomes an ERROR message and a log line, and the device keeps serving.
 *
 * Link fairness (a stranger must never keep the bound app out, or its emergency stop could not get through):
 *  - a connection without a session that completes no message for 30 s is dropped;
 *  - a connection without a session gets LINK_STRANGER_MS in all, counted from its connect and never extended by
 *    anything it sends (enough to type a binding code, not hours); only the owner deciding on the device's
 *    Allow screen stops that clock;
 *  - when another central wants the link (`offered`), a connection without a session that is older than
 *    LINK_GRACE_MS gives up its place. The grace covers the bound app's one-round-trip handshake, so a stranger
 *    reconnecting in a loop cannot push the owner out before the session opens; an open session is never pushed;
 *  - before a session, a message is at most MAX_PRE_SESSION_MESSAGE bytes: the first packet that takes one past
 *    it closes the connection, so a stranger makes the device hold at most that much and do no work on it.
 */
import type { HealthTestedEntropy } from '../entropy/health.js';
import { LatchError } from '../errors.js';
import type { ClockPort, LinkPort, LogPort } from '../ports.js';
import { MAX_MESSAGE, Reassembler, fragment } from '../transport/framing.js';
import type { Vault } from '../vault/vault.js';
import { BindResponder, type BindUi } from './bind-responder.js';
import { ErrorCode, Kind, errorMessage } from './messages.js';
import { registerCoreMethods, type CoreContext } from './methods/core.js';
import type { RpcServer } from './rpc.js';
import { SessionResponder } from './session-responder.js';

import { LINK_GRACE_MS, LINK_IDLE_MS, LINK_PRESUMED_OFFER_MS, LINK_STRANGER_MS, MAX_PRE_SESSION_MESSAGE } from './link-rules.js';

// the rules' numbers, for the tests and ports that read them from here
export { LINK_GRACE_MS, LINK_IDLE_MS, LINK_PRESUMED_OFFER_MS, LINK_STRANGER_MS, MAX_PRE_SESSION_MESSAGE };

export interface LinkUi extends BindUi {
  /** the link went away in the middle of something the screen shows */
  abandoned(): void;
}

export class LinkHandler {
  private mtu = 23;
  private connected = false;
  private lastMessageAt = 0;
  /** when this connection started, or its last session closed: the stranger budget counts from here */
  private strangerSince = 0;
  private readonly reassembler: Reassembler;
  private readonly binder: BindResponder;
  private readonly session: SessionResponder;

  constructor(
    vault: Vault,
    entropy: HealthTestedEntropy,
    private readonly link: LinkPort,
    private readonly clock: Pick<ClockPort, 'now'>,
    private readonly log: LogPort,
    private readonly ui: LinkUi,
    core: CoreContext,
    /** why the device cannot serve the link at all (hardware fault, another device's storage), if it cannot */
    private readonly unavailable: () => string | undefined,
    /** storage or RNG trouble while answering: the device shows it on its screen */
    private readonly deviceFault: (err: LatchError) => void = () => {},
  ) {
    const fail = (code: number, text: string) => this.fail(code, text);
    const send = (m: Uint8Array) => this.send(m);
    this.session = new SessionResponder(vault, entropy, log, () => clock.now(), send, fail, (err) => this.deviceFault(err), () => { this.lastMessageAt = this.strangerSince = clock.now(); });
    this.binder = new BindResponder(vault, entropy, log, ui, send, fail, () => this.session.end());
    registerCoreMethods(this.session.rpc, core);
    this.reassembler = new Reassembler(
      {
        message: (m) => this.onMessage(m),
        error: (code, text) => {
          this.log.log(`link: ${code}: ${text}`);
          if (code === 'frame-too-large' && !this.session.active) return this.drop(`a message over ${MAX_PRE_SESSION_MESSAGE} bytes before a session`, ErrorCode.badFrame);
          this.send(errorMessage(ErrorCode.badFrame, text));
        },
      },
      () => this.clock.now(),
      () => (this.session.active ? MAX_MESSAGE : MAX_PRE_SESSION_MESSAGE),
    );
  }

  /** The RPC methods of sessions: signing and guards register theirs here. */
  get rpc(): RpcServer {
    return this.session.rpc;
  }

  get inSession(): boolean {
    return this.session.active;
  }

  /** Push an unasked notice to the bound app, if a session is open. */
  notify(name: string, data: unknown): void {
    this.session.notify(name, data);
  }

  /** Live events for this session's app (events_subscribe). */
  subscribeEvents(): void {
    this.session.subscribeEvents();
  }

  get eventsSubscribed(): boolean {
    return this.session.eventsSubscribed;
  }

  onConnected(mtu: number): void {
    this.connected = true;
    this.mtu = mtu;
    this.lastMessageAt = this.strangerSince = this.clock.now();
  }

  /**
   * Another central wants the link. True: it may have it (no connection, or this one has no session and is past
   * its grace): the current one is told why and forgotten here, and the link port closes it and reports the new
   * one as `connected`. False: the link is in use; the port refuses the newcomer. `presumed`: the port cannot see
   * newcomers and asks every LINK_PRESUMED_OFFER_MS whether the connection would give its place to one.
   */
  offered(presumed = false): boolean {
    if (!this.connected) return true;
    const now = this.clock.now();
    if (this.session.active || this.binder.awaitingOwner || now - this.strangerSince < LINK_GRACE_MS) return false;
    // A port that cannot see newcomers (Moddable's bleserver: drivers/link-ble.ts) asks on a schedule instead: a
    // connection in the middle of a binding (its code on the screen) keeps its place then, or no app could bind.
    if (presumed && this.binder.inProgress) return false;
    this.log.log('link: another central asked for the link; this connection has no session and gives up its place');
    this.send(errorMessage(ErrorCode.timeout, 'another app asked for the link and this connection had no session: it is closed'));
    this.onDisconnected();
    return true;
  }

  onMtu(mtu: number): void {
    this.mtu = mtu;
  }

  onDisconnected(): void {
    this.connected = false;
    this.reassembler.reset();
    const wasBinding = this.binder.inProgress;
    this.binder.end();
    this.session.end();
    if (wasBinding) this.ui.abandoned();
  }

  onPacket(packet: Uint8Array): void {
    this.reassembler.push(packet);
  }

  tick(): void {
    this.reassembler.tick();
    this.session.tick();
    // Without a session, a connection must complete a message every 30 s and gets LINK_STRANGER_MS in all; an
    // open session has its own 5-minute idle limit (session-responder.ts), after which these apply again.
    if (!this.connected || this.session.active || this.binder.awaitingOwner) return;
    const now = this.clock.now();
    if (now - this.strangerSince >= LINK_STRANGER_MS) {
      this.drop(`no session after ${LINK_STRANGER_MS / 1000} s`);
    } else if (now - this.lastMessageAt >= LINK_IDLE_MS && !this.binder.inProgress) {
      this.drop(`no complete message for ${LINK_IDLE_MS / 1000} s`);
    }
  }

  private drop(why: string, code: number = ErrorCode.timeout): void {
    this.log.log(`link: ${why}: dropping the connection`);
    this.send(errorMessage(code, `${why}: the device drops the connection`));
    this.lastMessageAt = this.strangerSince = this.clock.now();
    if (this.link.disconnect) this.link.disconnect();
    else this.onDisconnected();
  }

  /** Forget the binding and session in progress (factory reset). */
  reset(): void {
    this.reassembler.reset();
    this.binder.end();
    this.session.end();
  }

  /** The device locked (owner, auto-lock, or wipe): requests that need it unlocked are withdrawn. */
  deviceLocked(): void {
    this.session.rpc.close();
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
    this.lastMessageAt = this.clock.now();
    const kind = m[0];
    const body = m.subarray(1);
    try {
      const why = this.unavailable();
      if (why) return this.fail(ErrorCode.deviceFault, why);
      switch (kind) {
        case Kind.bindRequest: return this.binder.onRequest(body);
        case Kind.bindRequestBackup: return this.binder.onRequest(body, true);
        case Kind.bindShareA: return this.binder.onShareA(body);
        case Kind.bindConfirmA: return this.binder.onConfirmA(body);
        case Kind.sessionInit: return this.session.onInit(body);
        case Kind.sessionData: return this.session.onData(body);
        case Kind.bindChallenge: case Kind.bindShareB: case Kind.bindResult: case Kind.sessionAccept: case Kind.error:
          return this.fail(ErrorCode.unexpected, `message kind 0x${kind.toString(16)} is sent by the device, not to it`);
        default:
          return this.fail(ErrorCode.unknownKind, `unknown message kind 0x${kind.toString(16)}`);
      }
    } catch (err) {
      this.binder.end();
      if (err instanceof LatchError) {
        // The peer's fault (malformed input, bad points or keys) or ours (storage, RNG): say which.
        const peersFault = err.code === 'bad-message' || err.code === 'bad-cbor' || err.code.startsWith('cpace-') || err.code.startsWith('noise-');
        if (peersFault) return this.fail(ErrorCode.badMessage, err.message);
        this.fail(ErrorCode.deviceFault, `the device could not complete the request: ${err.message}`);
        return this.deviceFault(err);
      }
      // Anything else is a firmware bug a peer found: answer, log it, keep serving.
      this.log.log(`link: internal error on message 0x${kind?.toString(16)}: ${(err as Error)?.stack ?? err}`);
      this.fail(ErrorCode.deviceFault, `internal error while handling message 0x${kind?.toString(16)}: the device is still serving`);
    }
  }
}
