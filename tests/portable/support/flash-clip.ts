/**
 * The flash-clip attacker of issue 17: holds the device and a test clip on its SPI flash, knows the format and
 * the code, not the chip key. NOR lets it clear any bit without a key (retire a record: clear its state byte) and
 * program back any image it read earlier, whole or sector by sector. It never touches the rollback counter (eFuse).
 */
import { SECTOR_HEADER_SIZE, RECORD_HEADER_SIZE } from '../../../modules/storage/record-log.js';

export interface RecordSpot {
  key: number;
  /** offset of the record header in the image */
  at: number;
}

/** The records whose state byte still says live, in image order (the newest version of a key last). */
export function liveRecords(image: Uint8Array, sectorSize: number): RecordSpot[] {
  const out: RecordSpot[] = [];
  for (let base = 0; base + sectorSize <= image.length; base += sectorSize) {
    if (image[base] !== 0x4c || image[base + 1] !== 0x54 || image[base + 2] !== 0x43 || image[base + 3] !== 0x48) continue;
    let at = base + SECTOR_HEADER_SIZE;
    while (at + RECORD_HEADER_SIZE <= base + sectorSize && image[at] === 0xa5) {
      const length = (image[at + 8] << 8) | image[at + 9];
      if (image[at + 1] === 0xff) out.push({ key: (image[at + 2] << 8) | image[at + 3], at });
      at += RECORD_HEADER_SIZE + ((length + 3) & ~3);
    }
  }
  return out;
}

/** A copy of `image` with every live version of `key` retired (its state byte cleared, as a clip can). */
export function retire(image: Uint8Array, sectorSize: number, key: number): Uint8Array {
  const out = image.slice();
  for (const r of liveRecords(image, sectorSize)) if (r.key === key) out[r.at + 1] = 0;
  return out;
}

/** `current` with sector `sector` programmed back from `old` (erase, then write: what a clip does). */
export function mixSector(current: Uint8Array, old: Uint8Array, sectorSize: number, sector: number): Uint8Array {
  const out = current.slice();
  out.set(old.subarray(sector * sectorSize, (sector + 1) * sectorSize), sector * sectorSize);
  return out;
}
