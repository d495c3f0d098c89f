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
}

/** The machine-readable description served at GET /api/screen. */
export interface ScreenDescription {
  id: string;
  title: string;
  lines: string[];
  buttons: { a: string | null; b: string | null; c: string | null };
}

export function describe(screen: Screen): ScreenDescription {
  return {
    id: screen.id,
    title: screen.title,
    lines: screen.lines.map((l) => l.text),
    buttons: { a: screen.buttons.a ?? null, b: screen.buttons.b ?? null, c: screen.buttons.c ?? null },
  };
}

export function line(text: string, options: Omit<ScreenLine, 'text'> = {}): ScreenLine {
  return { text, ...options };
}
