/**
 * ChipKeyPort on the Moddable desktop simulator: 32 bytes in /tmp/latch-chip-key.bin, beside the vault's file,
 * provisioned at first boot from the health-tested RNG. It stands in for the eFuse key; deleting it makes the
 * vault file "another device's storage", exactly as moving a flash image to another board does.
 */
import { File } from "file";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import type { ChipKeyPort } from "../modules/ports.js";

export const CHIP_KEY_FILE = "/tmp/latch-chip-key.bin";

export class FileChipKey implements ChipKeyPort {
  private key: Uint8Array | undefined;

  constructor(private readonly path = CHIP_KEY_FILE) {
    if (!File.exists(path)) return;
    const f = new File(path);
    try {
      if (f.length === 32) this.key = new Uint8Array(f.read(ArrayBuffer, 32) as ArrayBuffer);
    } finally {
      f.close();
    }
  }

  hmac(message: Uint8Array): Uint8Array {
    if (!this.key) throw new Error("the chip key is not provisioned");
    return hmac(sha256, this.key, message);
  }

  provisioned(): boolean {
    return this.key !== undefined;
  }

  provision(key: Uint8Array): void {
    if (this.key) throw new Error("the chip key already exists");
    const f = new File(this.path, true);
    try {
      f.write(key.slice().buffer);
    } finally {
      f.close();
    }
    this.key = key.slice();
  }
}
