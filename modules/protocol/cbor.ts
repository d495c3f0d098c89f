/**
 * CBOR for the RPC, via cborg. Map keys are left in insertion order (RPC needs no canonical form): cborg's
 * RFC 8949 key sorter assumes the sort never compares an entry with itself, XS's Array.prototype.sort does, and
 * cborg then calls console.warn, which XS does not have (a ReferenceError inside the firmware).
 */
// @ts-ignore mcconfig's tsc cannot see cborg's types (its exports list "import" before "types"); npm run typecheck does
import { decode, encode } from 'cborg';

export function encodeCbor(value: unknown): Uint8Array {
  return encode(value, { mapSorter: undefined });
}

export function decodeCbor(bytes: Uint8Array): unknown {
  return decode(bytes);
}
