/**
 * How much XS memory an operation needs, measured with xsnap's own accounting ("allocate": the machine's
 * allocated space). xsnap starts with a 32 MB chunk block and 256k slots, so an operation alone never makes the
 * machine allocate more; we squeeze it instead:
 *  1. in a fresh worker (the bench bundle loaded, the operation's inputs prepared, garbage collected), find how
 *     much free chunk space and how many free slots there are, by filling them until the allocated space grows;
 *  2. then, in fresh workers again, leave only X bytes of chunks (or X slots) free and run the operation: the
 *     smallest X with which the allocated space does not grow is what it needs at its peak (XS collects garbage
 *     before it grows, so garbage does not count; what the operation keeps, like a precomputed table, does).
 * The result is chunk bytes + slots x 16 bytes (the slot size of a 32-bit ESP32; xsnap's 64-bit slots are 32),
 * to 4 KB / 128 slots. It is what the operation needs above the state its inputs were prepared in ("above boot").
 */
import { XsWorker } from '../hosts/xs/xsnap-worker.js';

const CHUNK_STEP = 4096;
const SLOT_STEP = 128;
export const ESP32_SLOT_BYTES = 16;

type Cmd = Record<string, unknown>;
const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

async function fresh(bundle: string, op: string, prepare: boolean): Promise<{ w: XsWorker; cmd: (c: Cmd) => Promise<number> }> {
  const w = new XsWorker({ name: 'latch-memory', onPrint: () => {} });
  await w.evaluate(bundle);
  const cmd = async (c: Cmd) => (await w.command(enc(c))).meter.allocate;
  if (prepare) await cmd({ name: op, prepare: true });
  await cmd({ gc: true });
  return { w, cmd };
}

/** Largest amount of `kind` (chunk bytes or slots) that can be filled without growing the machine. */
async function capacity(bundle: string, op: string, prepare: boolean, kind: 'chunks' | 'slots', step: number): Promise<number> {
  // Coarse, in one worker: fill until the machine grows.
  const coarse = step * 64;
  let filled = 0;
  {
    const { w, cmd } = await fresh(bundle, op, prepare);
    const base = await cmd({ gc: true });
    while ((await cmd({ fill: kind, amount: coarse })) <= base) filled += coarse;
    await w.close();
  }
  // Fine, in fresh workers: one fill of the whole amount.
  let lo = filled;
  let hi = filled + coarse;
  while (hi - lo > step) {
    const mid = lo + Math.max(step, Math.floor((hi - lo) / 2 / step) * step);
    const { w, cmd } = await fresh(bundle, op, prepare);
    const base = await cmd({ gc: true });
    const after = await cmd({ fill: kind, amount: mid });
    await w.close();
    if (after > base) hi = mid;
    else lo = mid;
  }
  return lo;
}

/** Smallest free amount of `kind` with which the operation runs without growing the machine. */
async function need(bundle: string, op: string, prepare: boolean, kind: 'chunks' | 'slots', free: number, step: number): Promise<number> {
  const fits = async (room: number) => {
    const { w, cmd } = await fresh(bundle, op, prepare);
    const base = await cmd({ gc: true });
    await cmd({ fill: kind, amount: free - room });
    const after = await cmd({ name: op, iterations: 1 });
    await w.close();
    return after <= base;
  };
  // Grow the room fourfold until the operation fits, then bisect: few probes for small operations.
  let lo = 0; // known not to fit (0 never does)
  let hi = step * 4;
  while (hi < free && !(await fits(hi))) {
    lo = hi;
    hi = Math.min(free, hi * 4);
  }
  while (hi - lo > step) {
    const mid = lo + Math.max(step, Math.floor((hi - lo) / 2 / step) * step);
    if (await fits(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

export interface MemoryNeed {
  chunkBytes: number;
  slots: number;
  /** chunk bytes + slots x 16 (a 32-bit device) */
  bytes: number;
}

const capacities = new Map<string, number>();

/** Free space after the inputs are prepared (the same for every operation that prepares nothing). */
async function freeSpace(bundle: string, op: string, prepare: boolean, kind: 'chunks' | 'slots', step: number): Promise<number> {
  const key = `${kind}:${prepare ? op : ''}`;
  let c = capacities.get(key);
  if (c === undefined) {
    c = await capacity(bundle, op, prepare, kind, step);
    capacities.set(key, c);
  }
  return c;
}

export async function measureMemory(bundle: string, op: string, prepare: boolean): Promise<MemoryNeed> {
  const [chunkBytes, slots] = await Promise.all([
    freeSpace(bundle, op, prepare, 'chunks', CHUNK_STEP).then((free) => need(bundle, op, prepare, 'chunks', free, CHUNK_STEP)),
    freeSpace(bundle, op, prepare, 'slots', SLOT_STEP).then((free) => need(bundle, op, prepare, 'slots', free, SLOT_STEP)),
  ]);
  return { chunkBytes, slots, bytes: chunkBytes + slots * ESP32_SLOT_BYTES };
}
