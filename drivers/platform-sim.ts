/**
 * Moddable desktop simulator: the vault in a file under /tmp; the link over a WebSocket on port 8081 (the
 * simulator has no BLE). Mapped as "drivers/platform".
 */
import { FileFlash } from "./flash-file.js";
import { WebSocketLink } from "./link-websocket.js";
import { FileChipKey } from "./chip-key-file.js";
import { FileCounter } from "./counter-file.js";

export const PLATFORM = "moddable-sim";
export const makeFlash = () => new FileFlash();
export const makeLink = () => new WebSocketLink();
export const makeChipKey = () => new FileChipKey();
export const makeCounter = () => new FileCounter();
