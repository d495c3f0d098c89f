/**
 * A screen is data: what the LCD shows and what each button does there. Tests and the simulator's control API
 * read the same description the renderer draws (`describe`), so what QA asserts is what the user sees.
 */
import type { ButtonId } from '../ports.js';
import { layoutScreen, pageButtons, type ScreenLayout } from './layout.js';

export type TextSize = 'normal' | 'large' | 'huge';

export interface ScreenLine {
  text: string;
  size?: TextSize;
  align?: 'left' | 'center';
  /** 0xRRGGBB; defaults to the theme's text colour */
  color?: number;
}

export interface Screen {
  /** stable identifier for tests and QA benches, e.g. "blank", "about" */
  id: string;
  title: string;
  lines: ScreenLine[];
  /** label under each physical button; a missing label means the button does nothing here */
  buttons: Partial<Record<ButtonId, string>>;
  /** text to show as a QR code under the lines (an address, so the owner compares it with the app's) */
  qr?: string;
}

/** One drawn row of a page: its text as drawn, and whether it continues the line above (a wrap, a line break). */
export interface DescribedRow {
  text: string;
  continued?: true;
}

/** The machine-readable description served at GET /api/screen: what the LCD draws, page by page. */
export interface ScreenDescription {
  id: string;
  title: string;
  /** the screen's lines in full, as they were written (each may take several rows, or pages) */
  lines: string[];
  /** the labels drawn on the page shown (on a screen of several pages A and C also turn pages) */
  buttons: { a: string | null; b: string | null; c: string | null };
  /** the text the screen shows as a QR code, if any */
  qr?: string;
  /** the page shown, from 1 */
  page: number;
  /** every page's rows as drawn (blank rows included) */
  pages: { rows: DescribedRow[] }[];
}

/** Describe `screen` as `layout` draws it, `page` shown (default: laid out on the LCD, first page). */
export function describe(screen: Screen, layout: ScreenLayout = layoutScreen(screen), page = 0, buttons = pageButtons(screen.buttons, page, layout.pages.length)): ScreenDescription {
  return {
    id: screen.id,
    title: screen.title,
    lines: screen.lines.map((l) => l.text),
    buttons: { a: buttons.a ?? null, b: buttons.b ?? null, c: buttons.c ?? null },
    ...(screen.qr !== undefined ? { qr: screen.qr } : {}),
    page: page + 1,
    pages: layout.pages.map((p) => ({ rows: p.rows.map((r) => (r.continued ? { text: r.text, continued: true as const } : { text: r.text })) })),
  };
}

export function line(text: string, options: Omit<ScreenLine, 'text'> = {}): ScreenLine {
  return { text, ...options };
}
