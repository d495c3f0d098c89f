/** The simulated board's hardware, shared by both firmware runtimes (XS and V8). */
import path from 'node:path';
import { randomFillSync } from 'node:crypto';
import type { EntropyPort } from '../../modules/ports.js';
import { SoftwareCanvas } from './canvas.js';
import { ChipKeyFile } from './chip-key-file.js';
import { FlashImage, type FlashImageOptions } from './flash-image.js';
import { EfuseCounterFile } from './efuse-file.js';

/** Real time by default; tests and campaigns can hold it and advance it by hand. */
export class SimClock {
  private readonly start = performance.now();
  private manualNow: number | undefined;
  constructor(manual = false) {
    if (manual) this.manualNow = 0;
  }
  now(): number {
    return this.manualNow ?? performance.now() - this.start;
  }
  get manual(): boolean {
    return this.manualNow !== undefined;
  }
  advance(ms: number): void {
    if (this.manualNow === undefined) throw new Error('the clock is real-time; create the board with a manual clock to advance it');
    this.manualNow += ms;
  }
}

/** The host's CSPRNG stands in for the ESP32 RNG. */
export const nodeEntropy: EntropyPort = {
  fill(target) {
    randomFillSync(target);
    return target.length;
  },
};

export interface PeripheralOptions {
  flash?: FlashImageOptions;
  entropy?: EntropyPort;
  manualClock?: boolean;
  /** the chip key's file (never part of the flash image); omitted = memory only */
  chipKeyFile?: string;
  /** a fixed chip key (tests that move a flash image between boards) */
  chipKey?: Uint8Array;
  /** the emulated eFuse counter's file (beside the chip key); omitted = memory only */
  efuseFile?: string;
  /** how many bits the emulated eFuse counter has (default: the M5Stack Fire's 128; 0 = a board without one) */
  efuseBits?: number;
}

export class Peripherals {
  readonly flash: FlashImage;
  readonly canvas = new SoftwareCanvas(320, 240);
  readonly clock: SimClock;
  entropy: EntropyPort;
  readonly chipKey: ChipKeyFile;
  /** the rollback counter (eFuse): outlives every flash edit */
  readonly counter: EfuseCounterFile;
  /** the INFO characteristic's current value */
  info = new Uint8Array(0);
  onLog: (message: string) => void = () => {};
  onNotify: (packet: Uint8Array) => void = () => {};
  /** the firmware drops the connection */
  onDisconnect: () => void = () => {};
  /** the firmware drew a screen it cannot draw in full (ports.ts onScreenProblem) */
  onScreenProblem: (problem: string) => void = () => {};

  constructor(options: PeripheralOptions = {}) {
    this.flash = new FlashImage(options.flash);
    this.entropy = options.entropy ?? nodeEntropy;
    this.chipKey = new ChipKeyFile(options.chipKeyFile, options.chipKey);
    this.counter = new EfuseCounterFile(options.efuseFile ?? (options.chipKeyFile ? path.join(path.dirname(options.chipKeyFile), 'efuse.bin') : undefined), options.efuseBits);
    this.clock = new SimClock(options.manualClock);
  }
}
