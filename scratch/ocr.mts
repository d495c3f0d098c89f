import fs from 'node:fs';
import { decodePng } from '../hosts/sim/png.js';
import { readText } from '../tests/host/support/lcd-text.js';
for (const f of process.argv.slice(2)) {
  const p = decodePng(fs.readFileSync(f));
  const t = Date.now();
  const rows = readText({ width: 320, height: 240, rgba: p.rgba.subarray(0, 320 * 240 * 4) });
  console.log(f, Date.now() - t, 'ms');
  for (const r of rows) console.log(`  ${r.x},${r.y} x${r.scale}: ${r.text}`);
}
