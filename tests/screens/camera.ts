/**
 * The screen catalogue's camera (portable: runs on XS and Node): takes a shot of whatever a device rig shows, every
 * page of it, as the draw calls the renderer makes for the LCD (the same renderer the device runs). The host side
 * (tests/screens/pictures.ts) turns them into PNG.
 */
import type { CanvasPort } from '../../modules/ports.js';
import { toHex } from '../../modules/bytes.js';
import { renderPage } from '../../modules/ui/render.js';
import { pageButtons } from '../../modules/ui/layout.js';
import type { DeviceRig } from '../portable/support/device-rig.js';

/** One drawing call, compact: a rectangle, a text, or a 1-bit bitmap (hex). */
export type DrawOp =
  | ['r', number, number, number, number, number]
  | ['t', string, number, number, number, number]
  | ['b', string, number, number, number, number, number, number];

export interface Shot {
  /** the fixture's name: the screen id, then ".variant" for further states of it */
  name: string;
  id: string;
  /** each page's drawing, in order */
  pages: DrawOp[][];
  /** what the picture must show, for the tests that read it back from the pixels (a backup code, an amount) */
  facts?: Record<string, string>;
}

export function opsCanvas(width = 320, height = 240): CanvasPort & { ops: DrawOp[] } {
  const ops: DrawOp[] = [];
  return {
    width, height, ops,
    begin: () => { ops.length = 0; },
    end: () => {},
    fillRect: (x, y, w, h, c) => void ops.push(['r', x, y, w, h, c]),
    drawText: (text, x, y, c, s) => void ops.push(['t', text, x, y, c, s]),
    drawBitmap: (bits, x, y, w, h, c, s) => void ops.push(['b', toHex(bits), x, y, w, h, c, s]),
  };
}

export class Camera {
  readonly shots: Shot[] = [];

  /** Every page of what `rig` shows now; `expect` is the id the flow means to be on (a flow that drifted fails). */
  shot(rig: DeviceRig, name: string, expect = name.split('.')[0], facts?: Record<string, string>): void {
    const v = rig.d.view();
    if (v.screen.id !== expect) throw new Error(`catalogue: "${name}" expected screen "${expect}", the device shows "${v.screen.id}": ${rig.text()}`);
    if (this.shots.some((s) => s.name === name)) throw new Error(`catalogue: two shots named "${name}"`);
    const n = v.layout.pages.length;
    const pages = v.layout.pages.map((_, i) => {
      const c = opsCanvas(rig.b.canvas.width, rig.b.canvas.height);
      renderPage(c, v.layout, i, pageButtons(v.screen.buttons, i, n));
      return c.ops.slice();
    });
    this.shots.push({ name, id: v.screen.id, pages, ...(facts ? { facts } : {}) });
  }

  /**
   * A screen that shows only while the device works (Erasing, Signing): the last frame the device drew since
   * `from` whose title row is `title`, as it was drawn.
   */
  frame(rig: DeviceRig, name: string, id: string, from: number, title: string): void {
    const frames = rig.b.canvas.frames.slice(from).filter((f) => f.some((c) => c[0] === 'text' && c[1] === title && (c[3] as number) < 32));
    const f = frames[frames.length - 1];
    if (!f) throw new Error(`catalogue: no frame titled "${title}" for "${name}"`);
    const ops: DrawOp[] = f.map((c): DrawOp => {
      if (c[0] === 'rect') return ['r', ...(c.slice(1) as [number, number, number, number, number])];
      if (c[0] === 'text') return ['t', ...(c.slice(1) as [string, number, number, number, number])];
      const [bits, ...rest] = c.slice(1) as [Uint8Array, number, number, number, number, number, number];
      return ['b', toHex(bits), ...rest];
    });
    this.shots.push({ name, id, pages: [ops] });
  }
}
