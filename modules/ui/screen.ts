/**
 * A screen is data: what the LCD shows and what each button does there. Tests and the simulator's control API
 * read the same description the renderer draws (`describe`), so what QA asserts is what the user sees.
 */
import type { ButtonId } from '../ports.js';

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

/** The machine-readable description served at GET /api/screen. */
export interface ScreenDescription {
  id: string;
  title: string;
  lines: string[];
  buttons: { a: string | null; b: string | null; c: string | null };
  /** the text the screen shows as a QR code, if any */
  qr?: string;
}

export function describe(screen: Screen): ScreenDescription {
  return {
    id: screen.id,
    title: screen.title,
    lines: screen.lines.map((l) => l.text),
    buttons: { a: screen.buttons.a ?? null, b: screen.buttons.b ?? null, c: screen.buttons.c ?? null },
    ...(screen.qr !== undefined ? { qr: screen.qr } : {}),
  };
}

export function line(text: string, options: Omit<ScreenLine, 'text'> = {}): ScreenLine {
  return { text, ...options };
}
