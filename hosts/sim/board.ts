/**
 * The simulated M5Stack: peripherals that outlive reboots (flash, LCD) plus a firmware runtime that a power
 * cut kills and a reboot replaces. The HTTP server, the tests and the QA benches all drive this class.
 */
import { EventEmitter } from 'node:events';
import type { ButtonId } from '../../modules/ports.js';
import type { DeviceScreen } from '../../modules/device.js';
import { verifyEvents, type KnownHead } from '../../modules/guard/event-verify.js';
import { eventDetailWords } from '../../modules/guard/event-words.js';
import { Peripherals, type PeripheralOptions } from './peripherals.js';
import { NodeRuntime } from './runtime-node.js';
import type { Engine, FirmwareRuntime } from './runtime.js';
import { XsRuntime } from './runtime-xs.js';

export const MIN_MTU = 23;
export const MAX_MTU = 517;
const TICK_MS = 100;
const LOG_LIMIT = 1000;
const LINK_LOG_LIMIT = 20000;

export interface LinkLogEntry {
  seq: number;
  /** ms since the board started */
  t: number;
  dir: 'in' | 'out' | 'event';
  /** the packet, hex (in/out) */
  hex?: string;
  /** what happened (event) */
  event?: string;
}

export interface BoardOptions extends PeripheralOptions {
  engine?: Engine;
  /** PBKDF2 iterations for new PIN records (QA speed); omitted = calibrated like a device */
  pinIterations?: number;
  /** tick the firmware on a timer (the server); tests call `tick()` themselves */
  autoTick?: boolean;
}

export interface ScreenSnapshot extends DeviceScreen {
  state: string;
  /** increases at every frame drawn */
  frame: number;
  /** the bound app's label (its own claim), if any */
  app: string | null;
}

/** The device's event log as the page shows it: checked like the app checks it (guard/event-verify.ts). */
export interface DeviceEventsView {
  /** false before the device has an identity (nothing recorded yet) */
  available: boolean;
  ok: boolean;
  problems: string[];
  /** newest first, details in words */
  events: { seq: number; at: number; kind: string; details: string }[];
  head: number;
}

export interface LinkSession {
  send(packet: Uint8Array): void;
  close(code: number, reason: string): void;
}

export const OFF_SCREEN: DeviceScreen = { id: 'off', title: '', lines: [], buttons: { a: null, b: null, c: null }, page: 1, pages: [{ rows: [] }], armsInMs: 0, waiting: null, problems: [] };

export class Board extends EventEmitter {
  readonly hw: Peripherals;
  readonly engine: Engine;
  runtime: FirmwareRuntime | undefined;
  private powered = false;
  private booting = false;
  private ticking: ReturnType<typeof setInterval> | undefined;
  /** the tick in progress, if any: ticks never overlap */
  private tickRunning?: Promise<void>;
  private readonly started = performance.now();
  private readonly autoTick: boolean;
  private readonly pinIterations: number | undefined;
  readonly log: { t: number; message: string }[] = [];
  readonly linkLog: LinkLogEntry[] = [];
  private linkSeq = 0;
  private session: { link: LinkSession; mtu: number } | undefined;
  private eventDevice: Uint8Array | undefined;
  private eventKey: Uint8Array | undefined;
  private eventHead: KnownHead | undefined;
  /** screens the firmware could not draw in full since the board was made: each an error (tests fail on it) */
  readonly screenProblems: string[] = [];

  constructor(options: BoardOptions = {}) {
    super();
    this.engine = options.engine ?? 'xs';
    this.autoTick = options.autoTick ?? false;
    this.pinIterations = options.pinIterations;
    this.hw = new Peripherals(options);
    this.hw.onLog = (m) => this.record(m);
    this.hw.onNotify = (p) => this.notify(p);
    this.hw.onDisconnect = () => this.firmwareDisconnect();
    this.hw.onScreenProblem = (problem) => {
      if (!this.screenProblems.includes(problem)) this.screenProblems.push(problem);
      this.record(`SCREEN ERROR: ${problem}`);
      this.emit('screen-problem', problem);
    };
    this.hw.canvas.onFrame = () => this.emit('frame', this.hw.canvas.frame);
  }

  get isOn(): boolean {
    return this.powered && !!this.runtime?.alive;
  }

