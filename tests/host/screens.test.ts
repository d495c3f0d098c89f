// The golden screen catalogue (tests/screens): every screen id rendered on the XS engine in representative and
// worst-case states, each picture compared with its committed fixture, and the LCD's pixels read back to check
// that the owner sees everything: the 60-character backup code, 2^256-1 wei, a taproot address, a 32-character
// label, and no line faked by a line break in typed data. The report: .latch/screens/index.html.
import test from 'ava';
import { SCREEN_IDS } from '../../modules/ui/screen-ids.js';
import { MARGIN } from '../../modules/ui/layout.js';
import type { Shot } from '../screens/camera.js';
import { LABEL32 } from '../screens/scenes.js';
import { compare, pageOf, picture, shootOnXs, writeReport, type Comparison } from '../screens/pictures.js';
import { readLines, readText } from './support/lcd-text.js';

let shots: Shot[] = [];
let results: Comparison[] = [];
let report = '';

/** The catalogue, run once for all the tests below (about half a minute on XS in two workers). */
const catalogue = (async () => {
  shots = await shootOnXs();
  results = compare(shots);
  const ids = new Set(shots.map((s) => s.id));
  report = writeReport(results, SCREEN_IDS.filter((id) => !ids.has(id)));
})();

/** Each test waits for the catalogue (longer than ava's default allows on a busy two-core machine). */
function withCatalogue(title: string, body: (t: import('ava').ExecutionContext) => void): void {
  test(title, async (t) => {
    t.timeout(300_000);
    await catalogue;
    body(t);
  });
}

const shot = (name: string) => {
  const s = shots.find((x) => x.name === name);
  if (!s) throw new Error(`no shot "${name}" in the catalogue`);
  return s;
};

/** Every page's text rows, read from the pixels. */
const pagesText = (name: string) => {
  const p = picture(shot(name));
  return shot(name).pages.map((_, i) => readText(pageOf(p, i)));
};

withCatalogue('every screen id the firmware has is in the catalogue, rendered on the XS engine', (t) => {
  const ids = new Set(shots.map((s) => s.id));
  t.deepEqual(SCREEN_IDS.filter((id) => !ids.has(id)), [], 'screen ids with no picture: add a scene in tests/screens/scenes.ts');
  t.deepEqual([...ids].filter((id) => !SCREEN_IDS.includes(id)), [], 'pictures of ids not in ui/screen-ids.ts');
  t.true(shots.length >= SCREEN_IDS.length);
});

withCatalogue('every picture is its committed fixture (after a reviewed change: npm run screens -- --update)', (t) => {
  const off = results.filter((r) => r.status !== 'same').map((r) => `${r.status} ${r.name}${r.differing ? ` (${r.differing} pixels)` : ''}`);
  t.deepEqual(off, [], `see ${report}`);
});

withCatalogue('the backup code is read back from the LCD in full: all 60 characters, in groups, over its pages', (t) => {
  const code = shot('backup-code').facts!.code;
  t.is(code.length, 60);
  const groups = pagesText('backup-code').flat().filter((r) => r.scale === 2 && /^[0-9A-Z]{5} [0-9A-Z]{5}$/.test(r.text)).map((r) => r.text.replace(' ', ''));
  t.is(groups.join(''), code);
  t.is(shot('backup-code').pages.length, 2, 'two pages, the QR code on both');
});

withCatalogue('the longest values are read back in full: 2^256-1 wei, a taproot address, a 32-character label', (t) => {
  const amount = pagesText('eth-tx-review.max-value.3').flat().filter((r) => r.scale === 2 && r.y > 32).map((r) => r.text).join('');
  t.is(amount, `${((1n << 256n) - 1n).toString().replace(/(\d{18})$/, '.$1')} ETH`);
  const btc = shot('btc-address');
  t.truthy(btc.pages[0].find((op) => op[0] === 'b'), 'with its QR code');
  const address = readLines(pageOf(picture(btc), 0)).find((l) => l.startsWith('bc1p'))!;
  t.regex(address.replace(/ /g, ''), /^bc1p[02-9ac-hj-np-z]{58}$/, 'the whole 62-character taproot address');
  const label = readLines(pageOf(picture(shot('bind-allow')), 0)).join(' ');
  t.true(label.includes(`"${LABEL32}"?`), label);
});

withCatalogue('the typed-data line-break attack, on the LCD: the only line that begins with "spender:" is the real one', (t) => {
  const names = shots.filter((s) => s.name.startsWith('eth-typed-review.line-break.')).map((s) => s.name);
  t.true(names.length > 0);
  const read = names.flatMap((name) => shot(name).pages.flatMap((_, i) => readLines(pageOf(picture(shot(name)), i), MARGIN)));
  t.deepEqual(read.filter((l) => l.startsWith('spender:')), ['spender: 0x1111111254EEB25477B68fb85Ed929f73A960582']);
  t.deepEqual(read.filter((l) => l.startsWith('verifyingContract:')), []);
  t.true(read.some((l) => l.startsWith('note: "Thanks!\\nspender: 0x2222')), read.join('\n'));
});

withCatalogue('a 100-character passphrase is read back from the LCD in full: every character, spaces at its ends and in a row', (t) => {
  const passphrase = shot('passphrase-review').facts!.passphrase;
  t.is(passphrase.length, 100);
  const rows = pagesText('passphrase-review').flat().filter((r) => r.scale === 2).map((r) => /^(\d+) "(.*)"$/.exec(r.text)).filter((m) => m !== null);
  t.deepEqual(rows.map((m) => Number(m![1])), [1, 17, 33, 49, 65, 81, 97], 'each row says where it starts');
  t.is(rows.map((m) => m![2]).join(''), passphrase);
  t.is(shot('passphrase-review').pages.length, 2);
});

withCatalogue('the report shows what changed side by side, and every screen', (t) => {
  t.regex(report, /\.latch\/screens\/index\.html$/);
  t.true(results.length >= shots.length);
});
