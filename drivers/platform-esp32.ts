/** ESP32 boards: the vault on the `latch` flash partition, the link over BLE. Mapped as "drivers/platform". */
import { PartitionFlash } from "./flash-partition.js";
import { BleLink } from "./link-ble.js";
import { NativeChipKey } from "./chip-key-native.js";
import { NativeCounter } from "./counter-native.js";

export const PLATFORM = "esp32";
export const makeFlash = () => new PartitionFlash("latch");
export const makeLink = () => new BleLink("Latch");
export const makeChipKey = () => new NativeChipKey();
/** eFuse bits (counter/esp32/counter.c): 128 on the ESP32; on the S3 12 with LATCH_S3_EFUSE_COUNTER, else none (README: the eFuse budget) */
export const makeCounter = () => new NativeCounter();
/** nothing runs after boot on a board (the simulator's memory probe is not in board builds) */
export const afterBoot = (_device: unknown) => {};
