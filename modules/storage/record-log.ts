/**
 * A power-loss-safe key/value record log over a raw NOR region, in the spirit of Trezor's norcow.
 *
 * Layout. Every sector in use starts with a 16-byte header (magic "LTCH", generation, format, CRC). Records
 * follow, 4-byte aligned, each a 16-byte header and its data:
 *
 *   0 magic 0xA5 | 1 state (0xFF live, anything else retired) | 2-3 key | 4-7 sequence | 8-9 length
 *   10-11 header check (CRC-32 of magic, key, sequence, length; low 16 bits) | 12-15 CRC-32 of bytes 2-9 + data
 *
 * Rules that make every single write or erase safe to interrupt:
 *  - A record is written once, in one write. A torn record fails its CRC and is ignored; the tail of a sector
 *    holding a torn header is never appended to again ("sealed").
 *  - An update appends the new version with a higher sequence number and only then retires the old one, in
 *    place: its state byte and its data are overwritten with zeros (legal on NOR: only clears bits). So an
 *    old secret does not linger in flash, and if the retire is torn, the higher sequence number still wins.
 *  - Compaction copies the live records of the oldest sector into the one spare sector under a higher
 *    generation, keeping their sequence numbers, and only then erases the old sector. Interrupted, it leaves
 *    duplicates with equal sequence numbers (the newer generation wins) and no spare: mount finishes it.
 *  - Mount retires versions that a newer one supersedes, so at most one live version per key remains.
 * After a cut at any single write or erase, mount yields the state before or after the interrupted operation.
 */
import { LatchError } from '../errors.js';
import type { FlashPort } from '../ports.js';
import { crc32 } from './crc32.js';

export const SECTOR_HEADER_SIZE = 16;
export const RECORD_HEADER_SIZE = 16;
const SECTOR_MAGIC = [0x4c, 0x54, 0x43, 0x48]; // "LTCH"
const FORMAT_VERSION = 1;
const RECORD_MAGIC = 0xa5;
const LIVE = 0xff;
export const MIN_KEY = 1;
export const MAX_KEY = 0xfffe;

export type RecordLogErrorCode = 'record-log-full' | 'record-too-large' | 'bad-key' | 'flash-verify' | 'record-log-corrupt';

export class RecordLogError extends LatchError {
  constructor(code: RecordLogErrorCode, message: string) {
    super(code, message);
  }
  get name(): string {
    return 'RecordLogError';
  }
}

interface Location {
  key: number;
  sector: number;
  offset: number;
  seq: number;
  length: number;
}

type SectorState = 'erased' | 'used' | 'garbage';

interface Sector {
  state: SectorState;
  generation: number;
  /** next append offset, for used sectors */
  writeOffset: number;
  /** a torn header was seen: nothing more is appended here */
  sealed: boolean;
}

export interface MountReport {
  sectors: number;
  usedSectors: number;
  liveRecords: number;
  /** records whose CRC failed: torn appends or torn retires */
  tornRecords: number;
  /** superseded versions retired during mount */
  retiredStale: number;
  /** retired or torn records whose bytes were not all zero yet (a cut retire or append): zeroed during mount */
  zeroedLeftovers: number;
  /** sectors that were neither erased nor valid (a torn erase or header write) */
  garbageSectors: number;
  /** an interrupted compaction was completed */
  finishedCompaction: boolean;
}

export interface LogStats {
  sectors: number;
  sectorSize: number;
  liveRecords: number;
  liveBytes: number;
  freeSectors: number;
  compactions: number;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

function u16(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

function putU16(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 8) & 0xff;
  b[at + 1] = v & 0xff;
}

function putU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

function allZero(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

function allErased(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0xff) return false;
  return true;
}

function headerCheck(h: Uint8Array): number {
  const fields = new Uint8Array(9);
  fields[0] = h[0];
  fields.set(h.subarray(2, 10), 1);
  return crc32(fields) & 0xffff;
}

function dataCheck(h: Uint8Array, data: Uint8Array): number {
  const buf = new Uint8Array(8 + data.length);
  buf.set(h.subarray(2, 10), 0);
  buf.set(data, 8);
  return crc32(buf);
}

export class RecordLog {
  readonly sectorCount: number;
  readonly sectorSize: number;
  /** the largest value a record can hold */
  readonly maxValueSize: number;
  private sectors: Sector[] = [];
  private index = new Map<number, Location>();
  private nextSeq = 1;
  private active = -1;
  private mounted = false;
  compactions = 0;

