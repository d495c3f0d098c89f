/** In-memory ports for portable tests: no Node, no Moddable, runs on both engines. */
import type { ButtonEvent, CanvasPort, EntropyPort, FlashPort, LinkHandlers, MonotonicCounterPort, Ports } from '../../../modules/ports.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { softwareChipKey } from '../../../modules/vault/chip-keys.js';

/** The chip key of the fake board: fixed, so tests can play the owner of the chip or an attacker without it. */
export const TEST_CHIP_KEY = Uint8Array.from({ length: 32 }, (_, i) => 0xc0 ^ i);

export function counterEntropy(seed = 0): EntropyPort {
  let counter = 0, pool = new Uint8Array(0), at = 0;
  return {
    fill(target) {
      for (let i = 0; i < target.length; i++) {
        if (at >= pool.length) { pool = sha256(Uint8Array.of(seed, counter >> 16, counter >> 8, counter++ & 255)); at = 0; }
        target[i] = pool[at++];
      }
      return target.length;
    },
  };
}

export function memoryFlash(size = 16384, sectorSize = 4096): FlashPort & { bytes: Uint8Array } {
  const bytes = new Uint8Array(size).fill(0xff);
  return {
    size, sectorSize, bytes,
    read: (o, n) => bytes.slice(o, o + n),
    write: (o, d) => { for (let i = 0; i < d.length; i++) bytes[o + i] &= d[i]; },
    eraseSector: (s) => void bytes.fill(0xff, s * sectorSize, (s + 1) * sectorSize),
  };
}

/**
 * The rollback counter of the fake board: in memory, outside the flash image, so it survives any edit of the
 * flash as eFuse bits do. `burns` counts the bits burned (the eFuse budget tests read it).
 */
export function memoryCounter(capacity = 1 << 20): MonotonicCounterPort & { value: number } {
  const c = {
    capacity, value: 0,
    read: () => c.value,
    increment: () => (c.value < capacity ? (c.value++, true) : false),
  };
  return c;
}

export type DrawCall = [string, ...unknown[]];

export function recordingCanvas(width = 320, height = 240): CanvasPort & { frames: DrawCall[][] } {
  let current: DrawCall[] = [];
  const frames: DrawCall[][] = [];
  return {
    width, height, frames,
    begin: () => { current = []; },
    fillRect: (...a) => void current.push(['rect', ...a]),
    drawText: (...a) => void current.push(['text', ...a]),
    drawBitmap: (...a) => void current.push(['bitmap', ...a]),
    end: () => void frames.push(current),
  };
}

/** A press as tests give it: `heldMs` defaults to 0 (pressed and released at once). */
export type TestPress = Omit<ButtonEvent, 'heldMs'> & { heldMs?: number };

/**
 * A screen the device could not draw in full (or an id the catalogue does not know): the fake board's global
 * check makes it fail whatever test showed it, wherever it was shown from (a press, the link, a tick).
 */
export class ScreenProblemError extends Error {
  constructor(problems: string[]) {
    super(`the device showed a screen it cannot draw in full: ${problems.join('; ')}`);
    this.name = 'ScreenProblemError';
  }
}

export interface FakeBoard {
  ports: Ports;
  canvas: ReturnType<typeof recordingCanvas>;
  flash: ReturnType<typeof memoryFlash>;
  /** the rollback counter (eFuse): outside the flash image, so flash edits never set it back */
  counter: ReturnType<typeof memoryCounter>;
  logs: string[];
  notified: Uint8Array[];
  info: () => Uint8Array;
  /** every screen problem the device reported (ports.onScreenProblem); each also fails the call that caused it */
  screenProblems: string[];
  press(e: TestPress): void;
  link(): LinkHandlers;
  tick(): void;
  advance(ms: number): void;
}

/** `flashSize`: the vault's bytes (16 KiB unless a test needs the room of the device's 64 KiB) */
export function fakeBoard(entropy: EntropyPort = counterEntropy(), flashSize = 16384): FakeBoard {
  let press: ((e: ButtonEvent) => void) | undefined;
  let link: LinkHandlers | undefined;
  let tick: (() => void) | undefined;
  let now = 0;
  let info = new Uint8Array(0);
  const logs: string[] = [];
  const notified: Uint8Array[] = [];
  const canvas = recordingCanvas();
  const flash = memoryFlash(flashSize);
  const counter = memoryCounter();
  const screenProblems: string[] = [];
  /** run `fn` (a press, a tick, a link event) and fail if it made the device show a screen it cannot draw in full */
  const checked = <T>(fn: () => T): T => {
    const before = screenProblems.length;
    const out = fn();
    if (screenProblems.length > before) throw new ScreenProblemError(screenProblems.slice(before));
    return out;
  };
  return {
    canvas, flash, counter, logs, notified, screenProblems,
    ports: {
      entropy, flash, canvas, counter,
      buttons: { listen: (fn) => { press = fn; } },
      clock: { now: () => now, tick: (_ms, fn) => { tick = fn; } },
      link: { listen: (h) => { link = h; }, notify: (p) => void notified.push(p.slice()), setInfo: (i) => { info = i.slice(); } },
      log: { log: (m) => void logs.push(m) },
      chipKey: softwareChipKey(TEST_CHIP_KEY),
      onScreenProblem: (problem) => {
        screenProblems.push(problem);
        throw new ScreenProblemError([problem]);
      },
    },
    info: () => info,
    press: (e) => checked(() => press!({ ...e, heldMs: e.heldMs ?? 0 })),
    link: () => {
      const h = link!;
      return {
        connected: (mtu) => checked(() => h.connected(mtu)),
        disconnected: () => checked(() => h.disconnected()),
        mtuChanged: (mtu) => checked(() => h.mtuChanged(mtu)),
        received: (packet) => checked(() => h.received(packet)),
        offered: (presumed?: boolean) => checked(() => h.offered?.(presumed) ?? false),
      };
    },
    tick: () => checked(() => tick!()),
    advance: (ms) => { now += ms; },
  };
}
