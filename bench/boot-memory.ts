/**
 * The `bench` row for boot memory: the firmware booted in Moddable's simulator (mcsim) with the SDK's own
 * instrumentation (scripts/sim-memory.mjs), which is the build the board runs: the same manifest, preloading and
 * XS as the ESP32, only the drivers differ. xsnap, which `npm run bench` uses for the operations, cannot stand in:
 * it has no preloading, and the Node board simulator's drivers are not the board's. So the row needs $MODDABLE
 * and `npm run build:sim`; without them it says so and is skipped (CI never has the SDK).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../hosts/xs/bundle.js';

export interface BootMemory {
  slots: number;
  chunkBytes: number;
  /** chunks + slots x 16 bytes (the ESP32's slot) */
  bytes: number;
  slotHeap: number;
  chunkHeapBytes: number;
  modulesLoaded: number;
  /** live after a forced collection at boot (the slots/chunkBytes above are in use, garbage included) */
  live?: MemoryFigures;
  /** the test wallet set up and unlocked, keys made, collected (drivers/memory-probe.ts) */
  unlocked?: MemoryFigures;
  /** in use just after one EIP-1559 signature; `collections` made during it (more than 1: the heap filled) */
  signed?: MemoryFigures & { collections: number };
}

export interface MemoryFigures {
  slots: number;
  chunkBytes: number;
  bytes: number;
}

const figures = (f: { slots: number; chunkBytes: number; esp32Bytes: number } | undefined): MemoryFigures | undefined =>
  f && { slots: f.slots, chunkBytes: f.chunkBytes, bytes: f.esp32Bytes };

export function measureBootMemory(): BootMemory | string {
  if (!process.env.MODDABLE) return 'needs MODDABLE (a built Moddable SDK) and npm run build:sim';
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/sim-memory.mjs'), '--json'], { encoding: 'utf8' });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (!line.startsWith('{')) return line || `sim-memory failed: ${r.stderr.slice(-300)}`;
  const m = JSON.parse(line);
  const p = m.probe ?? {};
  const boot = p.bootInUse ?? { slots: m.slotsUsed, chunkBytes: m.chunkBytesUsed, esp32Bytes: m.esp32BytesUsed };
  return {
    slots: boot.slots, chunkBytes: boot.chunkBytes, bytes: boot.esp32Bytes,
    // modules at boot (the probe's last sample also counts the Bitcoin code it loads later)
    slotHeap: m.slotHeap, chunkHeapBytes: m.chunkHeapBytes, modulesLoaded: boot.modulesLoaded ?? m.modulesLoaded,
    live: figures(p.bootLive), unlocked: figures(p.unlockedLive),
    signed: p.signPeak && { ...figures(p.signPeak)!, collections: p.signPeak.collections },
  };
}
