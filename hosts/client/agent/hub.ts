/**
 * One Noise session shared by several callers (the agent's socket clients, and the process that holds the link).
 *
 * Each caller gets a HubSession, which looks like a session to the commands. Requests are forwarded whole, one
 * message at a time and in order, each with the session's own id, and each answer goes back to its caller only.
 * The device keeps its own rule (modules/protocol/rpc.ts): one request waits for the owner at a time, others get
 * `busy`, and the emergency stop, pings and the event log answer anytime; so a signature waiting on the device's
 * screen never holds up another tool's `freeze`.
 *
 * Notices: "confirm-on-device" and "waiting-for-owner" belong to the request waiting for the owner, which is the
 * oldest request still unanswered when the first of them arrives (the device answers every other request at once,
 * in order, and the session reads replies in that order): they go to its caller alone. Events go to callers that
 * subscribed; the rest (frozen, policy changed, pending changes) to everyone.
 *
 * A caller that leaves loses only its own answers; if its request was the one waiting for the owner, the agent
 * withdraws it (`cancel`) so the device does not ask its owner about a request nobody waits for. Only that caller
 * may cancel it.
 */
import { RequestTooLargeError, RpcError, type DeviceNotice, type Session } from '../client.js';
import { SessionView } from './session-view.js';

/** The session to the device ended: every caller hears why. */
export class DeviceGoneError extends Error {
  constructor(readonly why: string) {
    super(`the device's link is gone (${why})`);
    this.name = 'DeviceGoneError';
  }
}

const OWNER_NOTICES = new Set(['confirm-on-device', 'waiting-for-owner']);

export class SessionHub {
  private readonly callers = new Set<HubSession>();
  /** requests sent and not yet answered, oldest first: session id -> caller */
  private readonly unanswered = new Map<number, HubSession>();
  /** the request waiting for the owner on the device, once a notice said so */
  private waiting: { id: number; caller: HubSession } | undefined;
  private endedWhy: string | undefined;
  private readonly endListeners: ((why: string) => void)[] = [];
  private readonly keepAlive: ReturnType<typeof setInterval>;

  /** `keepAliveMs`: a ping this often keeps the session open (the device closes one idle for 5 minutes). */
  constructor(private readonly session: Session, keepAliveMs = 60_000) {
    session.onNotice((n) => this.route(n));
    session.onSettled((id) => {
      this.unanswered.delete(id);
      if (this.waiting?.id === id) this.waiting = undefined;
    });
    void session.watch().then((why) => this.end(why));
    this.keepAlive = setInterval(() => void session.call('ping').catch(() => undefined), keepAliveMs);
    this.keepAlive.unref();
  }

  get ended(): string | undefined {
    return this.endedWhy;
  }

  /** A new caller's session. */
  open(): HubSession {
    const caller = new HubSession(this);
    this.callers.add(caller);
    return caller;
  }

  onEnd(listener: (why: string) => void): void {
    if (this.endedWhy !== undefined) listener(this.endedWhy);
    else this.endListeners.push(listener);
  }

  /** Forward one request of `caller`; its answer only goes back to it. */
  forward(caller: HubSession, method: string, params: Record<string, unknown> | undefined, timeoutMs: number): Promise<any> {
    if (this.endedWhy !== undefined) return Promise.reject(new DeviceGoneError(this.endedWhy));
    if (!this.callers.has(caller)) return Promise.reject(new Error('this caller has left the agent'));
    if (method === 'cancel' && this.waiting?.caller !== caller) {
      return Promise.reject(new RpcError('nothing-to-cancel', 'no request of this tool is waiting for the owner (another tool\'s request is not yours to cancel)'));
    }
    const subscribing = method === 'events_subscribe' && !caller.subscribed;
    if (subscribing) caller.subscribed = true; // before the answer: an event may come right after it
    const { id, answer } = this.session.start(method, params, timeoutMs);
    this.unanswered.set(id, caller);
    return answer.then((result) => result, (err) => {
      if (subscribing) caller.subscribed = false;
      // Anything but an answer, a size refusal or a time-out means the session ended (Session.pump stops on it).
      const gone = !(err instanceof RpcError || err instanceof RequestTooLargeError || /did not answer within/.test((err as Error).message));
      throw gone ? new DeviceGoneError(this.endedWhy ?? (err as Error).message) : err;
    }).finally(() => this.unanswered.delete(id));
  }

  /** `caller` left: its answers are dropped; its request waiting on the device is withdrawn. */
  leave(caller: HubSession): void {
    if (!this.callers.delete(caller)) return;
    caller.ended('this tool left the agent');
    if (this.waiting?.caller === caller && this.endedWhy === undefined) {
      this.waiting = undefined;
      void this.session.call('cancel').catch(() => undefined);
    }
    for (const [id, c] of this.unanswered) if (c === caller) this.unanswered.delete(id);
  }

  /** Stop pinging; the session itself is the caller's to close (its link). */
  stop(): void {
    clearInterval(this.keepAlive);
  }

  private route(n: DeviceNotice): void {
    if (OWNER_NOTICES.has(n.notify)) {
      if (!this.waiting) {
        const oldest = this.unanswered.entries().next();
        if (!oldest.done) this.waiting = { id: oldest.value[0], caller: oldest.value[1] };
      }
      if (this.waiting) {
        this.waiting.caller.hear(n);
        return;
      }
    }
    for (const c of this.callers) if (n.notify !== 'event' || c.subscribed) c.hear(n);
  }

  private end(why: string): void {
    if (this.endedWhy !== undefined) return;
    this.endedWhy = why;
    this.stop();
    for (const c of this.callers) c.ended(why);
    for (const l of this.endListeners.splice(0)) l(why);
  }
}

/** One caller's view of the shared session. */
export class HubSession extends SessionView {
  subscribed = false;

  constructor(private readonly hub: SessionHub) {
    super();
  }

  call(method: string, params?: Record<string, unknown>, timeoutMs = 10_000): Promise<any> {
    return this.hub.forward(this, method, params, timeoutMs);
  }

  /** Leave the hub (the tool disconnected, or the command ended). */
  close(): void {
    this.hub.leave(this);
  }

  ended(why: string): void {
    this.markEnded(why);
  }
}
