/**
 * The one layout of a screen, computed once by portable code: the renderer draws exactly this, and the
 * screen's description (`/api/screen`, the tests) reports exactly this, page by page.
 *
 * Nothing is dropped. The body's lines are wrapped with the shared font's metrics into rows; rows that do not fit
 * the body go on the next page (a line is kept whole on one page when it fits on one). A row that continues a
 * line (a wrap, or text after a visible `\n` escape) is indented and marked with a bar in the left margin, so
 * text from outside can never begin a line of its own (a typed-data string cannot fake a `spender:` line). A QR
 * code takes the right side of the body on every page, as large as fits beside half the width of text.
 *
 * What cannot be drawn in full is a problem the layout reports (a character outside the font, a title longer
 * than two rows, a button label wider than its button, a QR code taller than the body): the device logs it, the
 * test rigs and the simulator treat it as an error (device.ts).
 */
import type { ButtonId } from '../ports.js';
import { FONT_HEIGHT, FONT_WIDTH, lineHeight, textWidth, wrapText } from './font.js';
import { qrBitmap, type QrBitmap } from './qr.js';
import type { Screen, TextSize } from './screen.js';
import { THEME } from './theme.js';

export interface Display {
  width: number;
  height: number;
}

/** Every supported board's LCD (M5Stack Fire, Core2, CoreS3; both simulators). */
export const LCD: Display = { width: 320, height: 240 };

export const SCALE: Record<TextSize, number> = { normal: 1, large: 2, huge: 3 };
/** The M5Stack Fire's buttons sit under x = 68, 160 and 252. */
export const BUTTON_CENTERS: Record<ButtonId, number> = { a: 68, b: 160, c: 252 };
export const BUTTON_WIDTH = 90;
/** a label's text must fit inside its button with 3 px either side */
export const LABEL_MAX_WIDTH = BUTTON_WIDTH - 6;
export const TITLE_HEIGHT = 32;
export const BUTTON_BAR_HEIGHT = 24;
export const MARGIN = 8;
/** the body: rows from here ... */
export const BODY_TOP = TITLE_HEIGHT + 6;
/** continuation rows are indented by this many characters (of their size) */
export const CONTINUATION_INDENT = 2;

/** what turns pages on a screen of several: A goes back (not on the first page), C on (not on the last) */
export const PREV_PAGE = 'Prev page';
export const NEXT_PAGE = 'Next page';

export interface LaidRow {
  text: string;
  x: number;
  y: number;
  scale: number;
  color: number;
  /** index of the screen line this row shows (part of) */
  line: number;
  /** the row continues its line (a wrap, or the text after a line break): indented and marked */
  continued: boolean;
}

export interface LaidText {
  text: string;
  x: number;
  y: number;
  scale: number;
}

export interface LaidPage {
  rows: LaidRow[];
  /** "2/3" in the title bar when the screen has several pages */
  counter?: LaidText;
}

export interface LaidQr {
  bitmap: QrBitmap;
  x: number;
  y: number;
  scale: number;
}

export interface ScreenLayout {
  display: Display;
  /** one row at the large size, or one or two rows at the normal size */
  title: LaidText[];
  pages: LaidPage[];
  qr?: LaidQr;
  /** what cannot be drawn in full (empty for every screen the firmware shows: tests and the simulator check) */
  problems: string[];
}

const PRINTABLE = /^[\x20-\x7e]*$/;

function undrawable(text: string): string | undefined {
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || cp > 0x7e) return `U+${cp.toString(16).padStart(4, '0')}`;
  }
  return undefined;
}

let qrCache: { text: string; bitmap: QrBitmap } | undefined;

/** The QR bitmap of `text`, kept for the next layout of the same screen (encoding is the slow part). */
function qrOf(text: string): QrBitmap {
  if (qrCache?.text !== text) qrCache = { text, bitmap: qrBitmap(text) };
  return qrCache.bitmap;
}

/** The bottom of the body: no row's glyphs reach below it (the button bar starts 2 px lower). */
export function bodyBottom(display: Display): number {
  return display.height - BUTTON_BAR_HEIGHT - 2;
}

/** Lay `screen` out on `display`. */
export function layoutScreen(screen: Screen, display: Display = LCD): ScreenLayout {
  const problems: string[] = [];
  const where = `screen "${screen.id}"`;
  const bottom = bodyBottom(display);

  let qr: LaidQr | undefined;
  let textRight = display.width - MARGIN;
  if (screen.qr !== undefined) {
    const bitmap = qrOf(screen.qr);
    const room = Math.min(bottom - BODY_TOP, display.width >> 1);
    const scale = Math.floor(room / bitmap.size);
    if (scale < 1) problems.push(`${where}: its QR code (${bitmap.size} modules) is taller than the body (${room} px)`);
    const side = bitmap.size * Math.max(1, scale);
    qr = { bitmap, x: display.width - MARGIN - side, y: BODY_TOP, scale: Math.max(1, scale) };
    textRight = qr.x - MARGIN;
  }

  const pages = layoutBody(screen, display, textRight, bottom, problems);

  // Title: large on one row, else normal on one or two rows; the page counter takes the right end of the bar.
  const counterWidth = pages.length > 1 ? textWidth(`${pages.length}/${pages.length}`, 1) + MARGIN : 0;
  const title = layoutTitle(screen.title, display, counterWidth, problems, where);
  if (pages.length > 1) {
    pages.forEach((p, i) => {
      const text = `${i + 1}/${pages.length}`;
      p.counter = { text, x: display.width - MARGIN - textWidth(text, 1), y: (TITLE_HEIGHT - FONT_HEIGHT) >> 1, scale: 1 };
    });
  }

  const badTitle = undrawable(screen.title);
  if (badTitle) problems.push(`${where}: its title holds ${badTitle}, which the font cannot draw (escape it)`);
  screen.lines.forEach((l, i) => {
    const bad = undrawable(l.text.replace(/\n/g, ''));
    if (bad) problems.push(`${where}: line ${i + 1} holds ${bad}, which the font cannot draw (escape it)`);
  });
  for (const id of ['a', 'b', 'c'] as ButtonId[]) {
    const label = screen.buttons[id];
    if (label === undefined) continue;
    if (!PRINTABLE.test(label)) problems.push(`${where}: the label of ${id.toUpperCase()} holds ${undrawable(label)}, which the font cannot draw`);
    if (textWidth(label, 1) > LABEL_MAX_WIDTH) problems.push(`${where}: the label "${label}" of ${id.toUpperCase()} is wider than its button (${Math.floor(LABEL_MAX_WIDTH / FONT_WIDTH)} characters at most)`);
  }
  return { display, title, pages, ...(qr ? { qr } : {}), problems };
}

