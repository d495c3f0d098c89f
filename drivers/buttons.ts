/**
 * Buttons port: M5Stack's A/B/C, probed at run time, their edges turned into presses with how long each was held
 * (modules/ui/button-edges.ts, on the board's clock):
 *  - device: `globalThis.button.a/b/c`: on the M5Stack Fire an m5button over a pull-up pin (`read()` is 0 while
 *    pressed); on the CoreS3, which has no buttons, the SDK's virtual buttons under the bottom of the touch
 *    screen (`read()` is 1 while pressed; manifest.json sets `config.latchButtonPressed` to 1 there);
 *  - Moddable simulator: `new Host.Button.a({onPush(pressed)})`, `pressed` 1 on down and 0 on up.
 */
import Time from "time";
import config from "mc/config";
import type { ButtonEvent, ButtonId, ButtonsPort } from "../modules/ports.js";
import { ButtonEdges } from "../modules/ui/button-edges.js";

const IDS: ButtonId[] = ["a", "b", "c"];
/** the value `read()` gives while a button is held: 0 for m5button (pull-up), 1 for the CoreS3's virtual buttons */
const PRESSED = (config as { latchButtonPressed?: number }).latchButtonPressed ?? 0;

/** Moddable's simulator host (build/simulators/m5stack/host.js) */
interface SimulatorHost {
  readonly Button?: Readonly<Record<ButtonId, new (options: { onPush(pressed: number): void }) => object>>;
}

/** m5button (build/devices/esp32/targets/m5stack_fire/m5button.js): `onChanged` after each debounced edge. */
interface M5Button {
  read(): number;
  onChanged?: (this: M5Button) => void;
}

export class BoardButtons implements ButtonsPort {
  private readonly simulated: object[] = []; // keep the simulator's button objects alive

  listen(onPress: (e: ButtonEvent) => void): void {
    const edges = new ButtonEdges(() => Time.ticks, onPress);
    const device = (globalThis as { button?: Partial<Record<ButtonId, M5Button>> }).button;
    if (device) {
      for (const id of IDS) {
        const button = device[id];
        if (!button) continue;
        button.onChanged = function () {
          edges.edge(id, this.read() === PRESSED);
        };
      }
      return;
    }
    // read through globalThis (the simulator's host.js sets globalThis.Host): the SDK's device typings, which a
    // board build compiles against, do not declare `Host`
    const host = (globalThis as { Host?: SimulatorHost }).Host;
    if (host?.Button) {
      const Button = host.Button;
      for (const id of IDS) this.simulated.push(new Button[id]({ onPush: (pressed: number) => edges.edge(id, pressed === 1) }));
      return;
    }
    throw new Error("this board has no A/B/C buttons (neither globalThis.button nor Host.Button)");
  }
}
