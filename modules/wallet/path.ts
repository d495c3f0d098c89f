/**
 * BIP32 paths: "m/44'/60'/0'/0/0" (or h for hardened) <-> index arrays. At most 10 levels; every index below 2^31,
 * hardened ones with the 2^31 bit. Parsing is strict: a malformed path is a clear error, never a guess.
 */
import { LatchError } from '../errors.js';

export const HARDENED = 0x80000000;
export const MAX_DEPTH = 10;

export function parsePath(path: unknown): number[] {
  if (Array.isArray(path)) {
    if (path.length > MAX_DEPTH) throw bad(`a path has at most ${MAX_DEPTH} levels`);
    for (const i of path) if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i > 0xffffffff) throw bad('path indexes are whole numbers from 0 to 2^32-1');
    return path.slice();
  }
  if (typeof path !== 'string' || path.length > 100) throw bad('a path is a string like "m/44\'/60\'/0\'/0/0"');
  const parts = path.split('/');
  if (parts[0] !== 'm') throw bad(`a path starts with "m/", not "${path.slice(0, 20)}"`);
  if (parts.length - 1 > MAX_DEPTH) throw bad(`a path has at most ${MAX_DEPTH} levels`);
  return parts.slice(1).map((p) => {
    const m = /^(0|[1-9][0-9]{0,9})(['hH]?)$/.exec(p);
    if (!m) throw bad(`"${p.slice(0, 12)}" is not a path level (a number, with ' or h when hardened)`);
    const n = Number(m[1]);
    if (n >= HARDENED) throw bad(`path index ${n} is too large (below 2^31, then ' for hardened)`);
    return m[2] ? n + HARDENED : n;
  });
}

export function formatPath(path: number[]): string {
  return ['m', ...path.map((i) => (i >= HARDENED ? `${i - HARDENED}'` : String(i)))].join('/');
}

export function hardened(i: number): number {
  return i + HARDENED;
}

/** Whether `path` starts with `prefix` (both index arrays). */
export function startsWith(path: number[], prefix: number[]): boolean {
  return prefix.length <= path.length && prefix.every((v, i) => path[i] === v);
}

function bad(message: string): LatchError {
  return new LatchError('bad-path', message);
}
