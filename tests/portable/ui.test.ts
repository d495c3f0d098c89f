import test from 'ava';
import fc from 'fast-check';
import { FONT_HEIGHT, FONT_WIDTH, glyphRows, rasterizeText, textWidth, wrapText } from '../../modules/ui/font.js';
import { render } from '../../modules/ui/render.js';
import { describe, line } from '../../modules/ui/screen.js';
import { recordingCanvas } from './support/fake-ports.js';

test('glyphs come from misc-fixed 6x13 (A and g as in the BDF source)', (t) => {
  t.is(FONT_WIDTH, 6);
  t.is(FONT_HEIGHT, 13);
  t.deepEqual(Array.from(glyphRows(65)), [0x00, 0x00, 0x20, 0x50, 0x88, 0x88, 0x88, 0xf8, 0x88, 0x88, 0x88, 0x00, 0x00]);
  t.deepEqual(Array.from(glyphRows(0xe9)), Array.from(glyphRows(0x3f)), 'non-ASCII draws as ?');
  const g = Array.from(glyphRows(103));
  t.true(g[11] !== 0 || g[12] !== 0, 'g has a descender in the bottom rows');
});

test('rasterizeText covers exactly the glyph pixels', (t) => {
  let pixels = 0;
  rasterizeText('A', 0, 0, 2, (_x, _y, w, h) => { pixels += w * h; });
  const set = Array.from(glyphRows(65)).reduce((n, row) => n + row.toString(2).split('1').length - 1, 0);
  t.is(pixels, set * 4);
});

test('wrapText never exceeds the width and loses no words', (t) => {
  fc.assert(
    fc.property(fc.array(fc.stringMatching(/^[a-z]{1,12}$/), { maxLength: 30 }), fc.integer({ min: 12, max: 60 }), (words, width) => {
      const text = words.join(' ');
      const lines = wrapText(text, width);
      return lines.every((l) => l.length <= width) && lines.join(' ').split(' ').filter(Boolean).join(' ') === text;
    }),
    { numRuns: 300 },
  );
  t.is(textWidth('abcd', 3), 72);
});

test('render puts button labels over the A/B/C buttons and keeps body text above them', (t) => {
  const c = recordingCanvas();
  const long = 'word '.repeat(400);
  render(c, { id: 'x', title: 'Title', lines: [line(long), line('huge', { size: 'huge' })], buttons: { a: 'No', b: 'Menu', c: 'Yes' } });
  const frame = c.frames[0];
  const texts = frame.filter((d) => d[0] === 'text') as [string, string, number, number, number, number][];
  const label = (s: string) => texts.find((d) => d[1] === s)!;
  const centre = (d: [string, string, number, number, number, number]) => d[2] + (d[1].length * 6) / 2;
  t.is(centre(label('No')), 68);
  t.is(centre(label('Menu')), 160);
  t.is(centre(label('Yes')), 252);
  for (const d of texts.filter((d) => !['No', 'Menu', 'Yes'].includes(d[1]))) {
    t.true(d[3] + FONT_HEIGHT * d[5] <= 240 - 24, `"${d[1].slice(0, 10)}" at y=${d[3]} overlaps the button bar`);
  }
  t.deepEqual(describe({ id: 'x', title: 'T', lines: [line('a')], buttons: { c: 'OK' } }), { id: 'x', title: 'T', lines: ['a'], buttons: { a: null, b: null, c: 'OK' } });
});
