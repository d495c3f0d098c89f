/**
 * EIP-712 v4 hashing (encodeType, typeHash, encodeData, hashStruct) for types already checked by typed-data.ts
 * (declared, acyclic). Written here because micro-eth-signer does not export its encoder from its root module;
 * checked against the EIP's own "Mail" example, Trezor's fixtures and ethers' TypedDataEncoder.
 * Recursion follows the data, whose nesting the session's CBOR limits already bound (16 levels).
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { concatBytes, fromHex, utf8Encode } from '../bytes.js';
import { LatchError } from '../errors.js';
import { isPlainObject } from '../plain.js';
import type { Types } from './typed-data.js';

function bad(message: string): LatchError {
  return new LatchError('bad-typed-data', message);
}

function structName(type: string): string {
  const i = type.indexOf('[');
  return i < 0 ? type : type.slice(0, i);
}

/** "Mail(Person from,Person[] to,string contents)Person(string name,address wallet)" */
export function encodeType(types: Types, primary: string): string {
  const deps = new Set<string>();
  const todo = [primary];
  while (todo.length) {
    const t = todo.pop()!;
    for (const f of types[t]) {
      const base = structName(f.type);
      if (types[base] && base !== primary && !deps.has(base)) {
        deps.add(base);
        todo.push(base);
      }
    }
  }
  return [primary, ...[...deps].sort()].map((t) => `${t}(${types[t].map((f) => `${f.type} ${f.name}`).join(',')})`).join('');
}

/** A whole number as the hash reads it (a number, bigint, decimal or 0x string), or undefined. */
export function typedWhole(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?(0|[1-9][0-9]*)$/.test(value)) return BigInt(value);
  if (typeof value === 'string' && /^0x[0-9a-fA-F]{1,64}$/.test(value)) return BigInt(value);
  return undefined;
}

function toBigInt(value: unknown, type: string): bigint {
  const v = typedWhole(value);
  if (v !== undefined) return v;
  throw bad(`a ${type} value must be a whole number (as a number, decimal string or 0x hex), not ${String(value).slice(0, 30)}`);
}

function bytesOf(value: unknown, type: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string' && /^0x([0-9a-fA-F]{2})*$/.test(value)) return fromHex(value.slice(2));
  throw bad(`a ${type} value must be bytes or 0x hex`);
}

function word(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) { out[i] = Number(v & 0xffn); v >>= 8n; }
  return out;
}

function encodeValue(types: Types, type: string, value: unknown): Uint8Array {
  if (type.endsWith(']')) {
    const inner = type.slice(0, type.lastIndexOf('['));
    const fixed = /\[([0-9]+)\]$/.exec(type);
    if (!Array.isArray(value)) throw bad(`a ${type} value must be a list`);
    if (fixed && value.length !== Number(fixed[1])) throw bad(`a ${type} value must have ${fixed[1]} items, not ${value.length}`);
    return keccak_256(concatBytes(...value.map((v) => encodeValue(types, inner, v))));
  }
  if (types[type]) {
    if (value === undefined) return new Uint8Array(32); // an absent struct encodes as zero (eth-sig-util v4)
    return hashStruct(types, type, value);
  }
  if (type === 'string') {
    if (typeof value !== 'string') throw bad('a string value must be text');
    return keccak_256(utf8Encode(value));
  }
  if (type === 'bytes') return keccak_256(bytesOf(value, type));
  if (type === 'bool') {
    if (typeof value !== 'boolean') throw bad('a bool value must be true or false');
    return word(value ? 1n : 0n);
  }
  if (type === 'address') {
    if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(value)) throw bad('an address value must be 0x and 40 hex digits');
    return word(BigInt(value));
  }
  let m = /^bytes([0-9]+)$/.exec(type);
  if (m) {
    const b = bytesOf(value, type);
    if (b.length !== Number(m[1])) throw bad(`a ${type} value must be ${m[1]} bytes, not ${b.length}`);
    const out = new Uint8Array(32);
    out.set(b);
    return out;
  }
  m = /^(u?)int([0-9]*)$/.exec(type);
  if (m) {
    const bits = BigInt(m[2] || 256);
    const v = toBigInt(value, type);
    if (m[1]) {
      if (v < 0n || v >= 1n << bits) throw bad(`${v} does not fit in ${type}`);
      return word(v);
    }
    if (v < -(1n << (bits - 1n)) || v >= 1n << (bits - 1n)) throw bad(`${v} does not fit in ${type}`);
    return word(v < 0n ? (1n << 256n) + v : v);
  }
  throw bad(`unknown type ${type}`);
}

/** hashStruct(s) = keccak(typeHash || encodeData(s)) */
export function hashStruct(types: Types, type: string, value: unknown): Uint8Array {
  if (!isPlainObject(value)) throw bad(`a ${type} value must be a map`);
  const parts: Uint8Array[] = [keccak_256(utf8Encode(encodeType(types, type)))];
  for (const f of types[type]) parts.push(encodeValue(types, f.type, value[f.name]));
  return keccak_256(concatBytes(...parts));
}
