/**
 * Buttons port: M5Stack's A/B/C, probed at run time.
 *  - device: `globalThis.button.a/b/c` (m5button over a pull-up pin: `read()` is 0 while pressed);
 *  - Moddable simulator: `new Host.Button.a({onPush(pressed)})`, `pressed` 1 on down and 0 on up.
 * A press held for LONG_PRESS_MS or more is a long press, reported on release.
 */
import type { ButtonEvent, ButtonId, ButtonsPort } from "../modules/ports.js";
import Time from "time";

export const LONG_PRESS_MS = 800;
const IDS: ButtonId[] = ["a", "b", "c"];

declare const Host: any;

export class BoardButtons implements ButtonsPort {
  private readonly simulated: unknown[] = []; // keep the simulator's button objects alive

  listen(onPress: (e: ButtonEvent) => void): void {
    const edge = (id: ButtonId) => {
      let downAt = -1;
      return (pressed: boolean) => {
        if (pressed) downAt = Time.ticks;
        else if (downAt >= 0) {
          const held = Time.ticks - downAt;
          downAt = -1;
          onPress({ button: id, long: held >= LONG_PRESS_MS });
        }
      };
    };
    const device = (globalThis as any).button;
    if (device) {
      for (const id of IDS) {
        const button = device[id];
        if (!button) continue;
        const changed = edge(id);
        button.onChanged = function (this: { read(): number }) {
          changed(this.read() === 0);
        };
      }
      return;
    }
    if (typeof Host !== "undefined" && Host.Button) {
      for (const id of IDS) {
        const changed = edge(id);
        this.simulated.push(new Host.Button[id]({ onPush: (pressed: number) => changed(pressed === 1) }));
      }
      return;
    }
    throw new Error("this board has no A/B/C buttons (neither globalThis.button nor Host.Button)");
  }
}