  constructor(private readonly flash: FlashPort) {
    this.sectorSize = flash.sectorSize;
    this.sectorCount = Math.floor(flash.size / flash.sectorSize);
    if (this.sectorCount < 2) throw new RecordLogError('record-log-corrupt', `a record log needs at least 2 sectors; this region has ${this.sectorCount}`);
    this.maxValueSize = Math.min(0xffff, this.sectorSize - SECTOR_HEADER_SIZE - RECORD_HEADER_SIZE);
  }

  /** Scan the region, rebuild the index and finish whatever a power cut interrupted. */
  mount(): MountReport {
    const report: MountReport = {
      sectors: this.sectorCount, usedSectors: 0, liveRecords: 0, tornRecords: 0, retiredStale: 0, zeroedLeftovers: 0, garbageSectors: 0, finishedCompaction: false,
    };
    this.index = new Map();
    this.sectors = [];
    this.nextSeq = 1;
    const stale: Location[] = [];
    const copies: Location[] = [];
    const leftovers: { at: number; bytes: Uint8Array }[] = [];
    const generationOf = (s: number) => this.sectors[s].generation;
    for (let s = 0; s < this.sectorCount; s++) {
      const sector = this.readSectorHeader(s);
      this.sectors.push(sector);
      if (sector.state === 'garbage') report.garbageSectors++;
      if (sector.state !== 'used') continue;
      report.usedSectors++;
      this.scanSector(s, sector, (loc) => {
        this.nextSeq = Math.max(this.nextSeq, loc.seq + 1);
        const seen = this.index.get(loc.key);
        if (!seen) {
          this.index.set(loc.key, loc);
          return;
        }
        // Equal sequence numbers are the same version copied by a compaction: the newer generation wins,
        // and the older copy stays until the compaction is finished (it may be the only intact one).
        const wins = loc.seq > seen.seq || (loc.seq === seen.seq && generationOf(loc.sector) > generationOf(seen.sector));
        const loser = wins ? seen : loc;
        if (wins) this.index.set(loc.key, loc);
        (loser.seq === (wins ? loc : seen).seq ? copies : stale).push(loser);
      }, () => report.tornRecords++, (at, bytes) => leftovers.push({ at, bytes }));
    }
    this.active = this.newestSector();
    this.mounted = true;
    // A garbage sector (torn erase or torn sector header) holds nothing live: erase it now, so an interrupted
    // reset or compaction leaves no stale bytes behind.
    for (let s = 0; s < this.sectorCount; s++) {
      if (this.sectors[s].state !== 'garbage') continue;
      this.flash.eraseSector(s);
      this.sectors[s] = { state: 'erased', generation: 0, writeOffset: 0, sealed: false };
    }
    for (const loc of stale) {
      this.retire(loc);
      report.retiredStale++;
    }
    // A cut retire (or a torn append) can leave a secret's bytes behind a dead header: finish zeroing them.
    for (const l of leftovers) {
      if (this.sectors[Math.floor(l.at / this.sectorSize)].state !== 'used') continue;
      this.flash.write(l.at, l.bytes);
      report.zeroedLeftovers++;
    }
    if (this.freeSectors().length === 0) {
      if (this.finishCompaction(copies)) return { ...this.mount(), finishedCompaction: true, tornRecords: report.tornRecords };
      report.finishedCompaction = true;
    }
    report.liveRecords = this.index.size;
    return report;
  }

