/**
 * A NOR flash model with power cuts, in plain ECMAScript so the storage property tests can run it on XS too.
 * Erase sets a whole sector to 0xFF; a write can only clear bits; power can be cut at the N-th write or erase
 * from now. The cut operation is torn: a random prefix of it lands (for a write, the byte at the tear gets a
 * random subset of its cleared bits), then every operation fails until `powerOn()`.
 * Writing a 1 over a 0 is a firmware bug (real NOR would silently AND it); the model refuses it loudly.
 */
import type { FlashPort } from '../../modules/ports.js';

export class PowerCutError extends Error {
  constructor(message = 'power cut') {
    super(message);
  }
  get name(): string {
    return 'PowerCutError';
  }
}

export class NorViolationError extends Error {
  get name(): string {
    return 'NorViolationError';
  }
}

export interface NorFlashOptions {
  size?: number;
  sectorSize?: number;
  /** randomness for tearing, in [0, 1); deterministic campaigns pass a seeded generator */
  random?: () => number;
}

export const DEFAULT_FLASH_SIZE = 64 * 1024;
export const DEFAULT_SECTOR_SIZE = 4096;

export class NorFlash implements FlashPort {
  readonly size: number;
  readonly sectorSize: number;
  readonly bytes: Uint8Array;
  protected readonly random: () => number;
  private cutAfter: number | undefined;
  private powered = true;
  /** writes and erases so far */
  operations = 0;
  writes = 0;
  erases = 0;

  constructor(options: NorFlashOptions = {}) {
    this.size = options.size ?? DEFAULT_FLASH_SIZE;
    this.sectorSize = options.sectorSize ?? DEFAULT_SECTOR_SIZE;
    if (this.size % this.sectorSize !== 0 || this.size < 2 * this.sectorSize) {
      throw new Error(`flash size ${this.size} must be a multiple of the sector size ${this.sectorSize}, at least 2 sectors`);
    }
    this.random = options.random ?? Math.random;
    this.bytes = new Uint8Array(this.size).fill(0xff);
  }

  get isPowered(): boolean {
    return this.powered;
  }

  /** Cut power at the `afterOps`-th write or erase from now (1 = the next one); 0 cuts it right away. */
  armPowerCut(afterOps: number): void {
    if (!Number.isInteger(afterOps) || afterOps < 0) throw new Error('afterOps must be a whole number >= 0');
    if (afterOps === 0) {
      this.cutAfter = undefined;
      this.powered = false;
    } else this.cutAfter = afterOps;
  }

  disarmPowerCut(): void {
    this.cutAfter = undefined;
  }

  get pendingCut(): number | undefined {
    return this.cutAfter;
  }

  powerOn(): void {
    this.powered = true;
  }

  read(offset: number, length: number): Uint8Array {
    this.check(offset, length);
    return this.bytes.slice(offset, offset + length);
  }

  write(offset: number, data: Uint8Array): void {
    this.check(offset, data.length);
    for (let i = 0; i < data.length; i++) {
      if ((data[i] & ~this.bytes[offset + i] & 0xff) !== 0) {
        throw new NorViolationError(
          `NOR violation: writing 0x${hex(data[i])} over 0x${hex(this.bytes[offset + i])} at offset 0x${(offset + i).toString(16)} would set bits; erase the sector first`,
        );
      }
    }
    this.writes++;
    if (this.tearNow()) {
      const landed = Math.floor(this.random() * data.length);
      for (let i = 0; i < landed; i++) this.bytes[offset + i] &= data[i];
      if (landed < data.length) this.bytes[offset + landed] &= data[landed] | Math.floor(this.random() * 256);
      this.changed(offset, data.length);
      this.cut(`power cut during a ${data.length}-byte write at 0x${offset.toString(16)}`);
    }
    for (let i = 0; i < data.length; i++) this.bytes[offset + i] &= data[i];
    this.changed(offset, data.length);
  }

  eraseSector(sector: number): void {
    if (!Number.isInteger(sector) || sector < 0 || sector >= this.size / this.sectorSize) {
      throw new RangeError(`sector ${sector} is outside the flash region (0..${this.size / this.sectorSize - 1})`);
    }
    const start = sector * this.sectorSize;
    this.check(start, 0);
    this.erases++;
    if (this.tearNow()) {
      this.bytes.fill(0xff, start, start + Math.floor(this.random() * this.sectorSize));
      this.changed(start, this.sectorSize);
      this.cut(`power cut during the erase of sector ${sector}`);
    }
    this.bytes.fill(0xff, start, start + this.sectorSize);
    this.changed(start, this.sectorSize);
  }

  /** Persistence hook for subclasses (the simulator's file image). */
  protected changed(_offset: number, _length: number): void {}

  private check(offset: number, length: number): void {
    if (!this.powered) throw new PowerCutError('flash has no power (the board is off)');
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > this.size) {
      throw new RangeError(`flash access at ${offset}+${length} is outside the ${this.size}-byte region`);
    }
  }

  private tearNow(): boolean {
    this.operations++;
    if (this.cutAfter === undefined) return false;
    this.cutAfter--;
    return this.cutAfter === 0;
  }

  private cut(what: string): never {
    this.cutAfter = undefined;
    this.powered = false;
    throw new PowerCutError(what);
  }
}

/** A small seeded PRNG (mulberry32) for reproducible tearing and campaigns. Never for secrets. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}
