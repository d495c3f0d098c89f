/**
 * Reads text back from LCD pixels, as a check of what the owner sees that does not trust the screen's description:
 * every 6x13 glyph of the shared font, at sizes 1 to 3, is looked for at every position (a glyph matches only
 * when its whole cell, blank rows and columns included, is exactly there), and matches on the same row are joined
 * into text, with spaces where the gaps are. Ink is any pixel that is not a background (the body, the title bar,
 * a button).
 */
import { FONT_FIRST, FONT_HEIGHT, FONT_LAST, FONT_WIDTH } from '../../../modules/ui/font-6x13.js';
import { glyphRows } from '../../../modules/ui/font.js';
import { THEME } from '../../../modules/ui/theme.js';

export interface Pixels {
  width: number;
  height: number;
  rgba: Uint8Array;
}

export interface TextRow {
  text: string;
  x: number;
  y: number;
  scale: number;
}

interface Node {
  next: Map<number, Node>;
  char?: string;
}

let trie: Node | undefined;

/** Every printable glyph but the space, by its rows. */
function glyphTrie(): Node {
  if (trie) return trie;
  const root: Node = { next: new Map() };
  for (let c = FONT_FIRST + 1; c <= FONT_LAST; c++) {
    let node = root;
    for (const row of glyphRows(c)) {
      const bits = row >> 2; // the 6 pixels of the row
      if (!node.next.has(bits)) node.next.set(bits, { next: new Map() });
      node = node.next.get(bits)!;
    }
    node.char = String.fromCharCode(c);
  }
  return (trie = root);
}

const BACKGROUNDS = [THEME.background, THEME.titleBar, THEME.buttonFill];

function inkMask(p: Pixels): Uint8Array {
  const ink = new Uint8Array(p.width * p.height);
  for (let i = 0; i < ink.length; i++) {
    const rgb = (p.rgba[i * 4] << 16) | (p.rgba[i * 4 + 1] << 8) | p.rgba[i * 4 + 2];
    ink[i] = BACKGROUNDS.includes(rgb) ? 0 : 1;
  }
  return ink;
}

/** The glyph whose cell is exactly at (x, y) at `scale`, if any. */
function glyphAt(ink: Uint8Array, width: number, height: number, x: number, y: number, s: number): string | undefined {
  if (x + FONT_WIDTH * s > width || y + FONT_HEIGHT * s > height) return undefined;
  let node: Node | undefined = glyphTrie();
  for (let r = 0; r < FONT_HEIGHT && node; r++) {
    let bits = 0;
    for (let c = 0; c < FONT_WIDTH; c++) {
      const at = (y + r * s) * width + x + c * s;
      const v = ink[at];
      // every pixel of the s x s block must agree, or this is not text at this size
      for (let dy = 0; dy < s; dy++) for (let dx = 0; dx < s; dx++) if (ink[at + dy * width + dx] !== v) return undefined;
      bits = (bits << 1) | v;
    }
    node = node.next.get(bits);
  }
  return node?.char;
}

/** The text rows drawn in `p`, top to bottom, left to right. */
export function readText(p: Pixels): TextRow[] {
  const ink = inkMask(p);
  const found = new Map<string, { x: number; ch: string }[]>();
  for (const s of [1, 2, 3]) {
    for (let y = 0; y + FONT_HEIGHT * s <= p.height; y++) {
      for (let x = 0; x + FONT_WIDTH * s <= p.width; x++) {
        const ch = glyphAt(ink, p.width, p.height, x, y, s);
        if (!ch) continue;
        const key = `${y}:${s}`;
        if (!found.has(key)) found.set(key, []);
        found.get(key)!.push({ x, ch });
      }
    }
  }
  // Rows that overlap are the same band read at a wrong offset or size: keep the one with the most glyphs.
  const bands = [...found.entries()].map(([k, matches]) => {
    const [y, s] = k.split(':').map(Number);
    return { y, s, matches: matches.sort((a, b) => a.x - b.x) };
  }).sort((a, b) => b.matches.length - a.matches.length);
  const kept: typeof bands = [];
  for (const b of bands) {
    const overlaps = kept.some((k) => b.y < k.y + FONT_HEIGHT * k.s && k.y < b.y + FONT_HEIGHT * b.s && !(b.matches[0].x >= k.matches[k.matches.length - 1].x + FONT_WIDTH * k.s || k.matches[0].x >= b.matches[b.matches.length - 1].x + FONT_WIDTH * b.s));
    if (!overlaps) kept.push(b);
  }
  const rows: TextRow[] = [];
  for (const b of kept) {
    const cell = FONT_WIDTH * b.s;
    // split a band into runs that are on one grid with gaps of at most a few spaces (separate texts on one line)
    let run: { x: number; ch: string }[] = [];
    const flush = () => {
      if (!run.length) return;
      let text = '';
      let at = run[0].x;
      for (const m of run) {
        if ((m.x - at) % cell !== 0) continue; // not on this run's grid: noise
        text += ' '.repeat((m.x - at) / cell) + m.ch;
        at = m.x + cell;
      }
      rows.push({ text, x: run[0].x, y: b.y, scale: b.s });
      run = [];
    };
    for (const m of b.matches) {
      const last = run[run.length - 1];
      if (last && (m.x - last.x > cell * 4 || (m.x - last.x) % cell !== 0)) flush();
      if (last && m.x - last.x < cell && run.length) continue;
      run.push(m);
    }
    flush();
  }
  return rows.sort((a, b) => a.y - b.y || a.x - b.x);
}

/** Rows as the owner reads lines: a row at the margin begins a line, an indented row continues the one before. */
export function readLines(p: Pixels, margin = 8): string[] {
  const lines: string[] = [];
  for (const r of readText(p)) {
    if (r.x <= margin || !lines.length) lines.push(r.text);
    else lines[lines.length - 1] += ` ${r.text}`;
  }
  return lines;
}