  /** Power on and boot the firmware. */
  async start(): Promise<void> {
    if (this.isOn) throw new Error('the board is already on');
    this.hw.flash.powerOn();
    const onPowerLost = () => this.powerLost();
    this.runtime = this.engine === 'xs' ? new XsRuntime(this.hw, onPowerLost) : new NodeRuntime(this.hw, onPowerLost);
    this.powered = true;
    this.record(`power on (${this.engine})`);
    // While it boots, link events only change what the board knows; the connection (if any) is announced after.
    this.booting = true;
    try {
      await this.runtime.boot(`node-sim (${this.engine})`, this.pinIterations);
    } finally {
      this.booting = false;
    }
    if (this.session && this.isOn) await this.runtime.connect(this.session.mtu);
    if (this.isOn) this.emit('power', true);
    if (this.autoTick && !this.ticking) this.ticking = setInterval(() => {
      if (!this.tickRunning) void this.tick();
    }, TICK_MS);
  }

  /** Power off for good: the flash image file is released for another simulator. */
  async stop(): Promise<void> {
    await this.powerOff();
    this.hw.flash.close();
  }

  private async powerOff(): Promise<void> {
    if (this.ticking) clearInterval(this.ticking);
    this.ticking = undefined;
    await this.runtime?.close();
    this.powered = false;
  }

  /**
   * One firmware tick that starts after this call: if the timer's tick is under way it waits for it and ticks
   * again, so a caller that just moved the clock (advanceClock) sees the firmware act on the new time before
   * the call returns, not on the next timer tick.
   */
  async tick(): Promise<void> {
    while (this.tickRunning) await this.tickRunning;
    if (!this.isOn) return;
    this.tickRunning = this.runTick().finally(() => {
      this.tickRunning = undefined;
    });
    await this.tickRunning;
  }

  private async runTick(): Promise<void> {
    try {
      await this.runtime!.tick();
    } catch (err) {
      this.record(`tick failed: ${(err as Error).message}`);
    }
  }

  /** A press reported on release, as the board's driver does; `heldMs` is how long it was held (default 0). */
  async press(button: ButtonId, long = false, heldMs = 0): Promise<void> {
    if (!this.isOn) throw new BoardOffError();
    this.record(`press ${button}${long ? ' (long)' : ''}`);
    await this.runtime!.press({ button, long, heldMs });
  }

  async screen(): Promise<ScreenSnapshot> {
    if (!this.isOn) return { ...OFF_SCREEN, state: 'off', frame: this.hw.canvas.frame, app: null };
    const { state, screen, app } = await this.runtime!.status();
    return { ...screen, state, frame: this.hw.canvas.frame, app };
  }

  /**
   * The device's event log, checked as the bound app checks it: the key pinned at the first look in this board's
   * life, and each look continuing the head the last one verified (a rolled-back flash image is caught here too).
   */
  async deviceEvents(): Promise<DeviceEventsView> {
    if (!this.isOn) throw new BoardOffError();
    const got = await this.runtime!.deviceEvents();
    if (!got) return { available: false, ok: true, problems: [], events: [], head: 0 };
    // A factory reset makes a new device (a new id and event key): pin afresh for it.
    if (!this.eventDevice || Buffer.compare(Buffer.from(this.eventDevice), Buffer.from(got.deviceId)) !== 0) {
      this.eventDevice = got.deviceId;
      this.eventKey = undefined;
      this.eventHead = undefined;
    }
    const check = verifyEvents(got.answer, { deviceId: got.deviceId, since: 1, key: this.eventKey, last: this.eventHead });
    if (check.ok) {
      this.eventKey = check.key;
      this.eventHead = check.head;
    }
    return {
      available: true, ok: check.ok, problems: check.problems, head: check.head.seq,
      events: check.events.slice().reverse().map((e) => ({ seq: e.seq, at: e.at, kind: e.kind, details: eventDetailWords(e.details).map(([k, v]) => `${k} ${v}`).join(', ') })),
    };
  }

  /** The debug link: load a published test mnemonic with a PIN (QA benches; simulator only). */
  async debugLoad(load: { mnemonic: string; pin: string; replace?: boolean }): Promise<{ loaded: boolean; reason?: string; bad?: string }> {
    if (!this.isOn) throw new BoardOffError();
    const r = await this.runtime!.debugLoad(load);
    this.record(r.loaded ? 'debug link: test wallet loaded' : `debug link: not loaded: ${r.bad ?? r.reason}`);
    return r;
  }

  /** Advance a manual clock (boards made with `manualClock`), then let the firmware tick. */
  async advanceClock(ms: number): Promise<void> {
    this.hw.clock.advance(ms);
    await this.tick();
  }

  get manualClock(): boolean {
    return this.hw.clock.manual;
  }

  /** Cut power at the N-th flash write or erase from now; 0 cuts it immediately. */
  async powerCut(afterOps: number): Promise<void> {
    this.hw.flash.armPowerCut(afterOps);
    if (afterOps === 0) {
      await this.runtime?.close();
      this.powerLost();
    } else this.record(`power cut armed: at flash operation ${afterOps} from now`);
  }

