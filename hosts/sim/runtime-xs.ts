/**
 * Runs the firmware modules on the XS engine (xsnap), the default for `npm start` and the end-to-end tests.
 * Peripherals stay in Node; the firmware reaches them through the command channel (hosts/sim/guest/protocol.ts).
 * A power cut kills the XS process mid-operation, as losing power stops a real board.
 */
import path from 'node:path';
import type { ButtonEvent } from '../../modules/ports.js';
import { bundleForXs, REPO_ROOT } from '../xs/bundle.js';
import { XsWorker } from '../xs/xsnap-worker.js';
import { PowerCutError } from './flash-image.js';
import { GuestOp, HostOp, Status, readU32, u32, withOp, type BootConfig, type DrawOp } from './guest/protocol.js';
import type { Peripherals } from './peripherals.js';
import type { EventsAnswer } from '../../modules/guard/event-format.js';
import type { FirmwareRuntime, FirmwareStatus } from './runtime.js';

const GUEST_ENTRY = path.join(REPO_ROOT, 'hosts/sim/guest/entry.ts');

export class XsRuntime implements FirmwareRuntime {
  readonly engine = 'xs' as const;
  alive = true;
  private readonly worker: XsWorker;
  private last: FirmwareStatus | undefined;
  /** computrons used by the last command, for the bench */
  lastCompute = 0;

  constructor(private readonly hw: Peripherals, private readonly onPowerLost: () => void) {
    this.worker = new XsWorker({ name: 'latch-firmware', onQuery: (q) => this.answer(q), onPrint: (l) => hw.onLog(`[xs] ${l}`) });
  }

  async boot(platform: string, pinIterations?: number): Promise<void> {
    await this.worker.evaluate(await bundleForXs(GUEST_ENTRY));
    const config: BootConfig = {
      platform,
      pinIterations,
      flashSize: this.hw.flash.size,
      sectorSize: this.hw.flash.sectorSize,
      width: this.hw.canvas.width,
      height: this.hw.canvas.height,
      counterCapacity: this.hw.counter.capacity,
    };
    await this.send(withOp(HostOp.boot, Buffer.from(JSON.stringify(config))));
  }

  async press(e: ButtonEvent): Promise<void> { await this.send(withOp(HostOp.press, Uint8Array.of(e.button.charCodeAt(0), e.long ? 1 : 0), u32(e.heldMs ?? 0))); }
  async tick(): Promise<void> { await this.send(Uint8Array.of(HostOp.tick)); }
  async connect(mtu: number): Promise<void> { await this.send(Uint8Array.of(HostOp.connect, mtu >> 8, mtu & 0xff)); }
  async disconnect(): Promise<void> { await this.send(Uint8Array.of(HostOp.disconnect)); }
  async offer(): Promise<boolean> { return (await this.send(Uint8Array.of(HostOp.offer)) as { accepted?: boolean } | undefined)?.accepted === true; }
  async mtuChanged(mtu: number): Promise<void> { await this.send(Uint8Array.of(HostOp.mtu, mtu >> 8, mtu & 0xff)); }
  async receive(packet: Uint8Array): Promise<void> { await this.send(withOp(HostOp.receive, packet)); }

  async status(): Promise<FirmwareStatus> {
    await this.send(Uint8Array.of(HostOp.screen));
    if (!this.last) throw new Error('firmware not booted');
    return this.last;
  }

  async debugLoad(load: { mnemonic: string; pin: string; replace?: boolean }): Promise<{ loaded: boolean; reason?: string; bad?: string }> {
    const reply = await this.send(withOp(HostOp.debugLoad, Buffer.from(JSON.stringify(load))));
    return (reply as { debug: { loaded: boolean; reason?: string; bad?: string } }).debug;
  }

  async deviceEvents(): Promise<{ answer: EventsAnswer; deviceId: Uint8Array } | null> {
    const reply = await this.send(Uint8Array.of(HostOp.events)) as { events: null | { deviceId: string; events: string[]; anchor: string; key: string; head: { seq: number; hash: string; signature: string }; dropped: number; damaged: number[]; more: boolean } } | undefined;
    const e = reply?.events;
    if (!e) return null;
    const hex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
    return {
      deviceId: hex(e.deviceId),
      answer: { events: e.events.map(hex), anchor: hex(e.anchor), key: hex(e.key), head: { seq: e.head.seq, hash: hex(e.head.hash), signature: hex(e.head.signature) }, dropped: e.dropped, damaged: e.damaged, more: e.more },
    };
  }

