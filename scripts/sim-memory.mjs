#!/usr/bin/env node
// `npm run memory:sim [-- --seconds N] [--state DIR] [--json]`: boots the simulator build (npm run build:sim) in
// Moddable's mcsim, headless (xvfb-run), and reads the XS machine's own instrumentation (the samples the SDK sends
// xsbug once a second) on a private xsbug port: slots and chunks in use, the heaps' sizes, modules loaded.
// The run gets its own /tmp (a user + mount namespace, `unshare -rm`), so it starts from a blank vault, or from
// the latch-flash.bin / latch-chip-key.bin / latch-efuse.bin copied from --state DIR, and never touches the /tmp
// files an `npm run sim:moddable` keeps. Needs $MODDABLE, xvfb-run and unshare; without them it says so, exit 0.
// Slot counts carry over to the board; bytes are given for the ESP32's 16-byte slot (the simulator's is 32).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const seconds = Number(opt('--seconds', '15'));
const state = opt('--state', undefined);
const asJson = args.includes('--json');
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const moddable = process.env.MODDABLE;
const built = moddable && path.join(moddable, 'build/bin/lin/m5stack/debug', path.basename(repo), 'mc.so');
const missing = [];
if (!moddable) missing.push('$MODDABLE (a built Moddable SDK)');
else if (!existsSync(built)) missing.push(`the simulator build ${built} (npm run build:sim)`);
for (const tool of ['xvfb-run', 'unshare']) if (spawnSync('which', [tool]).status !== 0) missing.push(tool);
if (missing.length) {
  console.log(`memory:sim needs ${missing.join(', ')}. Skipped.`);
  process.exit(0);
}

const SLOT_SIM = 32; // sizeof(txSlot) on a 64-bit host
const SLOT_ESP32 = 16;
let names = [];
const samples = [];
const logs = [];
let buffer = '';

const server = net.createServer((socket) => {
  socket.setEncoding('utf8');
  socket.on('data', (d) => {
    buffer += d;
    if (/<login /.test(buffer) && !socket.answered) {
      socket.answered = true;
      socket.write('\r\n<set-all-breakpoints></set-all-breakpoints>\r\n'); // no breakpoints: run freely
    }
    let m;
    const instruments = /<instruments>([\s\S]*?)<\/instruments>/.exec(buffer);
    if (instruments) names = [...instruments[1].matchAll(/<instrument name="([^"]*)"/g)].map((x) => x[1]);
    const re = /<samples>([^<]*)<\/samples>|<log[^>]*>([\s\S]*?)<\/log>/g;
    let last = 0;
    while ((m = re.exec(buffer))) {
      if (m[1] !== undefined) samples.push(Object.fromEntries(m[1].split(',').map((v, i) => [names[i] ?? `#${i}`, Number(v)])));
      else logs.push(m[2].replace(/&#10;/g, '\n').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
      last = re.lastIndex;
    }
    if (last) buffer = buffer.slice(last);
  });
  socket.on('error', () => {});
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = server.address().port;

const copy = state
  ? ['latch-flash.bin', 'latch-chip-key.bin', 'latch-efuse.bin'].map((f) => `[ -f "${path.resolve(state, f)}" ] && cp "${path.resolve(state, f)}" /tmp/; `).join('')
  : '';
const mcsim = path.join(moddable, 'build/bin/lin/release/mcsim');
const script = `mount -t tmpfs tmpfs /tmp && ${copy}exec xvfb-run -a "${mcsim}" "${path.join(moddable, 'build/simulators')}" "${built}"`;
const child = spawn('unshare', ['-rm', 'sh', '-c', script], {
  env: { ...process.env, XSBUG_HOST: '127.0.0.1', XSBUG_PORT: String(port) },
  stdio: ['ignore', 'pipe', 'pipe'], detached: true,
});
let out = '';
child.stdout.on('data', (d) => { out += d; });
child.stderr.on('data', (d) => { out += d; });
await new Promise((resolve) => { const t = setTimeout(resolve, seconds * 1000); child.on('exit', () => { clearTimeout(t); resolve(); }); });
try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
server.close();

if (!samples.length) {
  console.log(`memory:sim: no instrumentation samples from mcsim in ${seconds} s.\n${out.slice(-2000)}\n${logs.join('').slice(-2000)}`);
  process.exit(1);
}
const lastSample = samples[samples.length - 1];
const max = (k) => Math.max(...samples.map((s) => s[k] ?? 0));
const result = {
  samples: samples.length,
  slotsUsed: Math.round(lastSample['Slot used'] / SLOT_SIM),
  chunkBytesUsed: lastSample['Chunk used'],
  peakSampledSlots: Math.round(max('Slot used') / SLOT_SIM),
  peakSampledChunkBytes: max('Chunk used'),
  slotHeap: Math.round(lastSample['Slot available'] / SLOT_SIM),
  chunkHeapBytes: lastSample['Chunk available'],
  modulesLoaded: lastSample['Modules loaded'],
  garbageCollections: lastSample['Garbage collections'],
  keysUsed: lastSample['Keys used'],
};
result.esp32BytesUsed = result.chunkBytesUsed + result.slotsUsed * SLOT_ESP32;
result.esp32HeapBytes = result.chunkHeapBytes + result.slotHeap * SLOT_ESP32;
if (asJson) {
  console.log(JSON.stringify({ ...result, last: lastSample, log: logs.join("") }));
} else {
  const kb = (n) => `${Math.round(n / 1024)} KB`;
  console.log(`mcsim after ${seconds} s (${samples.length} samples, ${result.garbageCollections} collections):
  live now:   ${result.slotsUsed.toLocaleString('en-US')} slots, ${kb(result.chunkBytesUsed)} chunks  (${kb(result.esp32BytesUsed)} with 16-byte slots)
  peak seen:  ${result.peakSampledSlots.toLocaleString('en-US')} slots, ${kb(result.peakSampledChunkBytes)} chunks (once a second)
  heaps:      ${result.slotHeap.toLocaleString('en-US')} slots, ${kb(result.chunkHeapBytes)} chunks  (${kb(result.esp32HeapBytes)} with 16-byte slots)
  modules loaded at run time: ${result.modulesLoaded}, keys: ${result.keysUsed}`);
  const traced = logs.join('').trim();
  if (traced) console.log(`trace():\n${traced.split('\n').slice(-15).map((l) => `  ${l}`).join('\n')}`);
}
process.exit(0);
