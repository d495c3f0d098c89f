/**
 * Moddable desktop simulator: the vault in a file under /tmp; the link over a WebSocket on port 8081 (the
 * simulator has no BLE). Mapped as "drivers/platform".
 */
import { File } from "file";
import type { Device } from "../modules/device.js";
import { FileFlash } from "./flash-file.js";
import { WebSocketLink } from "./link-websocket.js";
import { FileChipKey } from "./chip-key-file.js";
import { FileCounter } from "./counter-file.js";

export const PLATFORM = "moddable-sim";
export const makeFlash = () => new FileFlash();
export const makeLink = () => new WebSocketLink();
export const makeChipKey = () => new FileChipKey();
export const makeCounter = () => new FileCounter();

/**
 * npm run memory:sim makes this file in its private /tmp: then the memory probe runs (drivers/memory-probe.ts).
 * Imported only then, so an ordinary boot loads none of it and the boot figures stay the firmware's own.
 */
export const MEMORY_PROBE_FLAG = "/tmp/latch-memory-probe";
export function afterBoot(device: Device): void {
  if (!File.exists(MEMORY_PROBE_FLAG)) return;
  import("./memory-probe.js").then((probe) => probe.runMemoryProbe(device), (err) => trace(`latch-probe: failed ${err}\n`));
}
