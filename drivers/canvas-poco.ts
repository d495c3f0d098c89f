/**
 * Canvas port on Poco over `screen`. Text is drawn with the shared bitmap font (modules/ui/font.ts) as runs
 * of rectangles, so the device shows exactly the layout the simulator and the tests see. A full screen of
 * text is a few thousand rectangles: the display list is sized for that (PSRAM boards).
 */
import Poco from "commodetto/Poco";
import type { CanvasPort, Color } from "../modules/ports.js";
import { rasterizeText } from "../modules/ui/font.js";

export class PocoCanvas implements CanvasPort {
  private readonly poco;
  readonly width: number;
  readonly height: number;

  constructor() {
    this.poco = new Poco(screen, { displayListLength: 48 * 1024 });
    this.width = this.poco.width;
    this.height = this.poco.height;
  }

  begin(): void { this.poco.begin(); }
  end(): void { this.poco.end(); }

  fillRect(x: number, y: number, w: number, h: number, color: Color): void {
    this.poco.fillRectangle(this.color(color), x, y, w, h);
  }

  drawText(text: string, x: number, y: number, color: Color, scale: number): void {
    const c = this.color(color);
    rasterizeText(text, x, y, scale, (rx, ry, rw, rh) => this.poco.fillRectangle(c, rx, ry, rw, rh));
  }

  drawBitmap(bits: Uint8Array, x: number, y: number, w: number, h: number, color: Color, scale: number): void {
    const c = this.color(color);
    const stride = (w + 7) >> 3;
    for (let row = 0; row < h; row++)
      for (let col = 0; col < w; col++)
        if (bits[row * stride + (col >> 3)] & (0x80 >> (col & 7))) this.poco.fillRectangle(c, x + col * scale, y + row * scale, scale, scale);
  }

  private color(rgb: Color): number {
    return this.poco.makeColor((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff);
  }
}
