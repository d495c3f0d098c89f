/**
 * `npm run bench [filter] [--no-memory]`: each operation on XS (xsnap: compute meter in computrons, wall time,
 * and the memory it needs, bench/memory.ts) and on V8 (wall time), printed as a table and written to
 * bench/results.json as [{name, engine, computrons?, ms, xsMemory?}]. Wall times on XS include a little
 * command-channel overhead; computrons and memory are deterministic.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleForXs, REPO_ROOT } from '../hosts/xs/bundle.js';
import { XsWorker } from '../hosts/xs/xsnap-worker.js';
import { OPS } from './ops.js';
import { measureMemory, type MemoryNeed } from './memory.js';
import { measureBootMemory, type BootMemory } from './boot-memory.js';

interface Row { name: string; engine: 'xs' | 'v8' | 'mcsim'; computrons?: number; ms?: number; xsMemory?: MemoryNeed; bootMemory?: BootMemory }

const withMemory = !process.argv.includes('--no-memory');
const only = process.argv.slice(2).find((a) => !a.startsWith('--'));
const BOOT = 'boot, blank device (mcsim, the board build)';
const SIGN = 'unlock + one EIP-1559 signature (mcsim, the board build, test wallet)';
const ops = only ? OPS.filter((o) => o.name.toLowerCase().includes(only.toLowerCase())) : OPS;
const withBoot = !only || BOOT.includes(only.toLowerCase());
if (!ops.length && !withBoot) {
  process.stderr.write(`no benchmark matches "${only}"; there are:\n${OPS.map((o) => `  ${o.name}`).join('\n')}\n`);
  process.exit(2);
}

const rows: Row[] = [];
const worker = new XsWorker({ name: 'latch-bench' });
const bundle = await bundleForXs(path.join(REPO_ROOT, 'bench/xs-entry.ts'));
await worker.evaluate(bundle);
const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

for (const [i, op] of ops.entries()) {
  process.stderr.write(`[${i + 1}/${ops.length}] ${op.name} ...\n`);
  let compute = 0;
  let xsWall = 0;
  if (op.prepare) {
    // Prepared ops: each run is its own command after an unmeasured prepare command.
    for (let k = 0; k <= op.iterations; k++) {
      await worker.command(enc({ name: op.name, prepare: true }));
      const t0 = performance.now();
      const r = await worker.command(enc({ name: op.name, iterations: 1 }));
      if (k === 0) continue; // warm-up
      xsWall += performance.now() - t0;
      compute += r.meter.compute;
    }
  } else {
    await worker.command(enc({ name: op.name, iterations: 1 })); // warm-up
    const t0 = performance.now();
    const r = await worker.command(enc({ name: op.name, iterations: op.iterations }));
    xsWall = performance.now() - t0;
    compute = r.meter.compute;
  }
  const xsRow: Row = { name: op.name, engine: 'xs', computrons: Math.round(compute / op.iterations), ms: round(xsWall / op.iterations) };
  if (withMemory) xsRow.xsMemory = await measureMemory(bundle, op.name, !!op.prepare);
  rows.push(xsRow);

  const v8Iterations = op.iterations * 10;
  let v8Wall = 0;
  for (let k = 0; k < v8Iterations + 3; k++) {
    op.prepare?.();
    const t1 = performance.now();
    op.run();
    if (k >= 3) v8Wall += performance.now() - t1; // the first three warm up the JIT
  }
  rows.push({ name: op.name, engine: 'v8', ms: round(v8Wall / v8Iterations) });
}
await worker.close();

function round(ms: number): number {
  return ms >= 10 ? Math.round(ms * 10) / 10 : Math.round(ms * 1000) / 1000;
}

const width = Math.max(...ops.map((o) => o.name.length));
const kb = (m?: MemoryNeed) => (m ? `${Math.round(m.bytes / 1024)} KB` : '-');
const lines = [`${'operation'.padEnd(width)}  ${'XS computrons'.padStart(14)}  ${'XS ms'.padStart(9)}  ${'XS memory'.padStart(9)}  ${'V8 ms'.padStart(9)}  ${'XS/V8'.padStart(6)}`];
for (const op of ops) {
  const xs = rows.find((r) => r.name === op.name && r.engine === 'xs')!;
  const v8 = rows.find((r) => r.name === op.name && r.engine === 'v8')!;
  lines.push(`${op.name.padEnd(width)}  ${xs.computrons!.toLocaleString('en-US').padStart(14)}  ${String(xs.ms).padStart(9)}  ${kb(xs.xsMemory).padStart(9)}  ${String(v8.ms).padStart(9)}  ${(xs.ms! / v8.ms!).toFixed(0).padStart(5)}x`);
}
if (withBoot) {
  // The board build booted in mcsim with the SDK's instrumentation (bench/boot-memory.ts): needs the SDK.
  const boot = measureBootMemory();
  if (typeof boot === 'string') lines.push(`${BOOT}: skipped, ${boot}`);
  else {
    rows.push({ name: BOOT, engine: 'mcsim', bootMemory: boot });
    const fig = (f: { slots: number; chunkBytes: number; bytes: number }) => `${f.slots.toLocaleString('en-US')} slots + ${Math.round(f.chunkBytes / 1024)} KB chunks = ${Math.round(f.bytes / 1024)} KB`;
    lines.push(`${BOOT}: ${fig(boot)} in use${boot.live ? `, ${fig(boot.live)} live (collected)` : ''} with 16-byte slots (goal: 10,000 slots, 128 KB chunks); heaps ${boot.slotHeap.toLocaleString('en-US')} slots, ${Math.round(boot.chunkHeapBytes / 1024)} KB chunks; ${boot.modulesLoaded} modules loaded at run time`);
    if (boot.unlocked && boot.signed) {
      lines.push(`${SIGN}: unlocked ${fig(boot.unlocked)} live; just after the signature ${fig(boot.signed)} in use, ${boot.signed.collections > 1 ? `${boot.signed.collections - 1} collections during it (the heap filled)` : 'no collection during it (an upper bound of its peak)'} (goal: 512 KB in all)`);
    }
  }
}
if (withMemory) lines.push('XS memory: peak chunk bytes + slots x 16 bytes (ESP32) the operation needs above its prepared inputs (bench/memory.ts).');
process.stdout.write(`${lines.join('\n')}\n`);

const out = path.join(REPO_ROOT, 'bench/results.json');
let merged = rows;
if (only && fs.existsSync(out)) {
  const names = new Set([...ops.map((o) => o.name), ...(withBoot ? [BOOT] : [])]);
  merged = [...(JSON.parse(fs.readFileSync(out, 'utf8')) as Row[]).filter((r) => !names.has(r.name)), ...rows];
}
fs.writeFileSync(out, `${JSON.stringify(merged, null, 2)}\n`);
process.stdout.write(`wrote ${path.relative(process.cwd(), out)} (${merged.length} rows)\n`);
