/**
 * Flash port on the Moddable desktop simulator, which has no `flash` module: a file under /tmp that keeps
 * NOR semantics (a write ANDs into what is there, erase writes 0xFF), so the vault code behaves as on ESP32.
 */
import { File } from "file";
import type { FlashPort } from "../modules/ports.js";

export class FileFlash implements FlashPort {
  readonly sectorSize = 4096;

  constructor(private readonly path = "/tmp/latch-flash.bin", readonly size = 64 * 1024) {
    let existing = 0;
    if (File.exists(path)) {
      const f = new File(path);
      existing = f.length;
      f.close();
    }
    if (existing !== size) {
      const f = new File(path, true);
      const erased = new Uint8Array(this.sectorSize).fill(0xff);
      for (let o = 0; o < size; o += this.sectorSize) f.write(erased.buffer);
      f.close();
    }
  }

  read(offset: number, length: number): Uint8Array {
    const f = new File(this.path);
    try {
      f.position = offset;
      return new Uint8Array(f.read(ArrayBuffer, length) as ArrayBuffer);
    } finally {
      f.close();
    }
  }

  write(offset: number, data: Uint8Array): void {
    const merged = this.read(offset, data.length);
    for (let i = 0; i < data.length; i++) merged[i] &= data[i];
    const f = new File(this.path, true);
    try {
      f.position = offset;
      f.write(merged.buffer);
    } finally {
      f.close();
    }
  }

  eraseSector(sector: number): void {
    const f = new File(this.path, true);
    try {
      f.position = sector * this.sectorSize;
      f.write(new Uint8Array(this.sectorSize).fill(0xff).buffer);
    } finally {
      f.close();
    }
  }
}
