/**
 * `npm run screens`: renders every screen of the catalogue on the XS engine, compares each with its fixture in
 * tests/fixtures/screens and writes .latch/screens/index.html (changed screens side by side). Exits 1 when a
 * picture differs, is new or stale, or a screen id has none. `npm run screens -- --update` rewrites the fixtures
 * (review the report first: the pictures are what the owner will see).
 */
import { SCREEN_IDS } from '../modules/ui/screen-ids.js';
import { compare, shootOnXs, updateFixtures, writeReport } from '../tests/screens/pictures.js';

const update = process.argv.includes('--update');
const started = Date.now();
const shots = await shootOnXs();
const ids = new Set(shots.map((s) => s.id));
const missing = SCREEN_IDS.filter((id) => !ids.has(id));
if (update) {
  updateFixtures(shots);
  process.stdout.write(`wrote ${shots.length} fixtures for ${ids.size} screen ids\n`);
}
const results = compare(shots);
const report = writeReport(results, missing);
const off = results.filter((r) => r.status !== 'same');
for (const r of off) process.stdout.write(`  ${r.status.padEnd(7)} ${r.name}${r.differing ? ` (${r.differing} pixels)` : ''}\n`);
if (missing.length) process.stdout.write(`  screen ids with no picture: ${missing.join(', ')}\n`);
process.stdout.write(`${shots.length} pictures of ${ids.size} screen ids in ${((Date.now() - started) / 1000).toFixed(1)} s; ${off.length} differ. Report: ${report}\n`);
process.exit(off.length || missing.length ? 1 : 0);
