/**
 * The golden screen catalogue, host side: runs the catalogue's flows on the XS engine (in two xsnap workers), draws
 * each shot's pages on the simulator's software LCD (pages one under the other), compares them with the committed
 * fixtures (tests/fixtures/screens/<name>.png, pixel by pixel) and writes an HTML report: every changed, new or
 * missing picture, the fixture and the new rendering side by side with the differing pixels marked.
 * `npm run screens` checks; `npm run screens -- --update` rewrites the fixtures after a reviewed change.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SoftwareCanvas } from '../../hosts/sim/canvas.js';
import { decodePng, encodePng } from '../../hosts/sim/png.js';
import { bundleForXs, REPO_ROOT } from '../../hosts/xs/bundle.js';
import { XsWorker } from '../../hosts/xs/xsnap-worker.js';
import type { DrawOp, Shot } from './camera.js';
import { FLOW_NAMES } from './run-catalogue.js';

export const FIXTURES = path.join(REPO_ROOT, 'tests/fixtures/screens');
export const REPORT_DIR = path.join(REPO_ROOT, '.latch/screens');
const WIDTH = 320;
const HEIGHT = 240;
/** rows of grey between the pages of one picture */
const GAP = 6;

/**
 * The flows on XS in two workers (the machine has two cores): the first flow (signing, the longest) in one, the
 * others in the other; the shots in the flows' order.
 */
export async function shootOnXs(): Promise<Shot[]> {
  const source = await bundleForXs(path.join(REPO_ROOT, 'tests/screens/xs-entry.ts'));
  const parts = [FLOW_NAMES.slice(0, 1), FLOW_NAMES.slice(1)];
  const results = await Promise.all(parts.map(async (only) => {
    const output: string[] = [];
    const worker = new XsWorker({ name: 'latch-screens', onPrint: (l) => output.push(l) });
    try {
      await worker.evaluate(source);
      const { reply } = await worker.command(Buffer.from(JSON.stringify({ only })));
      const answer = JSON.parse(Buffer.from(reply).toString('utf8')) as { shots?: Shot[]; error?: string };
      if (answer.error) throw new Error(`${answer.error}${output.length ? `\n${output.join('\n')}` : ''}`);
      return answer.shots!;
    } finally {
      await worker.close();
    }
  }));
  return results.flat();
}

/** One page's drawing on a fresh 320x240 LCD. */
export function drawPage(ops: DrawOp[]): SoftwareCanvas {
  const c = new SoftwareCanvas(WIDTH, HEIGHT);
  for (const op of ops) {
    if (op[0] === 'r') c.fillRect(op[1], op[2], op[3], op[4], op[5]);
    else if (op[0] === 't') c.drawText(op[1], op[2], op[3], op[4], op[5]);
    else c.drawBitmap(Buffer.from(op[1], 'hex'), op[2], op[3], op[4], op[5], op[6], op[7]);
  }
  return c;
}