  /** Run a function body with `device` in scope inside XS and return its JSON result (tests and bench). */
  async evaluate(body: string): Promise<unknown> {
    const reply = await this.send(withOp(HostOp.evaluate, Buffer.from(body)));
    return reply?.value;
  }

  close(): Promise<void> {
    this.alive = false;
    return this.worker.close();
  }

  private async send(message: Uint8Array): Promise<{ value?: unknown } | undefined> {
    if (!this.alive) return undefined;
    let result;
    try {
      result = await this.worker.command(message);
    } catch (err) {
      if (!this.alive) return undefined; // the power cut killed the worker mid-command
      throw err;
    }
    this.lastCompute = result.meter.compute;
    const reply = JSON.parse(Buffer.from(result.reply).toString('utf8'));
    if (!reply.ok) throw new Error(`firmware error: ${reply.error}`);
    if (reply.screen) this.last = { state: reply.state, screen: reply.screen, app: reply.app !== undefined ? reply.app : this.last?.app ?? null };
    return reply;
  }

  /** Serve one synchronous query from the firmware. */
  private answer(q: Uint8Array): Uint8Array {
    const hw = this.hw;
    const body = q.subarray(1);
    try {
      switch (q[0]) {
        case GuestOp.entropy: {
          const out = new Uint8Array(readU32(body, 0));
          const n = hw.entropy.fill(out);
          return out.subarray(0, n);
        }
        case GuestOp.read: return withOp(Status.ok, hw.flash.read(readU32(body, 0), readU32(body, 4)));
        case GuestOp.write: hw.flash.write(readU32(body, 0), body.subarray(4)); return Uint8Array.of(Status.ok);
        case GuestOp.erase: hw.flash.eraseSector(readU32(body, 0)); return Uint8Array.of(Status.ok);
        case GuestOp.draw: this.replay(JSON.parse(Buffer.from(body).toString('utf8'))); return new Uint8Array(0);
        case GuestOp.notify: hw.onNotify(body.slice()); return new Uint8Array(0);
        case GuestOp.info: hw.info = body.slice(); return new Uint8Array(0);
        case GuestOp.log: hw.onLog(Buffer.from(body).toString('utf8')); return new Uint8Array(0);
        case GuestOp.chipKey: return hw.chipKey.hmac(body);
        case GuestOp.counterRead: { const v = hw.counter.read(); return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff); }
        case GuestOp.counterBump: return Uint8Array.of(hw.counter.increment() ? 1 : 0);
        case GuestOp.disconnect: setImmediate(() => hw.onDisconnect()); return new Uint8Array(0);
        case GuestOp.screenProblem: hw.onScreenProblem(Buffer.from(body).toString('utf8')); return new Uint8Array(0);
        case GuestOp.clock: { const b = Buffer.alloc(8); b.writeDoubleLE(hw.clock.now()); return b; }
        default: throw new Error(`unknown firmware query 0x${q[0].toString(16)}`);
      }
    } catch (err) {
      if (err instanceof PowerCutError) {
        // Power is gone: the firmware must not run one more instruction. Kill it without answering.
        this.alive = false;
        void this.worker.close();
        this.onPowerLost();
        return new Uint8Array(0);
      }
      return withOp(Status.error, Buffer.from(`${(err as Error).name}: ${(err as Error).message}`));
    }
  }

  private replay(ops: DrawOp[]): void {
    const c = this.hw.canvas;
    c.begin();
    for (const op of ops) {
      if (op[0] === 'r') c.fillRect(op[1], op[2], op[3], op[4], op[5]);
      else if (op[0] === 't') c.drawText(op[1], op[2], op[3], op[4], op[5]);
      else c.drawBitmap(Buffer.from(op[1], 'hex'), op[2], op[3], op[4], op[5], op[6], op[7]);
    }
    c.end();
  }
}
