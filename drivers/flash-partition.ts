/**
 * Flash port on ESP32: the `latch` data partition of partitions.csv through Moddable's `flash` module.
 * 4 KiB sectors; erase sets 0xFF; the vault's record log only ever clears bits between erases.
 */
import Flash from "flash";
import type { FlashPort } from "../modules/ports.js";

export class PartitionFlash implements FlashPort {
  readonly size: number;
  readonly sectorSize: number;
  private readonly flash: Flash;

  constructor(partition = "latch") {
    this.flash = new Flash(partition);
    this.size = this.flash.byteLength;
    this.sectorSize = this.flash.blockSize;
  }

  read(offset: number, length: number): Uint8Array {
    this.check(offset, length);
    return new Uint8Array(this.flash.read(offset, length) as ArrayBuffer);
  }

  write(offset: number, data: Uint8Array): void {
    this.check(offset, data.length);
    const copy = data.slice(); // the flash module wants a whole buffer
    this.flash.write(offset, copy.length, copy.buffer);
  }

  eraseSector(sector: number): void {
    this.check(sector * this.sectorSize, this.sectorSize);
    this.flash.erase(sector);
  }

  private check(offset: number, length: number): void {
    if (offset < 0 || length < 0 || offset + length > this.size) throw new RangeError(`flash access at ${offset}+${length} is outside the ${this.size}-byte partition`);
  }
}
