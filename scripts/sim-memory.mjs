#!/usr/bin/env node
// `npm run memory:sim [-- --seconds N] [--state DIR] [--boot-only] [--json]`: boots the simulator build (npm run
// build:sim) in Moddable's mcsim, headless (xvfb-run), and reads the XS machine's own instrumentation (the samples
// the SDK sends xsbug once a second) on a private xsbug port: slots and chunks in use, the heaps' sizes, modules.
// Unless --boot-only, it then has the simulator build's memory probe (drivers/memory-probe.ts, never in a board
// build) set up the published test wallet, unlock and sign one Ethereum transaction, and reads the sample after
// each of the probe's markers: live at boot and unlocked (after a forced collection), and the signing peak.
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
const seconds = Number(opt('--seconds', args.includes('--boot-only') ? '15' : '60'));
const state = opt('--state', undefined);
const asJson = args.includes('--json');
const bootOnly = args.includes('--boot-only');
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const moddable = process.env.MODDABLE;
// --mc: another simulator build (npm run memory:breakdown's)
const built = opt('--mc', moddable && path.join(moddable, 'build/bin/lin/m5stack/debug', path.basename(repo), 'mc.so'));
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
/** the probe's markers ("latch-probe: <phase>"), each with the index of the first sample after it */
const marks = [];
let finished;
const probeDone = new Promise((resolve) => { finished = resolve; });
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
      else {
        const text = m[2].replace(/&#10;/g, '\n').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
        logs.push(text);
        for (const p of text.matchAll(/latch-probe: ([^\n]*)/g)) {
          marks.push({ phase: p[1], sample: samples.length });
          if (p[1] === 'done' || p[1].startsWith('failed')) finished();
        }
      }
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
// The flag file asks the simulator build to run its memory probe (drivers/platform-sim.ts).
const probe = bootOnly ? '' : 'touch /tmp/latch-memory-probe && ';
const script = `mount -t tmpfs tmpfs /tmp && ${copy}${probe}exec xvfb-run -a "${mcsim}" "${path.join(moddable, 'build/simulators')}" "${built}"`;
const child = spawn('unshare', ['-rm', 'sh', '-c', script], {
  env: { ...process.env, XSBUG_HOST: '127.0.0.1', XSBUG_PORT: String(port) },
  stdio: ['ignore', 'pipe', 'pipe'], detached: true,
});
let out = '';
child.stdout.on('data', (d) => { out += d; });
child.stderr.on('data', (d) => { out += d; });
await new Promise((resolve) => {
  const t = setTimeout(resolve, seconds * 1000);
  child.on('exit', () => { clearTimeout(t); resolve(); });
  probeDone.then(() => { clearTimeout(t); resolve(); });
});
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
/** a sample as slots, chunk bytes, bytes with the ESP32's slot, and the collection count */
const figures = (s) => s && {
  slots: Math.round(s['Slot used'] / SLOT_SIM), chunkBytes: s['Chunk used'],
  esp32Bytes: s['Chunk used'] + Math.round(s['Slot used'] / SLOT_SIM) * SLOT_ESP32,
  collections: s['Garbage collections'], modulesLoaded: s['Modules loaded'],
};
const at = (phase) => { const m = marks.find((x) => x.phase.startsWith(phase)); return m && samples[m.sample]; };
const failed = marks.find((x) => x.phase.startsWith('failed'));
if (!bootOnly) {
  const bootMark = marks.find((x) => x.phase === 'boot');
  result.probe = {
    // the last sample before the probe's first collection: boot as it stands, its garbage included
    bootInUse: figures(bootMark && samples[bootMark.sample - 1]),
    bootLive: figures(at('boot')),
    unlockedLive: figures(at('unlocked')),
    signPeak: figures(at('signed')),
    afterSignLive: figures(at('after')),
    // the Bitcoin code loaded as by the first btc_* request, then one two-input PSBT signed
    bitcoinLoadedLive: figures(at('bitcoin loaded')),
    psbtSignPeak: figures(at('psbt signed')),
    afterPsbtLive: figures(at('after psbt')),
    failed: failed?.phase,
  };
  // The probe collects just before signing, and a sample's count is the collections since the sample before: with
  // only that one, the "signed" sample holds everything the signature allocated, an upper bound of its peak. More
  // mean the heap filled during the signature and was collected (the peak then lies between the live figures and
  // the heap).
  const bounds = (peak) => Boolean(peak && peak.collections <= 1);
  result.probe.signPeakIsBound = bounds(result.probe.signPeak);
  result.probe.psbtSignPeakIsBound = bounds(result.probe.psbtSignPeak);
}
result.esp32HeapBytes = result.chunkHeapBytes + result.slotHeap * SLOT_ESP32;
result.steps = marks.map((m) => ({ phase: m.phase, ...figures(samples[m.sample]) })).filter((m) => m.slots !== undefined);
if (asJson) {
  console.log(JSON.stringify({ ...result, last: lastSample, log: logs.join("") }));
} else {
  const kb = (n) => `${Math.round(n / 1024)} KB`;
  console.log(`mcsim after ${seconds} s (${samples.length} samples, ${result.garbageCollections} collections):
  live now:   ${result.slotsUsed.toLocaleString('en-US')} slots, ${kb(result.chunkBytesUsed)} chunks  (${kb(result.esp32BytesUsed)} with 16-byte slots)
  peak seen:  ${result.peakSampledSlots.toLocaleString('en-US')} slots, ${kb(result.peakSampledChunkBytes)} chunks (once a second)
  heaps:      ${result.slotHeap.toLocaleString('en-US')} slots, ${kb(result.chunkHeapBytes)} chunks  (${kb(result.esp32HeapBytes)} with 16-byte slots)
  modules loaded at run time: ${result.modulesLoaded}, keys: ${result.keysUsed}`);
  const pr = result.probe;
  if (pr) {
    const row = (label, f) => f && console.log(`  ${label.padEnd(22)} ${f.slots.toLocaleString('en-US').padStart(7)} slots, ${kb(f.chunkBytes).padStart(7)} chunks, ${kb(f.esp32Bytes).padStart(8)} in all (16-byte slots)`);
    console.log('memory probe (test wallet, one EIP-1559 signature, then the Bitcoin code and a two-input PSBT):');
    row('boot, in use', pr.bootInUse);
    row('boot, live (collected)', pr.bootLive);
    row('unlocked, live', pr.unlockedLive);
    row('just after signing', pr.signPeak);
    row('after signing, live', pr.afterSignLive);
    // whether a "just after" sample bounds the peak of what ran before it (see signPeakIsBound above)
    const boundNote = (peak, isBound, during, label) => peak && console.log(isBound
      ? `  no collection during ${during}: "${label}" bounds its peak from above`
      : `  ${peak.collections - 1} collections during ${during} (the heap filled): "${label}" is not a bound`);
    boundNote(pr.signPeak, pr.signPeakIsBound, 'the signature', 'just after signing');
    row('bitcoin code loaded', pr.bitcoinLoadedLive);
    row('just after the PSBT', pr.psbtSignPeak);
    row('after the PSBT, live', pr.afterPsbtLive);
    boundNote(pr.psbtSignPeak, pr.psbtSignPeakIsBound, 'the PSBT', 'just after the PSBT');
    if (pr.failed || !pr.signPeak) console.log(`  the probe did not finish: ${pr.failed ?? 'no "signed" marker (use a larger --seconds?)'}`);
  }
  const traced = logs.join('').trim();
  if (traced) console.log(`trace():\n${traced.split('\n').slice(-15).map((l) => `  ${l}`).join('\n')}`);
}
process.exit(0);
