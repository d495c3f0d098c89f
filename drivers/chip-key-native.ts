/**
 * ChipKeyPort on ESP32 boards: the native binding of chip-key/esp32/chip-key.c (the eFuse HMAC peripheral on the
 * ESP32-S3, a key in the flash-encrypted `latchkey` partition on the ESP32). The key never reaches JavaScript
 * after provisioning, which takes 32 bytes from the health-tested RNG at first boot.
 */
import type { ChipKeyPort } from "../modules/ports.js";

const chipHmac = native("xs_latch_chip_hmac") as (message: ArrayBuffer) => ArrayBuffer;
const chipProvisioned = native("xs_latch_chip_provisioned") as () => boolean;
const chipProvision = native("xs_latch_chip_provision") as (key: ArrayBuffer) => void;

export class NativeChipKey implements ChipKeyPort {
  hmac(message: Uint8Array): Uint8Array {
    const copy = message.slice();
    const out = new Uint8Array(chipHmac(copy.buffer));
    copy.fill(0);
    return out;
  }

  provisioned(): boolean {
    return chipProvisioned();
  }

  provision(key: Uint8Array): void {
    const copy = key.slice();
    chipProvision(copy.buffer);
    copy.fill(0);
  }
}