  has(key: number): boolean {
    this.requireMounted();
    return this.index.has(key);
  }

  keys(): number[] {
    this.requireMounted();
    return [...this.index.keys()].sort((a, b) => a - b);
  }

  /** The live value of `key`, read and CRC-checked from flash now; undefined if absent. */
  get(key: number): Uint8Array | undefined {
    this.requireMounted();
    const loc = this.index.get(key);
    if (!loc) return undefined;
    const raw = this.flash.read(loc.sector * this.sectorSize + loc.offset, RECORD_HEADER_SIZE + loc.length);
    const header = raw.subarray(0, RECORD_HEADER_SIZE);
    const data = raw.slice(RECORD_HEADER_SIZE);
    if (header[1] !== LIVE || dataCheck(header, data) !== u32(header, 12)) {
      raw.fill(0);
      throw new RecordLogError('flash-verify', `record ${key} no longer reads back intact from flash`);
    }
    raw.fill(0);
    return data;
  }

  /** Which sector holds `key` (the vault erases the one with the wrapped DEK first). */
  sectorOf(key: number): number | undefined {
    return this.index.get(key)?.sector;
  }

  /** Store a new version of `key`, then retire the old one. */
  set(key: number, value: Uint8Array): void {
    this.requireMounted();
    this.checkKey(key);
    if (value.length > this.maxValueSize) {
      throw new RecordLogError('record-too-large', `record ${key} has ${value.length} bytes; a record holds at most ${this.maxValueSize}`);
    }
    const seq = this.nextSeq++;
    const loc = this.append(key, seq, value);
    // Look the old version up only now: a compaction during the append may have moved it.
    const old = this.index.get(key);
    this.index.set(key, loc);
    if (old) this.retire(old);
  }

  /** Retire every version of `key` in place (its data becomes zeros). Returns whether it existed. */
  delete(key: number): boolean {
    this.requireMounted();
    this.checkKey(key);
    const old = this.index.get(key);
    if (!old) return false;
    this.retire(old);
    this.index.delete(key);
    return true;
  }

  /**
   * Scan the region for dead records (retired, superseded, torn) whose bytes are not all zero. Mount zeroes
   * them, so after a mount this is 0; tests and the power-cut campaign check it.
   */
  leftovers(): number {
    let n = 0;
    for (let s = 0; s < this.sectorCount; s++) {
      if (this.sectors[s]?.state !== 'used') continue;
      const scratch: Sector = { ...this.sectors[s] };
      this.scanSector(s, scratch, () => {}, () => {}, () => n++);
    }
    return n;
  }

  stats(): LogStats {
    let liveBytes = 0;
    for (const loc of this.index.values()) liveBytes += loc.length;
    return {
      sectors: this.sectorCount, sectorSize: this.sectorSize, liveRecords: this.index.size, liveBytes,
      freeSectors: this.freeSectors().length, compactions: this.compactions,
    };
  }

  /**
   * Erase every sector, those listed in `first` before the others, then check that every byte reads 0xFF
   * (erasing once more where one does not). Leaves an empty, mounted log.
   */
  eraseAll(first: number[] = [], onProgress?: (done: number, total: number) => void): void {
    const order = [...new Set([...first, ...Array.from({ length: this.sectorCount }, (_, i) => i)])];
    order.forEach((s, i) => {
      this.flash.eraseSector(s);
      onProgress?.(i + 1, order.length);
    });
    for (let s = 0; s < this.sectorCount; s++) {
      if (allErased(this.flash.read(s * this.sectorSize, this.sectorSize))) continue;
      this.flash.eraseSector(s);
      if (!allErased(this.flash.read(s * this.sectorSize, this.sectorSize))) {
        throw new RecordLogError('flash-verify', `sector ${s} does not read back as erased: the flash may be failing`);
      }
    }
    this.index = new Map();
    this.sectors = Array.from({ length: this.sectorCount }, () => ({ state: 'erased' as SectorState, generation: 0, writeOffset: 0, sealed: false }));
    this.active = -1;
    this.nextSeq = 1;
    this.mounted = true;
  }