function layoutTitle(title: string, display: Display, reserved: number, problems: string[], where: string): LaidText[] {
  const left = MARGIN;
  const right = display.width - MARGIN - reserved;
  const centred = (text: string, scale: number, y: number): LaidText => ({ text, scale, y, x: left + ((right - left - textWidth(text, scale)) >> 1) });
  if (textWidth(title, 2) <= right - left) return [centred(title, 2, 3)];
  const perRow = Math.floor((right - left) / FONT_WIDTH);
  if (title.length <= perRow) return [centred(title, 1, (TITLE_HEIGHT - FONT_HEIGHT) >> 1)];
  const rows = wrapText(title, perRow);
  if (rows.length > 2) {
    problems.push(`${where}: its title "${title}" needs ${rows.length} rows; the title bar holds 2 of ${perRow} characters`);
    rows.length = 2;
  }
  return rows.map((r, i) => centred(r, 1, 2 + i * (FONT_HEIGHT + 2)));
}

interface PendingRow {
  text: string;
  scale: number;
  color: number;
  line: number;
  continued: boolean;
  center: boolean;
}

/** The rows of one screen line: wrapped to the text width, every row after the first a continuation. */
function rowsOfLine(text: string, lineIndex: number, scale: number, color: number, center: boolean, width: number): PendingRow[] {
  const cw = FONT_WIDTH * scale;
  const first = Math.floor(width / cw);
  const rest = Math.floor((width - (center ? 0 : CONTINUATION_INDENT * cw)) / cw);
  const rows: PendingRow[] = [];
  text.split('\n').forEach((segment, k) => {
    const pieces = wrapText(segment, k === 0 ? first : rest, rest);
    for (const piece of pieces) rows.push({ text: piece, scale, color, line: lineIndex, continued: rows.length > 0, center });
  });
  return rows;
}

function layoutBody(screen: Screen, display: Display, textRight: number, bottom: number, problems: string[]): LaidPage[] {
  const width = textRight - MARGIN;
  const pages: LaidPage[] = [{ rows: [] }];
  let y = BODY_TOP;
  const room = (rows: PendingRow[]) => rows.reduce((h, r) => h + lineHeight(r.scale), 0) - (3 * rows[rows.length - 1].scale);
  screen.lines.forEach((l, index) => {
    const scale = SCALE[l.size ?? 'normal'];
    const rows = rowsOfLine(l.text, index, scale, l.color ?? THEME.text, l.align === 'center', width);
    // Keep a line whole on one page when it fits on an empty one.
    const onEmptyPage = room(rows) <= bottom - BODY_TOP;
    if (onEmptyPage && y > BODY_TOP && y + room(rows) > bottom) {
      pages.push({ rows: [] });
      y = BODY_TOP;
    }
    for (const r of rows) {
      if (y + FONT_HEIGHT * r.scale > bottom) {
        pages.push({ rows: [] });
        y = BODY_TOP;
      }
      const page = pages[pages.length - 1];
      // A blank row at the top of a later page is only spacing: leave it out.
      if (r.text === '' && !r.continued && y === BODY_TOP && pages.length > 1) continue;
      if (FONT_HEIGHT * r.scale > bottom - BODY_TOP) problems.push(`screen "${screen.id}": a row of line ${index + 1} is taller than the body`);
      const w = textWidth(r.text, r.scale);
      const indent = r.continued && !r.center ? CONTINUATION_INDENT * FONT_WIDTH * r.scale : 0;
      const x = r.center ? MARGIN + ((width - w) >> 1) : MARGIN + indent;
      page.rows.push({ text: r.text, x, y, scale: r.scale, color: r.color, line: r.line, continued: r.continued });
      y += lineHeight(r.scale);
    }
  });
  // A page left with nothing but blank rows (trailing spacing) is not a page.
  while (pages.length > 1 && pages[pages.length - 1].rows.every((r) => r.text === '')) pages.pop();
  return pages;
}

/** The labels drawn on `page` of `pages`: the screen's own, except where A and C turn pages. */
export function pageButtons(buttons: Partial<Record<ButtonId, string>>, page: number, pages: number): Partial<Record<ButtonId, string>> {
  if (pages <= 1) return buttons;
  const out: Partial<Record<ButtonId, string>> = { ...buttons };
  if (page > 0) out.a = PREV_PAGE;
  if (page < pages - 1) out.c = NEXT_PAGE;
  return out;
}

/** -1 or +1 when `button` turns the page on `page` of `pages`, else 0 (the press is the screen's own). */
export function pageTurn(button: ButtonId, page: number, pages: number): -1 | 0 | 1 {
  if (button === 'a' && page > 0) return -1;
  if (button === 'c' && page < pages - 1) return 1;
  return 0;
}
