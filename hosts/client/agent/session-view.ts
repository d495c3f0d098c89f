/**
 * What the agent's two session stand-ins share (agent-session.ts: a tool's view over the socket; hub.ts: a
 * caller's view of the shared session): the notices heard, their listeners, and the end that every `watch` waits
 * for. Each subclass says how a request goes out (`call`) and when its view ends (`ended`).
 */
import type { DeviceNotice, RpcSession } from '../client.js';

export abstract class SessionView implements RpcSession {
  readonly notices: DeviceNotice[] = [];
  private readonly listeners: ((n: DeviceNotice) => void)[] = [];
  private readonly watchers: ((why: string) => void)[] = [];
  protected endedWhy: string | undefined;

  abstract call(method: string, params?: Record<string, unknown>, timeoutMs?: number): Promise<any>;

  onNotice(listener: (n: DeviceNotice) => void): void {
    this.listeners.push(listener);
  }

  watch(): Promise<string> {
    if (this.endedWhy !== undefined) return Promise.resolve(this.endedWhy);
    return new Promise((resolve) => this.watchers.push(resolve));
  }

  async cancel(): Promise<void> {
    await this.call('cancel');
  }

  /** a notice for this view: kept and told to its listeners */
  hear(n: DeviceNotice): void {
    this.notices.push(n);
    for (const l of this.listeners) l(n);
  }

  /** the view ended (once): every `watch` resolves with why; false when it had already ended */
  protected markEnded(why: string): boolean {
    if (this.endedWhy !== undefined) return false;
    this.endedWhy = why;
    for (const w of this.watchers.splice(0)) w(why);
    return true;
  }
}
