/**
 * Lays a Screen out on the Canvas port: a title bar, the body lines (wrapped), and a label above each of the
 * three buttons. The M5Stack Fire's buttons sit under x = 68, 160 and 252 of its 320x240 LCD.
 */
import type { CanvasPort, ButtonId } from '../ports.js';
import { lineHeight, textWidth, wrapText, FONT_WIDTH } from './font.js';
import type { Screen, TextSize } from './screen.js';
import { qrBitmap } from './qr.js';

export const THEME = {
  background: 0x000000,
  titleBar: 0x1d3557,
  titleText: 0xffffff,
  text: 0xe6e6e6,
  buttonFill: 0x2f2f2f,
  buttonText: 0xffffff,
  warning: 0xffb000,
  dim: 0x9a9a9a,
  danger: 0xff4d4d,
};

const SCALE: Record<TextSize, number> = { normal: 1, large: 2, huge: 3 };
const BUTTON_CENTERS: Record<ButtonId, number> = { a: 68, b: 160, c: 252 };
const TITLE_HEIGHT = 32;
const BUTTON_BAR_HEIGHT = 24;
const MARGIN = 8;

export function render(canvas: CanvasPort, screen: Screen): void {
  const { width, height } = canvas;
  canvas.begin();
  canvas.fillRect(0, 0, width, height, THEME.background);

  canvas.fillRect(0, 0, width, TITLE_HEIGHT, THEME.titleBar);
  const title = fit(screen.title, width - 2 * MARGIN, 2);
  canvas.drawText(title, (width - textWidth(title, 2)) >> 1, 3, THEME.titleText, 2);

  let y = TITLE_HEIGHT + 8;
  const bodyBottom = height - BUTTON_BAR_HEIGHT - 4;
  if (screen.qr !== undefined) {
    // The QR code takes the right side of the body, as large as fits; the text wraps on the left.
    const qr = qrBitmap(screen.qr);
    const room = bodyBottom - y;
    const scale = Math.max(1, Math.floor(room / qr.size));
    const side = qr.size * scale;
    const qx = width - MARGIN - side;
    canvas.fillRect(qx, y, side, side, 0xffffff);
    canvas.drawBitmap(qr.bits, qx, y, qr.size, qr.size, 0x000000, scale);
    return finish(canvas, screen, y, bodyBottom, qx - MARGIN);
  }
  return finish(canvas, screen, y, bodyBottom, width);
}

function finish(canvas: CanvasPort, screen: Screen, top: number, bodyBottom: number, textRight: number): void {
  const { height } = canvas;
  let y = top;
  for (const l of screen.lines) {
    const scale = SCALE[l.size ?? 'normal'];
    const maxChars = Math.floor((textRight - 2 * MARGIN) / (FONT_WIDTH * scale));
    for (const piece of l.text.split('\n').flatMap((part) => wrapText(part, maxChars))) {
      if (y + lineHeight(scale) > bodyBottom) break; // never draw over the button labels
      const x = l.align === 'center' ? (textRight - textWidth(piece, scale)) >> 1 : MARGIN;
      canvas.drawText(piece, x, y, l.color ?? THEME.text, scale);
      y += lineHeight(scale);
    }
  }

  const barTop = height - BUTTON_BAR_HEIGHT;
  for (const id of ['a', 'b', 'c'] as ButtonId[]) {
    const label = screen.buttons[id];
    if (!label) continue;
    const text = fit(label, 84, 1);
    const cx = BUTTON_CENTERS[id];
    canvas.fillRect(cx - 45, barTop + 2, 90, BUTTON_BAR_HEIGHT - 4, THEME.buttonFill);
    canvas.drawText(text, cx - (textWidth(text, 1) >> 1), barTop + 5, THEME.buttonText, 1);
  }
  canvas.end();
}

/** Cut a label that would not fit, marking the cut. */
function fit(text: string, maxWidth: number, scale: number): string {
  const max = Math.floor(maxWidth / (FONT_WIDTH * scale));
  return text.length <= max ? text : text.slice(0, Math.max(0, max - 1)) + '~';
}
