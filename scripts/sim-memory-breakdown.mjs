#!/usr/bin/env node
// `npm run memory:breakdown`: what holds the boot memory, library by library. Builds a variant of the simulator
// build in /tmp/latch-memory-breakdown (manifest.json with every path made absolute and main.ts replaced by
// scripts/memory-breakdown/main.js, which imports the libraries one at a time with a collection after each), runs
// it headless through scripts/sim-memory.mjs and prints the live slots and chunks after each import and what
// each import added. Needs $MODDABLE (the firmware's own builds are untouched); without it, says so, exit 0.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const moddable = process.env.MODDABLE;
if (!moddable) {
  console.log('memory:breakdown needs $MODDABLE (a built Moddable SDK). Skipped.');
  process.exit(0);
}
const dir = '/tmp/latch-memory-breakdown';
mkdirSync(dir, { recursive: true });
const absolute = (v) => {
  if (typeof v === 'string') return v.startsWith('./') ? path.join(repo, v) : v;
  if (Array.isArray(v)) return v.map(absolute);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, absolute(x)]));
  return v;
};
const manifest = absolute(JSON.parse(readFileSync(path.join(repo, 'manifest.json'), 'utf8')));
manifest.modules['*'] = manifest.modules['*'].map((m) => (m === path.join(repo, 'main') ? './main' : m));
writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, '\t'));
copyFileSync(path.join(repo, 'scripts/memory-breakdown/main.js'), path.join(dir, 'main.js'));

const tools = path.join(moddable, 'build/bin/lin/release');
const env = { ...process.env, PATH: [path.join(repo, 'node_modules/.bin'), tools, process.env.PATH].join(path.delimiter) };
if (!process.argv.includes('--no-build')) {
  const b = spawnSync(path.join(tools, 'mcconfig'), ['-d', '-m', '-p', 'sim/m5stack', '-t', 'build'], { cwd: dir, env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (b.status !== 0) { console.error('memory:breakdown: the build failed'); process.exit(1); }
}
const built = path.join(moddable, 'build/bin/lin/m5stack/debug', path.basename(dir), 'mc.so');
const r = spawnSync(process.execPath, [path.join(repo, 'scripts/sim-memory.mjs'), '--mc', built, '--boot-only', '--json', '--seconds', '90'], { encoding: 'utf8', env });
const line = r.stdout.trim().split('\n').pop() ?? '';
if (!line.startsWith('{')) { console.error(`memory:breakdown: ${line || r.stderr.slice(-500)}`); process.exit(1); }
const { steps } = JSON.parse(line);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log('live after each import (collected), and what it added; bytes with the ESP32\'s 16-byte slot');
let prev;
for (const s of steps) {
  const d = prev ? `  +${(s.slots - prev.slots).toLocaleString('en-US').padStart(6)} slots +${kb(s.chunkBytes - prev.chunkBytes).padStart(9)} = +${kb(s.esp32Bytes - prev.esp32Bytes).padStart(9)}` : '';
  console.log(`${s.phase.padEnd(38)} ${s.slots.toLocaleString('en-US').padStart(7)} slots ${kb(s.chunkBytes).padStart(9)} chunks ${String(s.modulesLoaded).padStart(4)} modules${d}`);
  if (s.phase.startsWith('step')) prev = s;
}
