/**
 * The Moddable entry point: composes the Device from the board's drivers and boots it.
 * The Node board simulator composes the same Device in hosts/sim (see README, "Layout").
 */
import { Device } from "./modules/device.js";
import type { FlashPort, LinkPort } from "./modules/ports.js";
import { HardwareEntropy } from "./drivers/entropy/entropy.js";
import { PocoCanvas } from "./drivers/canvas-poco.js";
import { BoardButtons } from "./drivers/buttons.js";
import { BoardClock } from "./drivers/clock.js";
import { traceLog } from "./drivers/log.js";
import config from "mc/config";

/** Per-platform drivers come from the manifest: "latch/flash" and "latch/link" differ on ESP32 and the simulator. */
import { makeFlash, makeLink, PLATFORM } from "latch/platform";

export default function main(): void {
  const flash: FlashPort = makeFlash();
  const link: LinkPort = makeLink();
  const device = new Device(
    {
      entropy: new HardwareEntropy(),
      flash,
      canvas: new PocoCanvas(),
      buttons: new BoardButtons(),
      clock: new BoardClock(),
      link,
      log: traceLog,
    },
    { platform: `${PLATFORM}${(config as any).screen ? "" : " (no screen)"}` },
  );
  device.boot();
}
