/**
 * Atomic batches of record writes. The record log makes one record's update atomic; a change that spans records
 * (a new PIN record and the seed re-sealed under a new data key) is written first as one journal record, which
 * is the commit point, then applied record by record, then the journal is deleted. Boot applies a journal it
 * finds (`replay`), so a power cut anywhere leaves the state before the batch (journal torn or absent) or after
 * it (journal complete), never a mix.
 *
 * Layout: version 1 | count (u8) | count x [ key (u16) | op (u8: 0 set, 1 delete) | length (u16) | value ]
 */
import { LatchError } from '../errors.js';
import type { RecordLog } from '../storage/record-log.js';

const VERSION = 1;

export interface BatchEntry {
  key: number;
  /** undefined deletes the record */
  value?: Uint8Array;
}

export function encodeBatch(entries: BatchEntry[]): Uint8Array {
  let size = 2;
  for (const e of entries) size += 5 + (e.value?.length ?? 0);
  const out = new Uint8Array(size);
  out[0] = VERSION;
  out[1] = entries.length;
  let at = 2;
  for (const e of entries) {
    const n = e.value?.length ?? 0;
    out.set([e.key >> 8, e.key & 0xff, e.value ? 0 : 1, n >> 8, n & 0xff], at);
    if (e.value) out.set(e.value, at + 5);
    at += 5 + n;
  }
  return out;
}

export function decodeBatch(b: Uint8Array): BatchEntry[] {
  const bad = () => new LatchError('record-damaged', 'the storage journal has an unknown format');
  if (b.length < 2 || b[0] !== VERSION) throw bad();
  const entries: BatchEntry[] = [];
  let at = 2;
  for (let i = 0; i < b[1]; i++) {
    if (at + 5 > b.length) throw bad();
    const key = (b[at] << 8) | b[at + 1];
    const op = b[at + 2];
    const n = (b[at + 3] << 8) | b[at + 4];
    if (op > 1 || at + 5 + n > b.length) throw bad();
    entries.push(op === 0 ? { key, value: b.slice(at + 5, at + 5 + n) } : { key });
    at += 5 + n;
  }
  if (at !== b.length) throw bad();
  return entries;
}

/** Write `entries` as one atomic change under the journal record `journalKey`. */
export function commitBatch(log: RecordLog, journalKey: number, entries: BatchEntry[]): void {
  const encoded = encodeBatch(entries);
  log.set(journalKey, encoded); // the commit point
  encoded.fill(0);
  replay(log, journalKey);
}

/** Apply and delete a journal left by an interrupted batch. Returns whether there was one. */
export function replay(log: RecordLog, journalKey: number): boolean {
  const raw = log.get(journalKey);
  if (!raw) return false;
  const entries = decodeBatch(raw);
  raw.fill(0);
  for (const e of entries) {
    if (e.value) {
      log.set(e.key, e.value);
      e.value.fill(0);
    } else log.delete(e.key);
  }
  log.delete(journalKey);
  return true;
}
