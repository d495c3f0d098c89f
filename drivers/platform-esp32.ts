/** ESP32 boards: the vault on the `latch` flash partition, the link over BLE. Mapped as "drivers/platform". */
import { PartitionFlash } from "./flash-partition.js";
import { BleLink } from "./link-ble.js";
import { NativeChipKey } from "./chip-key-native.js";

export const PLATFORM = "esp32";
export const makeFlash = () => new PartitionFlash("latch");
export const makeLink = () => new BleLink("Latch");
export const makeChipKey = () => new NativeChipKey();
/** the eFuse counter driver is not written yet (README: still open): flash-only checks on the boards */
export const makeCounter = (): undefined => undefined;
