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
}

export function measureBootMemory(): BootMemory | string {
  if (!process.env.MODDABLE) return 'needs MODDABLE (a built Moddable SDK) and npm run build:sim';
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/sim-memory.mjs'), '--json', '--seconds', '12'], { encoding: 'utf8' });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (!line.startsWith('{')) return line || `sim-memory failed: ${r.stderr.slice(-300)}`;
  const m = JSON.parse(line);
  return {
    slots: m.slotsUsed, chunkBytes: m.chunkBytesUsed, bytes: m.esp32BytesUsed,
    slotHeap: m.slotHeap, chunkHeapBytes: m.chunkHeapBytes, modulesLoaded: m.modulesLoaded,
  };
}