export interface Picture {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** A shot's pages, one under the other. */
export function picture(shot: Shot): Picture {
  const height = shot.pages.length * HEIGHT + (shot.pages.length - 1) * GAP;
  const rgba = new Uint8Array(WIDTH * height * 4).fill(0x80);
  shot.pages.forEach((ops, i) => rgba.set(drawPage(ops).pixels, i * (HEIGHT + GAP) * WIDTH * 4));
  return { width: WIDTH, height, rgba };
}

/** Page `i` of a picture, as its own 320x240 pixels (for reading text back). */
export function pageOf(p: Picture, i: number): Picture {
  const start = i * (HEIGHT + GAP) * WIDTH * 4;
  return { width: WIDTH, height: HEIGHT, rgba: p.rgba.subarray(start, start + WIDTH * HEIGHT * 4) };
}

export const fixtureFile = (name: string) => path.join(FIXTURES, `${name}.png`);

export interface Comparison {
  name: string;
  id: string;
  status: 'same' | 'changed' | 'new' | 'stale';
  /** pixels that differ (changed) */
  differing?: number;
  actual?: Picture;
  expected?: Picture;
}

function samePixels(a: Picture, b: Picture): number {
  if (a.width !== b.width || a.height !== b.height) return Math.max(a.width * a.height, b.width * b.height);
  let n = 0;
  for (let i = 0; i < a.rgba.length; i += 4) if (a.rgba[i] !== b.rgba[i] || a.rgba[i + 1] !== b.rgba[i + 1] || a.rgba[i + 2] !== b.rgba[i + 2]) n++;
  return n;
}

/** Each shot against its fixture, and fixtures no shot made any more (stale). */
export function compare(shots: Shot[]): Comparison[] {
  const out: Comparison[] = shots.map((s) => {
    const actual = picture(s);
    const file = fixtureFile(s.name);
    if (!fs.existsSync(file)) return { name: s.name, id: s.id, status: 'new', actual };
    const expected = decodePng(fs.readFileSync(file));
    const differing = samePixels(actual, expected);
    return { name: s.name, id: s.id, status: differing ? 'changed' : 'same', differing, actual, expected };
  });
  const made = new Set(shots.map((s) => s.name));
  for (const f of fs.existsSync(FIXTURES) ? fs.readdirSync(FIXTURES) : []) {
    const name = f.replace(/\.png$/, '');
    if (f.endsWith('.png') && !made.has(name)) out.push({ name, id: name.split('.')[0], status: 'stale', expected: decodePng(fs.readFileSync(path.join(FIXTURES, f))) });
  }
  return out;
}

/** Write every shot as its fixture and delete stale ones (after a reviewed change). */
export function updateFixtures(shots: Shot[]): void {
  fs.mkdirSync(FIXTURES, { recursive: true });
  const made = new Set<string>();
  for (const s of shots) {
    const p = picture(s);
    fs.writeFileSync(fixtureFile(s.name), encodePng(p.width, p.height, p.rgba));
    made.add(`${s.name}.png`);
  }
  for (const f of fs.readdirSync(FIXTURES)) if (f.endsWith('.png') && !made.has(f)) fs.rmSync(path.join(FIXTURES, f));
}

function png(p: Picture): string {
  return `data:image/png;base64,${encodePng(p.width, p.height, p.rgba).toString('base64')}`;
}

/** The new rendering with every pixel that differs from the fixture in magenta. */
function marked(actual: Picture, expected: Picture): Picture {
  const rgba = actual.rgba.slice();
  if (actual.width === expected.width && actual.height === expected.height) {
    for (let i = 0; i < rgba.length; i += 4) {
      if (rgba[i] !== expected.rgba[i] || rgba[i + 1] !== expected.rgba[i + 1] || rgba[i + 2] !== expected.rgba[i + 2]) rgba.set([255, 0, 255, 255], i);
    }
  }
  return { ...actual, rgba };
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The HTML report: what changed first (fixture | new | differences), then every screen id and its pictures. */
export function writeReport(results: Comparison[], missingIds: string[]): string {
  fs.mkdirSync(REPORT_DIR, { recursive: true });
  const changed = results.filter((r) => r.status !== 'same');
  const img = (p: Picture | undefined, label: string) => (p ? `<figure><img src="${png(p)}" width="${p.width * 2}"><figcaption>${label}</figcaption></figure>` : `<figure class="none"><figcaption>${label}: none</figcaption></figure>`);
  const rows = changed.map((r) => `<section class="${r.status}"><h3>${esc(r.name)} <small>(screen ${esc(r.id)}: ${r.status}${r.differing ? `, ${r.differing} pixels differ` : ''})</small></h3>
<div class="row">${img(r.expected, 'fixture (committed)')}${img(r.actual, 'rendered now')}${r.actual && r.expected ? img(marked(r.actual, r.expected), 'differences in magenta') : ''}</div></section>`);
  const byId = new Map<string, Comparison[]>();
  for (const r of results) if (r.status !== 'stale') byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
  const all = [...byId.keys()].sort().map((id) => `<section><h3>${esc(id)}</h3><div class="row">${byId.get(id)!.map((r) => img(r.actual, esc(r.name))).join('')}</div></section>`);
  const html = `<!doctype html><meta charset="utf-8"><title>Latch screen catalogue</title>
<style>body{font:14px system-ui,sans-serif;background:#14161a;color:#ddd;margin:24px}img{image-rendering:pixelated;border:1px solid #444;display:block}
.row{display:flex;gap:16px;flex-wrap:wrap;align-items:flex-start}figure{margin:0}figcaption{color:#999;font-size:12px;margin-top:4px}
.changed h3{color:#ffb000}.new h3{color:#9c9}.stale h3{color:#ff4d4d}h2{margin-top:32px}</style>
<h1>Latch screen catalogue</h1>
<p>${results.filter((r) => r.status !== 'stale').length} pictures of ${byId.size} screen ids, rendered on the XS engine, at 2x. ${changed.length ? `<b>${changed.length} differ from the fixtures</b> (npm run screens -- --update writes them after review).` : 'All match the fixtures.'}</p>
${missingIds.length ? `<p><b>Screen ids with no picture:</b> ${missingIds.map(esc).join(', ')}</p>` : ''}
<h2>Changed, new and stale</h2>${rows.join('\n') || '<p>None.</p>'}
<h2>Every screen</h2>${all.join('\n')}`;
  const file = path.join(REPORT_DIR, 'index.html');
  fs.writeFileSync(file, html);
  return file;
}
