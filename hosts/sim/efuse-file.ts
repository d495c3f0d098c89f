/**
 * The simulated board's rollback counter (MonotonicCounterPort): eFuse bits emulated in a file of their own
 * (`efuse.bin` beside the chip key), never part of the flash image, so editing the image (PUT /api/flash, a clip
 * on a real board) never sets it back. One byte per burned bit would be wasteful; the file holds the count as
 * text. Memory-only when no file is given (tests). GET /api/efuse shows it for QA benches.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { MonotonicCounterPort } from '../../modules/ports.js';

import { SIM_COUNTER_CAPACITY } from './guest/protocol.js';

export class EfuseCounterFile implements MonotonicCounterPort {
  private value = 0;

  constructor(readonly file?: string, readonly capacity = SIM_COUNTER_CAPACITY) {
    if (file && fs.existsSync(file)) {
      const n = Number(fs.readFileSync(file, 'utf8').trim());
      if (!Number.isInteger(n) || n < 0 || n > capacity) throw new Error(`eFuse file ${file} does not hold a count from 0 to ${capacity}`);
      this.value = n;
    }
  }

  read(): number {
    return this.value;
  }

  increment(): boolean {
    if (this.value >= this.capacity) return false;
    this.value++;
    if (this.file) {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.writeFileSync(this.file, `${this.value}\n`);
    }
    return true;
  }

  /**
   * Only for tests that replay power cuts from one saved state (flash and eFuse together): no attacker can do
   * this, which is the point of the counter.
   */
  setForTest(value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > this.capacity) throw new RangeError(`an eFuse count is 0 to ${this.capacity}`);
    this.value = value;
    if (this.file) fs.writeFileSync(this.file, `${value}\n`);
  }

  /** What GET /api/efuse shows: the count and the bits as they would read on the chip. */
  describe(): { burned: number; capacity: number; bits: string } {
    return { burned: this.value, capacity: this.capacity, bits: '1'.repeat(this.value) + '0'.repeat(this.capacity - this.value) };
  }
}