  // --- internals ---

  private requireMounted(): void {
    if (!this.mounted) throw new Error('record log used before mount()');
  }

  private checkKey(key: number): void {
    if (!Number.isInteger(key) || key < MIN_KEY || key > MAX_KEY) {
      throw new RecordLogError('bad-key', `record key ${key} is outside ${MIN_KEY}..${MAX_KEY}`);
    }
  }

  private readSectorHeader(s: number): Sector {
    const h = this.flash.read(s * this.sectorSize, SECTOR_HEADER_SIZE);
    if (allErased(h)) {
      // Erased only if the whole sector is: a torn erase can leave the head erased and the tail not.
      const whole = this.flash.read(s * this.sectorSize, this.sectorSize);
      return { state: allErased(whole) ? 'erased' : 'garbage', generation: 0, writeOffset: 0, sealed: false };
    }
    const valid = SECTOR_MAGIC.every((m, i) => h[i] === m) && h[8] === FORMAT_VERSION && crc32(h, 0, 12) === u32(h, 12);
    if (!valid) return { state: 'garbage', generation: 0, writeOffset: 0, sealed: false };
    return { state: 'used', generation: u32(h, 4), writeOffset: SECTOR_HEADER_SIZE, sealed: false };
  }

  private scanSector(s: number, sector: Sector, onLive: (loc: Location) => void, onTorn: () => void, onLeftover: (at: number, bytes: Uint8Array) => void): void {
    const bytes = this.flash.read(s * this.sectorSize, this.sectorSize);
    const base = s * this.sectorSize;
    let offset = SECTOR_HEADER_SIZE;
    while (offset + RECORD_HEADER_SIZE <= this.sectorSize) {
      const h = bytes.subarray(offset, offset + RECORD_HEADER_SIZE);
      if (allErased(h) && allErased(bytes.subarray(offset))) break; // the end of the log in this sector
      const length = this.validHeaderLength(bytes, offset);
      if (length < 0) {
        // A torn or damaged header: its length cannot be trusted. Never append to this sector again, and look
        // for the next intact record (4-byte steps; header check + data CRC make a false match negligible).
        // What lies between is the remains of a torn write: zero it, it may hold part of a secret.
        sector.sealed = true;
        onTorn();
        const next = this.resync(bytes, offset + 4);
        if (!allZero(bytes.subarray(offset, next))) onLeftover(base + offset, new Uint8Array(next - offset));
        offset = next;
        continue;
      }
      const data = bytes.subarray(offset + RECORD_HEADER_SIZE, offset + RECORD_HEADER_SIZE + length);
      if (h[1] === LIVE && dataCheck(h, data) === u32(h, 12)) {
        onLive({ key: u16(h, 2), sector: s, offset, seq: u32(h, 4), length });
      } else {
        if (h[1] === LIVE) onTorn();
        // Retired (or torn): its state byte and data must be zero. A cut retire leaves them half done. The rewrite
        // keeps the header's other bytes as they are (NOR writes only clear bits), so the record stays parseable.
        if (h[1] !== 0 || !allZero(data)) {
          const zeroed = new Uint8Array(RECORD_HEADER_SIZE + length);
          zeroed.set(h, 0);
          zeroed[1] = 0;
          onLeftover(base + offset, zeroed);
        }
      }
      offset += RECORD_HEADER_SIZE + align4(length);
    }
    sector.writeOffset = Math.min(offset, this.sectorSize);
    bytes.fill(0);
  }

  /** The record length if a well-formed record header starts at `offset`, else -1. */
  private validHeaderLength(bytes: Uint8Array, offset: number): number {
    const h = bytes.subarray(offset, offset + RECORD_HEADER_SIZE);
    const length = u16(h, 8);
    const key = u16(h, 2);
    const ok = h[0] === RECORD_MAGIC && headerCheck(h) === u16(h, 10) && length <= this.maxValueSize &&
      offset + RECORD_HEADER_SIZE + align4(length) <= this.sectorSize && key >= MIN_KEY && key <= MAX_KEY;
    return ok ? length : -1;
  }

