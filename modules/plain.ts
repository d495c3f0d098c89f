/** Shapes of decoded CBOR values, shared by the RPC server and the request parsers. */

/** A CBOR map decoded as a plain object (not an array, byte string or Map). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Map);
}
