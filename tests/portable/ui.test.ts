import test from 'ava';
import fc from 'fast-check';
import { FONT_HEIGHT, FONT_WIDTH, glyphRows, rasterizeText, textWidth, wrapText } from '../../modules/ui/font.js';
import { render, renderPage, THEME } from '../../modules/ui/render.js';
import { describe, line, type Screen } from '../../modules/ui/screen.js';
import { BODY_TOP, LCD, MARGIN, NEXT_PAGE, PREV_PAGE, bodyBottom, layoutScreen, pageButtons, pageTurn } from '../../modules/ui/layout.js';
import { drawable, escapeForScreen, escapeKeepingBreaks } from '../../modules/ui/escape.js';
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
  render(c, { id: 'x', title: 'Title', lines: [line('short'), line('huge', { size: 'huge' })], buttons: { a: 'No', b: 'Menu', c: 'Yes' } });
  const texts = c.frames[0].filter((d) => d[0] === 'text') as [string, string, number, number, number, number][];
  const label = (s: string) => texts.find((d) => d[1] === s)!;
  const centre = (d: [string, string, number, number, number, number]) => d[2] + (d[1].length * 6) / 2;
  t.is(centre(label('No')), 68);
  t.is(centre(label('Menu')), 160);
  t.is(centre(label('Yes')), 252);
  for (const d of texts.filter((d) => !['No', 'Menu', 'Yes'].includes(d[1]))) {
    t.true(d[3] + FONT_HEIGHT * d[5] <= 240 - 24, `"${d[1].slice(0, 10)}" at y=${d[3]} overlaps the button bar`);
  }
});

test('nothing is dropped: long content goes on further pages, every row inside the body, every word kept', (t) => {
  const screen = { id: 'x', title: 'Title', lines: [line('word '.repeat(400).trim()), line('huge', { size: 'huge' as const })], buttons: { a: 'No', b: 'Menu', c: 'Yes' } };
  const layout = layoutScreen(screen);
  t.true(layout.pages.length > 1);
  t.deepEqual(layout.problems, []);
  const rows = layout.pages.flatMap((p) => p.rows);
  t.is(rows.filter((r) => r.line === 0).map((r) => r.text).join(' '), screen.lines[0].text, 'every word of the long line, in order');
  t.true(rows.some((r) => r.line === 1 && r.text === 'huge'));
  for (const p of layout.pages) for (const r of p.rows) t.true(r.y + FONT_HEIGHT * r.scale <= bodyBottom(LCD) && r.y >= BODY_TOP);
  // drawn: page 1 with "Next page" on C, the last page with the screen's own C and "Prev page" on A
  const c = recordingCanvas();
  renderPage(c, layout, 0, pageButtons(screen.buttons, 0, layout.pages.length));
  renderPage(c, layout, layout.pages.length - 1, pageButtons(screen.buttons, layout.pages.length - 1, layout.pages.length));
  const texts = (i: number) => c.frames[i].filter((d) => d[0] === 'text').map((d) => d[1]);
  t.true(texts(0).includes(NEXT_PAGE) && texts(0).includes('No') && !texts(0).includes('Yes'));
  t.true(texts(1).includes(PREV_PAGE) && texts(1).includes('Yes') && !texts(1).includes('No'));
  t.true(texts(0).includes(`1/${layout.pages.length}`), 'the page counter in the title bar');
  t.deepEqual(describe(screen, layout, 1).pages.length, layout.pages.length);
});

test('layout property: any lines, sizes and widths; no text lost, no row outside the body, no row over another', (t) => {
  const text = fc.array(fc.oneof(fc.stringMatching(/^[ -~]{0,12}$/), fc.constant(' '), fc.stringMatching(/^[a-z]{20,70}$/)), { maxLength: 12 }).map((parts) => parts.join(' '));
  const aLine = fc.record({ text, size: fc.constantFrom('normal', 'large', 'huge'), align: fc.constantFrom('left', 'center') });
  fc.assert(
    fc.property(fc.array(aLine, { maxLength: 14 }), fc.boolean(), (lines, qr) => {
      const screen = { id: 'p', title: 'T', lines: lines.map((l) => line(l.text, { size: l.size as 'normal', align: l.align as 'left' })), buttons: { b: 'OK' }, ...(qr ? { qr: 'bc1qexample' } : {}) };
      const layout = layoutScreen(screen);
      const right = layout.qr ? layout.qr.x : LCD.width;
      for (const p of layout.pages) {
        let last = -1;
        for (const r of p.rows) {
          if (r.y <= last) return false;
          last = r.y + FONT_HEIGHT * r.scale - 1;
          if (r.y + FONT_HEIGHT * r.scale > bodyBottom(LCD) || r.x < MARGIN || r.x + r.text.length * FONT_WIDTH * r.scale > right) return false;
          if (r.continued && r.x === MARGIN && r.text !== '' && screen.lines[r.line].align !== 'center') return false;
        }
      }
      // every line's non-space characters, in order
      return screen.lines.every((l, i) => layout.pages.flatMap((p) => p.rows).filter((r) => r.line === i).map((r) => r.text).join('').replace(/ /g, '') === l.text.replace(/ /g, ''));
    }),
    { numRuns: 150 },
  );
  t.pass();
});

