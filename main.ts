/**
 * The Moddable entry point: composes the Device from the board's drivers and boots it.
 * The Node board simulator composes the same Device in hosts/sim (see README, "Layout").
 */
import "./drivers/globals.js"; // first: globals the libraries expect
import "./drivers/random.js"; // then crypto.getRandomValues over the health-tested RNG, before noble's modules load
import { Device } from "./modules/device.js";
import type { FlashPort, LinkPort } from "./modules/ports.js";
import { HardwareEntropy } from "./drivers/entropy/entropy.js";
import { PocoCanvas } from "./drivers/canvas-poco.js";
import { BoardButtons } from "./drivers/buttons.js";
import { BoardClock } from "./drivers/clock.js";
import { traceLog } from "./drivers/log.js";
import { CryptHash } from "./drivers/hash-crypt.js";

/** Per-platform drivers: manifest.json maps "drivers/platform" to platform-esp32.ts or platform-sim.ts. */
import { afterBoot, makeChipKey, makeCounter, makeFlash, makeLink, PLATFORM } from "./drivers/platform.js";

export default function main(): void {
  try {
    boot();
  } catch (err) {
    // Without xsbug a release build only shows a red screen: say why on the console first.
    trace(`latch: boot failed: ${(err as Error)?.stack ?? err}\n`);
    throw err;
  }
}

function boot(): void {
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
      hash: new CryptHash(),
      chipKey: makeChipKey(),
      counter: makeCounter(),
    },
    { platform: PLATFORM },
  );
  device.boot();
  afterBoot(device);
}