  private resync(bytes: Uint8Array, from: number): number {
    for (let at = from; at + RECORD_HEADER_SIZE <= this.sectorSize; at += 4) {
      const length = this.validHeaderLength(bytes, at);
      if (length < 0) continue;
      const h = bytes.subarray(at, at + RECORD_HEADER_SIZE);
      if (h[1] !== LIVE || dataCheck(h, bytes.subarray(at + RECORD_HEADER_SIZE, at + RECORD_HEADER_SIZE + length)) === u32(h, 12)) return at;
    }
    return this.sectorSize;
  }

  private newestSector(): number {
    let best = -1;
    for (let s = 0; s < this.sectorCount; s++) {
      const x = this.sectors[s];
      if (x.state === 'used' && (best < 0 || x.generation > this.sectors[best].generation)) best = s;
    }
    return best;
  }

  private oldestSector(except: number): number {
    let best = -1;
    for (let s = 0; s < this.sectorCount; s++) {
      const x = this.sectors[s];
      if (s !== except && x.state === 'used' && (best < 0 || x.generation < this.sectors[best].generation)) best = s;
    }
    return best;
  }

  private freeSectors(): number[] {
    const out: number[] = [];
    for (let s = 0; s < this.sectorCount; s++) if (this.sectors[s].state !== 'used') out.push(s);
    return out;
  }

  private maxGeneration(): number {
    let g = 0;
    for (const x of this.sectors) if (x.state === 'used') g = Math.max(g, x.generation);
    return g;
  }

  private room(s: number): number {
    const x = this.sectors[s];
    return x.state === 'used' && !x.sealed ? this.sectorSize - x.writeOffset : 0;
  }

  /** Erase `s` if it is not clean, and write a sector header with the next generation. */
  private openSector(s: number): void {
    const x = this.sectors[s];
    if (x.state !== 'erased') this.flash.eraseSector(s);
    else if (!allErased(this.flash.read(s * this.sectorSize, this.sectorSize))) this.flash.eraseSector(s);
    const h = new Uint8Array(SECTOR_HEADER_SIZE).fill(0xff);
    h.set(SECTOR_MAGIC, 0);
    putU32(h, 4, this.maxGeneration() + 1);
    h[8] = FORMAT_VERSION;
    putU32(h, 12, crc32(h, 0, 12));
    this.flash.write(s * this.sectorSize, h);
    this.sectors[s] = { state: 'used', generation: u32(h, 4), writeOffset: SECTOR_HEADER_SIZE, sealed: false };
    this.active = s;
  }

  private append(key: number, seq: number, value: Uint8Array): Location {
    const size = RECORD_HEADER_SIZE + align4(value.length);
    this.makeRoom(size);
    const s = this.active;
    const offset = this.sectors[s].writeOffset;
    const record = new Uint8Array(RECORD_HEADER_SIZE + value.length);
    record[0] = RECORD_MAGIC;
    record[1] = LIVE;
    putU16(record, 2, key);
    putU32(record, 4, seq);
    putU16(record, 8, value.length);
    putU16(record, 10, headerCheck(record));
    putU32(record, 12, dataCheck(record, value));
    record.set(value, RECORD_HEADER_SIZE);
    this.sectors[s].writeOffset += size; // even if the write fails, never reuse these bytes
    this.flash.write(s * this.sectorSize + offset, record);
    const back = this.flash.read(s * this.sectorSize + offset, record.length);
    let same = back.length === record.length;
    for (let i = 0; same && i < record.length; i++) same = back[i] === record[i];
    record.fill(0);
    back.fill(0);
    if (!same) throw new RecordLogError('flash-verify', `record ${key} did not read back as written: the flash may be failing`);
    return { key, sector: s, offset, seq, length: value.length };
  }

