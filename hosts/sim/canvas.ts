/** The simulated 320x240 LCD: an RGBA framebuffer implementing the Canvas port with the shared font. */
import type { CanvasPort, Color } from '../../modules/ports.js';
import { rasterizeText } from '../../modules/ui/font.js';
import { encodePng } from './png.js';

export class SoftwareCanvas implements CanvasPort {
  readonly pixels: Uint8Array;
  /** the same pixels, one RGBA pixel per element (little-endian: R in the low byte), for fast fills */
  private readonly words: Uint32Array;
  /** bumped at every `end()`, so pages and tests can tell a new frame arrived */
  frame = 0;
  onFrame: (() => void) | undefined;

  constructor(readonly width = 320, readonly height = 240) {
    this.pixels = new Uint8Array(width * height * 4);
    this.words = new Uint32Array(this.pixels.buffer, this.pixels.byteOffset, width * height);
    this.clear(0x000000);
  }

  clear(color: Color): void {
    this.fillRect(0, 0, this.width, this.height, color);
  }

  begin(): void {}

  end(): void {
    this.frame++;
    this.onFrame?.();
  }

  fillRect(x: number, y: number, w: number, h: number, color: Color): void {
    const x0 = Math.max(0, Math.floor(x));
    const y0 = Math.max(0, Math.floor(y));
    const x1 = Math.min(this.width, Math.floor(x + w));
    const y1 = Math.min(this.height, Math.floor(y + h));
    if (x1 <= x0) return;
    const word = (0xff000000 | ((color & 0xff) << 16) | (color & 0xff00) | ((color >> 16) & 0xff)) >>> 0;
    for (let yy = y0; yy < y1; yy++) this.words.fill(word, yy * this.width + x0, yy * this.width + x1);
  }

  drawText(text: string, x: number, y: number, color: Color, scale: number): void {
    rasterizeText(text, x, y, scale, (rx, ry, rw, rh) => this.fillRect(rx, ry, rw, rh, color));
  }

  drawBitmap(bits: Uint8Array, x: number, y: number, w: number, h: number, color: Color, scale: number): void {
    const stride = Math.ceil(w / 8);
    for (let row = 0; row < h; row++) {
      for (let col = 0; col < w; col++) {
        if (bits[row * stride + (col >> 3)] & (0x80 >> (col & 7))) this.fillRect(x + col * scale, y + row * scale, scale, scale, color);
      }
    }
  }

  png(): Buffer {
    return encodePng(this.width, this.height, this.pixels);
  }
}
