/** Moddable desktop simulator: the vault in a file under /tmp, no BLE. Mapped as "drivers/platform". */
import { FileFlash } from "./flash-file.js";
import { NoLink } from "./link-none.js";

export const PLATFORM = "moddable-sim";
export const makeFlash = () => new FileFlash();
export const makeLink = () => new NoLink();