  /** Make the active sector able to take `size` more bytes, opening or compacting sectors as needed. */
  private makeRoom(size: number): void {
    if (this.active >= 0 && this.room(this.active) >= size) return;
    // Open a fresh sector while that still leaves one spare for compaction.
    const free = this.freeSectors();
    if (free.length >= 2) {
      this.openSector(free.find((s) => this.sectors[s].state === 'erased') ?? free[0]);
      return;
    }
    // Otherwise compact the oldest sectors into the spare until the record fits.
    for (let attempt = 0; attempt < this.sectorCount; attempt++) {
      this.compact();
      if (this.room(this.active) >= size) return;
      if (this.freeSectors().length >= 2) {
        this.openSector(this.freeSectors()[0]);
        return;
      }
    }
    const { liveBytes, liveRecords } = this.stats();
    throw new RecordLogError('record-log-full', `the record log is full: ${liveRecords} live records hold ${liveBytes} bytes of ${this.sectorCount} x ${this.sectorSize}-byte sectors, and a ${size}-byte record does not fit`);
  }

  /** Copy the live records of the oldest sector into the spare (new generation), then erase the oldest. */
  private compact(): void {
    const free = this.freeSectors();
    if (free.length < 1) throw new RecordLogError('record-log-corrupt', 'no spare sector for compaction');
    const victim = this.oldestSector(-1);
    const spare = free[0];
    this.openSector(spare);
    this.moveLiveRecords(victim, spare);
    this.flash.eraseSector(victim);
    this.sectors[victim] = { state: 'erased', generation: 0, writeOffset: 0, sealed: false };
    this.compactions++;
  }

  /**
   * Mount found no spare sector: a compaction was cut after the spare got its header. Its target is the newest
   * sector and its victim the oldest. If the target can take what still lives only in the victim, copy that and
   * erase the victim. If it cannot (a torn copy sealed it), the target holds nothing but copies of records the
   * victim still has intact: erase the target and return true, so mount rescans and compaction starts over.
   */
  private finishCompaction(copies: Location[]): boolean {
    const target = this.newestSector();
    const victim = this.oldestSector(target);
    if (victim < 0) throw new RecordLogError('record-log-corrupt', 'the record log has no spare sector and nothing to compact');
    let needed = 0;
    for (const loc of this.index.values()) if (loc.sector === victim) needed += RECORD_HEADER_SIZE + align4(loc.length);
    if (needed <= this.room(target)) {
      this.active = target;
      this.moveLiveRecords(victim, target);
      this.flash.eraseSector(victim);
      this.sectors[victim] = { state: 'erased', generation: 0, writeOffset: 0, sealed: false };
      this.compactions++;
      return false;
    }
    for (const loc of this.index.values()) {
      if (loc.sector === target && !copies.some((c) => c.key === loc.key && c.seq === loc.seq && c.sector === victim)) {
        throw new RecordLogError('record-log-corrupt', `record ${loc.key} exists only in sector ${target}, which cannot take sector ${victim}'s records: the region is damaged`);
      }
    }
    this.flash.eraseSector(target);
    return true;
  }

  private moveLiveRecords(from: number, to: number): void {
    this.active = to;
    for (const [key, loc] of [...this.index.entries()]) {
      if (loc.sector !== from) continue;
      const value = this.get(key)!;
      const copy = this.append(key, loc.seq, value); // same sequence number: the copy is the same version
      value.fill(0);
      this.index.set(key, copy);
    }
  }

  /** Zero a record's state byte and data in place, in one write. */
  private retire(loc: Location): void {
    const at = loc.sector * this.sectorSize + loc.offset;
    const header = this.flash.read(at, RECORD_HEADER_SIZE);
    const zeroed = new Uint8Array(RECORD_HEADER_SIZE + loc.length);
    zeroed.set(header, 0);
    zeroed[1] = 0;
    this.flash.write(at, zeroed);
  }
}
