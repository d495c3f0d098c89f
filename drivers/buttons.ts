/**
 * Buttons port: M5Stack's A/B/C. On the device they are `globalThis.button.a/b/c` (m5button, set up by the
 * board's setup-target); on the Moddable simulator `Host.Button.a/b/c`. Probed at run time. A press held for
 * LONG_PRESS_MS or more is a long press, reported on release.
 */
import type { ButtonEvent, ButtonId, ButtonsPort } from "../modules/ports.js";
import Time from "time";

export const LONG_PRESS_MS = 800;

declare const Host: any;

export class BoardButtons implements ButtonsPort {
  listen(onPress: (e: ButtonEvent) => void): void {
    const source = (globalThis as any).button ?? (typeof Host !== "undefined" ? Host.Button : undefined);
    if (!source) throw new Error("this board has no A/B/C buttons (neither globalThis.button nor Host.Button)");
    for (const id of ["a", "b", "c"] as ButtonId[]) {
      const button = source[id];
      if (!button) continue;
      let downAt = -1;
      button.onChanged = function (this: { read(): number }) {
        const pressed = this.read() !== 0;
        if (pressed) downAt = Time.ticks;
        else if (downAt >= 0) {
          const held = Time.ticks - downAt;
          downAt = -1;
          onPress({ button: id, long: held >= LONG_PRESS_MS });
        }
      };
    }
  }
}
