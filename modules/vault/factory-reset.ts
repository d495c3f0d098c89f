/**
 * Erasing the vault (factory reset, the 10th wrong PIN, or a reset that power interrupted):
 *  1. write a wipe-pending marker (1, then what is carried across: the event log's head), so boot finishes
 *     whatever a power cut stops;
 *  2. zero every record in place, the wrapped data key first: from here on the seed cannot be opened;
 *  3. erase every sector, the data key's first and the marker's last, then check that all read 0xFF.
 * A full or failing region must not stop a reset: without room for the marker it goes straight to erasing.
 */
import { LatchError } from '../errors.js';
import type { RecordLog } from '../storage/record-log.js';
import { RecordKey } from './records.js';

export function eraseVault(log: RecordLog, onProgress?: (done: number, total: number) => void, marker: Uint8Array = Uint8Array.of(1)): void {
  let marked = true;
  try {
    if (!log.has(RecordKey.wipePending)) log.set(RecordKey.wipePending, marker);
  } catch (err) {
    if (!(err instanceof LatchError)) throw err;
    marked = false;
  }
  const dekSector = log.sectorOf(RecordKey.pin);
  const markSector = marked ? log.sectorOf(RecordKey.wipePending) : undefined;
  for (const key of [RecordKey.pin, RecordKey.seed, ...log.keys()]) {
    if (key !== RecordKey.wipePending) log.delete(key);
  }
  const order: number[] = [];
  if (dekSector !== undefined && dekSector !== markSector) order.push(dekSector);
  for (let s = 0; s < log.sectorCount; s++) if (s !== dekSector && s !== markSector) order.push(s);
  if (markSector !== undefined) order.push(markSector);
  log.eraseAll(order, onProgress);
}
