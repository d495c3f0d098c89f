/**
 * The one bitmap font every host draws with (X11 misc-fixed 6x13), so the device's Poco driver and the
 * Node simulator's software canvas produce the same layout pixel for pixel.
 */
import { FONT_FIRST, FONT_HEIGHT, FONT_HEX, FONT_LAST, FONT_WIDTH } from './font-6x13.js';

export { FONT_HEIGHT, FONT_WIDTH };

let glyphTable: Uint8Array | undefined;

/** The glyph table, decoded once on first use (not at module load: Moddable may preload this module). */
function table(): Uint8Array {
  if (!glyphTable) {
    const t = new Uint8Array(FONT_HEX.length / 2);
    for (let i = 0; i < t.length; i++) t[i] = parseInt(FONT_HEX.substr(i * 2, 2), 16);
    glyphTable = t;
  }
  return glyphTable;
}

/** FONT_HEIGHT rows, one byte each, pixels in the top FONT_WIDTH bits. Non-ASCII draws as '?'. */
export function glyphRows(charCode: number): Uint8Array {
  const c = charCode >= FONT_FIRST && charCode <= FONT_LAST ? charCode : 0x3f;
  const start = (c - FONT_FIRST) * FONT_HEIGHT;
  return table().subarray(start, start + FONT_HEIGHT);
}

export function textWidth(text: string, scale: number): number {
  return text.length * FONT_WIDTH * scale;
}

export function lineHeight(scale: number): number {
  return (FONT_HEIGHT + 3) * scale;
}

/**
 * Break `text` into rows of at most `maxChars` (the first row) and `restChars` (the rows after it), at spaces
 * where possible; a word longer than a row is cut where the row ends. Nothing is dropped but the spaces at the
 * breaks.
 */
export function wrapText(text: string, maxChars: number, restChars = maxChars): string[] {
  const out: string[] = [];
  let rest = text;
  let width = Math.max(1, maxChars);
  while (rest.length > width) {
    let cut = rest.lastIndexOf(' ', width);
    if (cut <= 0) cut = width;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
    width = Math.max(1, restChars);
  }
  out.push(rest);
  return out;
}

/**
 * Draw text with the shared font through a pixel-run callback. Hosts whose surface has no text primitive of
 * its own (the simulator's software canvas) use this; it emits one rectangle per horizontal run of set pixels.
 */
export function rasterizeText(
  text: string,
  x: number,
  y: number,
  scale: number,
  fillRect: (x: number, y: number, w: number, h: number) => void,
): void {
  for (let i = 0; i < text.length; i++) {
    const rows = glyphRows(text.charCodeAt(i));
    const gx = x + i * FONT_WIDTH * scale;
    for (let r = 0; r < FONT_HEIGHT; r++) {
      const bits = rows[r];
      let c = 0;
      while (c < FONT_WIDTH) {
        if (bits & (0x80 >> c)) {
          let end = c + 1;
          while (end < FONT_WIDTH && bits & (0x80 >> end)) end++;
          fillRect(gx + c * scale, y + r * scale, (end - c) * scale, scale);
          c = end;
        } else c++;
      }
    }
  }
}
