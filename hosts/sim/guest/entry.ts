/**
 * The firmware side of the board simulator: runs inside XS (xsnap), builds the same `Device` as `main.ts`
 * does on Moddable, with ports that reach the Node board through xsnap's synchronous `issueCommand`.
 * Bundled by esbuild (lowered to ES2020 for this XS build) when the simulator starts.
 */
import { Device } from '../../../modules/device.js';
import type { ButtonEvent, LinkHandlers, Ports } from '../../../modules/ports.js';
import { toHex } from '../../../modules/bytes.js';
import { boundApp, debugLoadWallet, deviceEventsOf } from './debug-link.js';
import { GuestOp, HostOp, SIM_COUNTER_CAPACITY, Status, readU32, u32, withOp, type BootConfig, type DrawOp } from './protocol.js';

declare const issueCommand: (message: ArrayBuffer) => ArrayBuffer;
declare const TextEncoder: { new (): { encode(s: string): Uint8Array } };
declare const TextDecoder: { new (): { decode(b: Uint8Array): string } };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function ask(message: Uint8Array): Uint8Array {
  return new Uint8Array(issueCommand(message.slice().buffer));
}

function checkStatus(reply: Uint8Array, what: string): Uint8Array {
  if (reply.length === 0) throw new Error(`${what}: the board did not answer`);
  if (reply[0] !== Status.ok) throw new Error(decoder.decode(reply.subarray(1)));
  return reply.subarray(1);
}

let onPress: ((e: ButtonEvent) => void) | undefined;
let link: LinkHandlers | undefined;
let onTick: (() => void) | undefined;
let device: Device | undefined;

function makePorts(config: BootConfig): Ports {
  let drawList: DrawOp[] = [];
  return {
    entropy: {
      fill(target) {
        const got = ask(withOp(GuestOp.entropy, u32(target.length)));
        const n = Math.min(got.length, target.length);
        target.set(got.subarray(0, n));
        return n;
      },
    },
    flash: {
      size: config.flashSize,
      sectorSize: config.sectorSize,
      read: (offset, length) => checkStatus(ask(withOp(GuestOp.read, u32(offset), u32(length))), 'flash read').slice(),
      write: (offset, data) => void checkStatus(ask(withOp(GuestOp.write, u32(offset), data)), 'flash write'),
      eraseSector: (sector) => void checkStatus(ask(withOp(GuestOp.erase, u32(sector))), 'flash erase'),
    },
    canvas: {
      width: config.width,
      height: config.height,
      begin: () => { drawList = []; },
      fillRect: (x, y, w, h, color) => { drawList.push(['r', x, y, w, h, color]); },
      drawText: (text, x, y, color, scale) => { drawList.push(['t', text, x, y, color, scale]); },
      drawBitmap: (bits, x, y, w, h, color, scale) => { drawList.push(['b', toHex(bits), x, y, w, h, color, scale]); },
      end: () => { ask(withOp(GuestOp.draw, encoder.encode(JSON.stringify(drawList)))); drawList = []; },
    },
    buttons: { listen: (fn) => { onPress = fn; } },
    clock: {
      now: () => new DataView(ask(Uint8Array.of(GuestOp.clock)).buffer).getFloat64(0, true),
      tick: (_ms, fn) => { onTick = fn; },
    },
    link: {
      listen: (handlers) => { link = handlers; },
      notify: (packet) => void ask(withOp(GuestOp.notify, packet)),
      setInfo: (info) => void ask(withOp(GuestOp.info, info)),
      disconnect: () => void ask(Uint8Array.of(GuestOp.disconnect)),
    },
    log: { log: (message) => void ask(withOp(GuestOp.log, encoder.encode(message))) },
    chipKey: {
      hmac(message) {
        const mac = ask(withOp(GuestOp.chipKey, message));
        if (mac.length !== 32) throw new Error('the board\'s chip key did not answer');
        return mac;
      },
    },
    counter: {
      capacity: config.counterCapacity ?? SIM_COUNTER_CAPACITY,
      read() {
        const b = ask(Uint8Array.of(GuestOp.counterRead));
        return ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
      },
      increment: () => ask(Uint8Array.of(GuestOp.counterBump))[0] === 1,
    },
    onScreenProblem: (problem) => void ask(withOp(GuestOp.screenProblem, encoder.encode(problem))),
  };
}

function u16(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}

function reply(value: unknown): ArrayBuffer {
  return encoder.encode(JSON.stringify(value)).slice().buffer;
}

function handle(msg: Uint8Array): unknown {
  const op = msg[0];
  if (op === HostOp.boot) {
    const config = JSON.parse(decoder.decode(msg.subarray(1))) as BootConfig;
    device = new Device(makePorts(config), { platform: config.platform, vault: { pinIterations: config.pinIterations } });
    device.boot();
    return { state: device.state };
  }
  if (op === HostOp.evaluate) {
    // Bench and test hook: run a function body inside the firmware's realm.
    return { value: new Function('device', decoder.decode(msg.subarray(1)))(device) };
  }
  if (!device) throw new Error('firmware not booted');
  if (op === HostOp.debugLoad) return { debug: debugLoadWallet(device, JSON.parse(decoder.decode(msg.subarray(1)))), state: device.state, screen: device.screen };
  if (op === HostOp.events) {
    const e = deviceEventsOf(device);
    const a = e?.answer;
    return { events: e && a ? {
      deviceId: toHex(e.deviceId), events: a.events.map(toHex), anchor: toHex(a.anchor), key: toHex(a.key),
      head: { seq: a.head.seq, hash: toHex(a.head.hash), signature: toHex(a.head.signature) }, dropped: a.dropped, damaged: a.damaged, more: a.more,
    } : null };
  }
  if (op === HostOp.offer) return { accepted: link?.offered ? link.offered() : false, state: device.state, screen: device.screen };
  switch (op) {
    case HostOp.press: onPress?.({ button: String.fromCharCode(msg[1]) as ButtonEvent['button'], long: msg[2] === 1, heldMs: readU32(msg, 3) }); break;
    case HostOp.tick: onTick?.(); break;
    case HostOp.connect: link?.connected(u16(msg, 1)); break;
    case HostOp.disconnect: link?.disconnected(); break;
    case HostOp.mtu: link?.mtuChanged(u16(msg, 1)); break;
    case HostOp.receive: link?.received(msg.slice(1)); break;
    case HostOp.screen: return { state: device.state, screen: device.screen, app: boundApp(device) };
    default: throw new Error(`unknown board command 0x${op.toString(16)}`);
  }
  return { state: device.state, screen: device.screen };
}

(globalThis as any).handleCommand = (message: ArrayBuffer): ArrayBuffer => {
  try {
    return reply({ ok: true, ...(handle(new Uint8Array(message)) as object) });
  } catch (err) {
    const e = err as Error;
    return reply({ ok: false, error: `${e.name}: ${e.message}` });
  }
};

