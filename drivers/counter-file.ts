/**
 * MonotonicCounterPort on the Moddable desktop simulator: the emulated eFuse rollback counter, a 4-byte count in
 * /tmp/latch-efuse.bin beside the chip key and the vault's file (never part of the vault image), 128 bits as
 * the free bits of the ESP32's BLOCK3 (README: the eFuse budget). Editing the vault file cannot set it back.
 */
import { File } from "file";
import type { MonotonicCounterPort } from "../modules/ports.js";

export const COUNTER_FILE = "/tmp/latch-efuse.bin";

export class FileCounter implements MonotonicCounterPort {
  readonly capacity = 128;
  private value = 0;

  constructor(private readonly path = COUNTER_FILE) {
    if (!File.exists(path)) return;
    const f = new File(path);
    try {
      if (f.length === 4) {
        const b = new Uint8Array(f.read(ArrayBuffer, 4) as ArrayBuffer);
        this.value = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
      }
    } finally {
      f.close();
    }
  }

  read(): number {
    return this.value;
  }

  increment(): boolean {
    if (this.value >= this.capacity) return false;
    const v = this.value + 1;
    const f = new File(this.path, true);
    try {
      f.write(Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff).buffer);
    } finally {
      f.close();
    }
    this.value = v;
    return true;
  }
}
