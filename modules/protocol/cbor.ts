/**
 * CBOR for the session RPC, via cborg, behind limits checked before any recursion: a peer's message is scanned
 * iteratively first (nesting depth, item count, declared lengths within the message, no indefinite lengths, no
 * tags, only the simple values we use), and only then decoded, with duplicate map keys refused. A bound app (or
 * a stolen app key) therefore cannot overflow the device's stack, which on the ESP32 is four times smaller than
 * the desktop's: XS aborts the whole machine on a native stack overflow rather than throwing.
 *
 * Map keys are left in insertion order when encoding (RPC needs no canonical form): cborg's RFC 8949 key sorter
 * assumes the sort never compares an entry with itself, XS's Array.prototype.sort does, and cborg then calls
 * console.warn, which XS does not have (a ReferenceError inside the firmware).
 */
// @ts-ignore mcconfig's tsc cannot see cborg's types (its exports list "import" before "types"); npm run typecheck does
import { decode, encode } from 'cborg';
import { LatchError } from '../errors.js';

export interface CborLimits {
  maxDepth: number;
  maxItems: number;
}

export const SESSION_CBOR_LIMITS: CborLimits = { maxDepth: 16, maxItems: 2048 };

export function encodeCbor(value: unknown): Uint8Array {
  return encode(value, { mapSorter: undefined });
}

/** Decode trusted CBOR (our own records, the app side's view of device answers). */
export function decodeCbor(bytes: Uint8Array): unknown {
  return decode(bytes);
}

function refuse(message: string): LatchError {
  return new LatchError('bad-cbor', message);
}

/** Check the structure of one CBOR item filling `b` exactly, without recursion. Throws LatchError('bad-cbor'). */
export function checkCbor(b: Uint8Array, limits: CborLimits = SESSION_CBOR_LIMITS): void {
  let at = 0;
  let items = 0;
  const open: number[] = []; // items still expected in each open array or map, innermost last
  let done = false;
  while (!done) {
    if (at >= b.length) throw refuse('the CBOR data ends in the middle of an item');
    const initial = b[at++];
    const major = initial >> 5;
    const info = initial & 31;
    if (++items > limits.maxItems) throw refuse(`more than ${limits.maxItems} CBOR items`);
    let arg = info;
    if (info === 31) throw refuse('indefinite-length CBOR items are not accepted');
    if (info >= 28) throw refuse(`reserved CBOR additional information ${info}`);
    if (info >= 24) {
      const size = 1 << (info - 24);
      if (at + size > b.length) throw refuse('the CBOR data ends in the middle of a length');
      arg = 0;
      for (let i = 0; i < size; i++) arg = arg * 256 + b[at + i];
      at += size;
    }
    let children = 0;
    switch (major) {
      case 0: case 1: break;
      case 2: case 3:
        if (arg > b.length - at) throw refuse(`a CBOR string declares ${arg} bytes; only ${b.length - at} follow`);
        at += arg;
        break;
      case 4: case 5:
        children = major === 4 ? arg : arg * 2;
        if (children > b.length - at) throw refuse(`a CBOR ${major === 4 ? 'array' : 'map'} declares ${arg} entries; the data is too short for them`);
        break;
      case 6: throw refuse('CBOR tags are not accepted');
      default: // 7: false, true, null and floats only
        if (!(info >= 20 && info <= 22) && !(info >= 25 && info <= 27)) throw refuse(`the CBOR simple value ${info === 24 ? 'with a following byte' : info} is not accepted`);
    }
    if (children > 0) {
      if (open.length >= limits.maxDepth) throw refuse(`CBOR nested deeper than ${limits.maxDepth}`);
      open.push(children);
      continue;
    }
    // One item finished: count it off its container, closing every container it completes.
    for (;;) {
      if (open.length === 0) { done = true; break; }
      if (--open[open.length - 1] > 0) break;
      open.pop();
    }
  }
  if (at !== b.length) throw refuse(`${b.length - at} bytes follow the CBOR item`);
}

/** Decode a peer's CBOR: structure checked first, then decoded with duplicate keys refused. */
export function decodePeerCbor(bytes: Uint8Array, limits: CborLimits = SESSION_CBOR_LIMITS): unknown {
  checkCbor(bytes, limits);
  try {
    return decode(bytes, { rejectDuplicateMapKeys: true, allowIndefinite: false, allowUndefined: false, useMaps: false });
  } catch (err) {
    throw refuse(`malformed CBOR: ${(err as Error).message}`);
  }
}