  /** Power off (if on) and boot again; flash keeps whatever it holds. */
  /** A flash clip: program `image` into the flash while the board is off (PUT /api/flash). */
  programFlash(image: Uint8Array): void {
    if (this.isOn) throw new BoardOnError();
    this.hw.flash.program(image);
    this.record(`flash programmed from outside (${image.length} bytes): the next boot checks it against the eFuse counter`);
  }

  async reboot(): Promise<void> {
    await this.powerOff();
    this.hw.flash.disarmPowerCut();
    await this.start();
  }

  // --- the link (one connection at a time, as one BLE central; the firmware may let a newcomer take the place
  // of a connection that has no session: link-handler.ts) ---

  async linkOpen(link: LinkSession, mtu: number): Promise<void> {
    if (!Number.isInteger(mtu) || mtu < MIN_MTU || mtu > MAX_MTU) throw new Error(`MTU must be ${MIN_MTU} to ${MAX_MTU}`);
    if (this.session) {
      const old = this.session;
      if (!this.isOn || this.booting || !(await this.runtime!.offer())) throw new Error('another app is already connected');
      this.session = undefined;
      this.linkEvent('the device gave the link to a new central (the connected one had no session)');
      old.link.close(4001, 'another app took the link: this connection had no session');
    }
    this.session = { link, mtu };
    this.linkEvent(`connected, mtu ${mtu}`);
    if (this.isOn && !this.booting) await this.runtime!.connect(mtu);
  }

  /** The app went away (or `link` is given and is no longer the connected one: then nothing happens). */
  async linkClose(link?: LinkSession): Promise<void> {
    if (!this.session || (link && this.session.link !== link)) return;
    this.session = undefined;
    this.linkEvent('disconnected');
    if (this.isOn && !this.booting) await this.runtime!.disconnect();
  }

  /** The firmware dropped the connection (an idle or misbehaving app), as a BLE peripheral can. */
  private firmwareDisconnect(): void {
    const s = this.session;
    if (!s) return;
    this.linkEvent('the device dropped the connection');
    s.link.close(4000, 'the device dropped the connection (idle)');
  }

  /** One ATT write from the app to RX (from `link`, if given: a connection that lost its place is ignored). */
  async linkReceive(packet: Uint8Array, link?: LinkSession): Promise<void> {
    const s = this.session;
    if (link && s?.link !== link) return;
    if (!s) throw new Error('no link session');
    this.pushLink({ dir: 'in', hex: Buffer.from(packet).toString('hex') });
    if (packet.length > s.mtu - 3) {
      this.linkEvent(`rejected a ${packet.length}-byte write: larger than MTU-3 (${s.mtu - 3})`);
      s.link.close(1009, `write of ${packet.length} bytes exceeds MTU-3 = ${s.mtu - 3}`);
      await this.linkClose();
      return;
    }
    if (this.isOn && !this.booting) await this.runtime!.receive(packet);
  }

  get linkInfo(): Uint8Array {
    return this.hw.info;
  }

  private notify(packet: Uint8Array): void {
    this.pushLink({ dir: 'out', hex: Buffer.from(packet).toString('hex') });
    this.session?.link.send(packet);
  }

  private linkEvent(event: string): void {
    this.pushLink({ dir: 'event', event });
  }

  private pushLink(entry: Omit<LinkLogEntry, 'seq' | 't'>): void {
    this.linkLog.push({ seq: ++this.linkSeq, t: Math.round(performance.now() - this.started), ...entry });
    if (this.linkLog.length > LINK_LOG_LIMIT) this.linkLog.splice(0, this.linkLog.length - LINK_LOG_LIMIT);
  }

  private powerLost(): void {
    if (!this.powered) return;
    this.powered = false;
    this.hw.flash.armPowerCut(0);
    this.hw.canvas.clear(0x000000);
    this.hw.canvas.end();
    this.record('power lost: the board is off until reboot');
    this.emit('power', false);
  }

  private record(message: string): void {
    const entry = { t: Math.round(performance.now() - this.started), message };
    this.log.push(entry);
    if (this.log.length > LOG_LIMIT) this.log.shift();
    this.emit('log', entry);
  }
}

export class BoardOnError extends Error {
  constructor() {
    super('the board is on: cut its power first (POST /api/power-cut), then program the flash');
  }
}

export class BoardOffError extends Error {
  constructor() {
    super('the board is off (power was cut): POST /api/reboot to power it on');
    this.name = 'BoardOffError';
  }
}
