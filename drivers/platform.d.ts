/**
 * What every per-platform driver set offers. manifest.json maps the module "drivers/platform" to
 * drivers/platform-esp32.ts or drivers/platform-sim.ts; this declaration is what main.ts type-checks against.
 */
import type { Device } from "../modules/device.js";
import type { ChipKeyPort, FlashPort, LinkPort, MonotonicCounterPort } from "../modules/ports.js";

export declare const PLATFORM: string;
export declare function makeFlash(): FlashPort;
export declare function makeLink(): LinkPort;
export declare function makeChipKey(): ChipKeyPort;
/** the rollback counter (eFuse), where the board has a driver for it */
export declare function makeCounter(): MonotonicCounterPort | undefined;
/** after boot: nothing on a board; on the simulator, the memory probe when npm run memory:sim asks for it */
export declare function afterBoot(device: Device): void;
