/**
 * Draws one page of a screen's layout (layout.ts) on the Canvas port: the title bar (with the page counter on a
 * screen of several pages), the page's rows (a bar in the margin beside each row that continues a line), the QR
 * code, and a label above each of the three buttons. It draws exactly what the layout says, nothing more.
 */
import type { ButtonId, CanvasPort } from '../ports.js';
import { FONT_WIDTH, textWidth } from './font.js';
import { BUTTON_BAR_HEIGHT, BUTTON_CENTERS, BUTTON_WIDTH, LABEL_MAX_WIDTH, TITLE_HEIGHT, layoutScreen, pageButtons, type ScreenLayout } from './layout.js';
import type { Screen } from './screen.js';
import { THEME } from './theme.js';

export { THEME };

/** Draw `page` of `layout` with these button labels (the page's: see layout.ts pageButtons). */
export function renderPage(canvas: CanvasPort, layout: ScreenLayout, page: number, buttons: Partial<Record<ButtonId, string>>): void {
  const { width, height } = canvas;
  canvas.begin();
  canvas.fillRect(0, 0, width, height, THEME.background);

  canvas.fillRect(0, 0, width, TITLE_HEIGHT, THEME.titleBar);
  for (const t of layout.title) canvas.drawText(t.text, t.x, t.y, THEME.titleText, t.scale);
  const p = layout.pages[Math.min(page, layout.pages.length - 1)];
  if (p.counter) canvas.drawText(p.counter.text, p.counter.x, p.counter.y, THEME.titleText, 1);

  if (layout.qr) {
    const q = layout.qr;
    const side = q.bitmap.size * q.scale;
    canvas.fillRect(q.x, q.y, side, side, 0xffffff);
    canvas.drawBitmap(q.bitmap.bits, q.x, q.y, q.bitmap.size, q.bitmap.size, 0x000000, q.scale);
  }

  for (const r of p.rows) {
    if (r.continued) canvas.fillRect(2, r.y, 2, 13 * r.scale, THEME.continuation);
    if (r.text) canvas.drawText(r.text, r.x, r.y, r.color, r.scale);
  }

  const barTop = height - BUTTON_BAR_HEIGHT;
  for (const id of ['a', 'b', 'c'] as ButtonId[]) {
    const label = buttons[id];
    if (!label) continue;
    const text = fitLabel(label);
    const cx = BUTTON_CENTERS[id];
    canvas.fillRect(cx - (BUTTON_WIDTH >> 1), barTop + 2, BUTTON_WIDTH, BUTTON_BAR_HEIGHT - 4, THEME.buttonFill);
    canvas.drawText(text, cx - (textWidth(text, 1) >> 1), barTop + 5, THEME.buttonText, 1);
  }
  canvas.end();
}

/** Lay out `screen` and draw its first page (tests, and screens drawn outside the navigator). */
export function render(canvas: CanvasPort, screen: Screen): ScreenLayout {
  const layout = layoutScreen(screen, canvas);
  renderPage(canvas, layout, 0, pageButtons(screen.buttons, 0, layout.pages.length));
  return layout;
}

/** A label too wide for its button is a layout problem (reported); on a device it is still drawn, cut. */
function fitLabel(text: string): string {
  const max = Math.floor(LABEL_MAX_WIDTH / FONT_WIDTH);
  return text.length <= max ? text : `${text.slice(0, max - 1)}~`;
}