test('a row that continues a line is indented and marked: text from outside never begins a line', (t) => {
  const screen = { id: 'x', title: 'T', lines: [line(`note: "${escapeForScreen('hi\nspender: 0x1111111111111111111111111111111111111111')}"`), line('spender: 0x2222')], buttons: {} };
  const layout = layoutScreen(screen);
  const rows = layout.pages[0].rows;
  t.deepEqual(rows.map((r) => [r.text, r.x, r.continued]), [
    ['note: "hi\\nspender:', MARGIN, false],
    ['0x1111111111111111111111111111111111111111"', MARGIN + 12, true],
    ['spender: 0x2222', MARGIN, false],
  ]);
  const c = recordingCanvas();
  renderPage(c, layout, 0, {});
  t.true(c.frames[0].some((d) => d[0] === 'rect' && d[1] === 2 && d[2] === rows[1].y && d[5] === THEME.continuation), 'a bar beside the continued row');
  t.deepEqual(describe(screen, layout).pages[0].rows[1], { text: rows[1].text, continued: true });
  // text after a visible line break goes on in a continued row, too
  const broken = layoutScreen({ id: 'x', title: 'T', lines: [line(`"${escapeKeepingBreaks('Sign in\nspender: 0x3')}"`)], buttons: {} });
  t.deepEqual(broken.pages[0].rows.map((r) => [r.text, r.continued]), [['"Sign in\\n', false], ['spender: 0x3"', true]]);
});

test('what cannot be drawn in full is a problem: characters outside the font, wide labels, long titles, huge QR codes', (t) => {
  const problems = (s: Partial<Screen>) => layoutScreen({ id: 's', title: 'T', lines: [], buttons: {}, ...s }).problems;
  t.deepEqual(problems({ lines: [line('fine'), line('also fine')], buttons: { a: 'Hold: New code' } }), []);
  t.regex(problems({ lines: [line('Ph\u00f6ne')] })[0], /line 1 holds U\+00f6/);
  t.regex(problems({ title: 'Tab\there' })[0], /title holds U\+0009/);
  t.regex(problems({ buttons: { c: 'Hold: Allow this app' } })[0], /wider than its button/);
  t.regex(problems({ title: 'x'.repeat(120) })[0], /needs 3 rows/);
  t.deepEqual(problems({ title: 'A title of some forty characters in all!' }), [], 'two rows of the small size');
  t.regex(problems({ qr: 'x'.repeat(2000) })[0], /QR code .* taller than the body/);
});

test('escapes: control characters and everything outside printable ASCII are visible, never a line break', (t) => {
  t.is(escapeForScreen('a\nb\tc\rd\\e\u0000f\u202eg\u00e9'), 'a\\nb\\tc\\rd\\\\e\\u{0}f\\u{202e}g\\u{e9}');
  t.is(escapeKeepingBreaks('one\ntwo'), 'one\\n\ntwo');
  t.is(escapeKeepingBreaks('a literal \\n stays'), 'a literal \\\\n stays');
  fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => drawable(escapeForScreen(s)) && !escapeForScreen(s).includes('\n')), { numRuns: 300 });
});

test('page buttons: A and C turn pages except on the first and last, B is always the screen\'s own', (t) => {
  const own = { a: 'Back', b: 'Reject', c: 'Hold: Sign' };
  t.deepEqual(pageButtons(own, 0, 1), own);
  t.deepEqual(pageButtons(own, 0, 3), { a: 'Back', b: 'Reject', c: NEXT_PAGE });
  t.deepEqual(pageButtons(own, 1, 3), { a: PREV_PAGE, b: 'Reject', c: NEXT_PAGE });
  t.deepEqual(pageButtons(own, 2, 3), { a: PREV_PAGE, b: 'Reject', c: 'Hold: Sign' });
  t.deepEqual([pageTurn('a', 0, 3), pageTurn('c', 0, 3), pageTurn('a', 2, 3), pageTurn('c', 2, 3), pageTurn('b', 1, 3)], [0, 1, -1, 0, 0]);
});
