/**
 * The board simulator's flash: the NOR model of nor-flash.ts, persisted to a file after every write and
 * erase (torn ones included), so a power cut or a killed simulator leaves exactly what real flash would.
 * An image file is locked while open (image-lock.ts): two simulators never share one by accident.
 */
import fs from 'node:fs';
import path from 'node:path';
import { NorFlash, type NorFlashOptions } from './nor-flash.js';
import { lockImage } from './image-lock.js';

export { DEFAULT_FLASH_SIZE, DEFAULT_SECTOR_SIZE, NorViolationError, PowerCutError } from './nor-flash.js';
export { ImageInUseError } from './image-lock.js';

export interface FlashImageOptions extends NorFlashOptions {
  /** image file; omitted = memory only */
  file?: string;
}

export class FlashImage extends NorFlash {
  private readonly file: string | undefined;
  private unlock: (() => void) | undefined;

  constructor(options: FlashImageOptions = {}) {
    super(options);
    this.file = options.file;
    // The lock comes before the first byte is read or written (it throws ImageInUseError).
    if (this.file) this.unlock = lockImage(this.file);
    if (this.file && fs.existsSync(this.file)) {
      const existing = fs.readFileSync(this.file);
      if (existing.length !== this.size) {
        this.close();
        throw new Error(`flash image ${this.file} has ${existing.length} bytes, expected ${this.size}: delete it or pass the right size`);
      }
      this.bytes.set(existing);
    } else if (this.file) {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.writeFileSync(this.file, this.bytes);
    }
  }

  /** Let another simulator open the image file (the board is off for good). */
  close(): void {
    this.unlock?.();
    this.unlock = undefined;
  }

  /**
   * A clip on the chip (issue 17's attacker, for QA benches): the whole image programmed as given, with the board
   * off. Bits may go up as well as down here (the clip erases sectors first), exactly what a clip can do.
   */
  program(image: Uint8Array): void {
    if (image.length !== this.size) throw new RangeError(`a flash image is ${this.size} bytes, not ${image.length}`);
    this.bytes.set(image);
    this.changed(0, this.size);
  }

  protected override changed(offset: number, length: number): void {
    if (!this.file) return;
    const fd = fs.openSync(this.file, 'r+');
    try {
      fs.writeSync(fd, this.bytes, offset, length, offset);
    } finally {
      fs.closeSync(fd);
    }
  }
}
