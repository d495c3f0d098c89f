/**
 * The board's buttons as the firmware hears them: each button's down and up edges become one press, reported on
 * release, with how long it was held (heldMs) measured on the board's own clock. The driver (drivers/buttons.ts)
 * feeds the edges of the M5Stack's buttons and of Moddable's simulator pane here; the navigator then knows when a
 * press began, so a hold that began before a screen appeared never acts on it (app/navigator.ts).
 */
import type { ButtonEvent, ButtonId } from '../ports.js';

/** A press held this long or longer is a long press (the security gesture). */
export const LONG_PRESS_MS = 800;

export class ButtonEdges {
  private readonly downAt: Partial<Record<ButtonId, number>> = {};

  constructor(private readonly now: () => number, private readonly emit: (e: ButtonEvent) => void) {}

  /** The button went down (`pressed`) or up. A release whose press was never seen (held at boot) is no press. */
  edge(button: ButtonId, pressed: boolean): void {
    const at = this.downAt[button];
    if (pressed) {
      if (at === undefined) this.downAt[button] = this.now();
      return;
    }
    if (at === undefined) return;
    delete this.downAt[button];
    const heldMs = Math.max(0, this.now() - at);
    this.emit({ button, long: heldMs >= LONG_PRESS_MS, heldMs });
  }
}
