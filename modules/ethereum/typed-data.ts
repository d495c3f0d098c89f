/**
 * EIP-712 v4 typed data on the device. The app sends {types, primaryType, domain, message} as CBOR (already
 * limited to 16 levels and 2048 items, cbor.ts). The device:
 *  1. checks the types: every field type is a base type or a declared struct; struct references form no cycle
 *     (refused: the owner could not review an unbounded structure); the domain and primary type are declared;
 *  2. drops domain and message fields the types do not declare (they are not signed: the screen names them as
 *     not signed), as Trezor's host does; the chain id the guard judges is the one the hash commits to: the
 *     domain's `chainId` only when EIP712Domain declares it with an integer type, else none (valid on every chain);
 *  3. hashes (typed-hash.ts: domain separator, struct hash, 0x1901 digest);
 *  4. lays out the domain and every message field in order, walking nested structs and arrays ("to[1].wallet").
 *     Data with more lines than the screens can reasonably hold is blind: shown as the domain and message hashes,
 *     signable only with "Blind signing" on.
 * Only v4 is supported (Trezor's metamask_v4_compat = false, the older array encoding, is refused).
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { concatBytes, toHex } from '../bytes.js';
import { hashStruct, typedWhole } from './typed-hash.js';
import { LatchError } from '../errors.js';
import { isPlainObject } from '../plain.js';
import { checksummed } from './address.js';
import { networkLabel } from './networks.js';
import { escapeForScreen } from '../ui/escape.js';
import { recognisePermit, type PermitSummary } from './permits.js';

export const MAX_TYPED_LINES = 120;

export interface TypedField { name: string; type: string }
export type Types = Record<string, TypedField[]>;

export interface TypedData {
  types: Types;
  primaryType: string;
  domain: Record<string, unknown>;
  message: Record<string, unknown>;
}

export interface TypedSummary {
  domainHash: Uint8Array;
  /** undefined when the primary type is the domain itself */
  messageHash?: Uint8Array;
  digest: Uint8Array;
  /** lines for the domain, then for the message */
  domainLines: string[];
  messageLines: string[];
  /** too many lines to show: blind */
  blind: boolean;
  droppedFields: number;
  /** what a recognised token permit grants (permits.ts), shown before the fields */
  permit?: PermitSummary;
  /** the first few dropped fields, as "domain.chainId", "message.extra" */
  droppedNames: string[];
  /** the chain id the signature commits to (declared in EIP712Domain with an integer type), or undefined: none */
  chainId?: bigint;
}

const MAX_DROPPED_NAMES = 6;

function bad(message: string): LatchError {
  return new LatchError('bad-typed-data', message);
}

const ATOMIC = /^(address|bool|string|bytes|bytes([1-9]|[12][0-9]|3[0-2])|u?int(8|16|24|32|40|48|56|64|72|80|88|96|104|112|120|128|136|144|152|160|168|176|184|192|200|208|216|224|232|240|248|256)?)$/;

/** "Person[2][]" -> { base: "Person", arrays: 2 } */
function baseOf(type: string): { base: string; arrays: number } {
  const m = /^([A-Za-z_$][A-Za-z0-9_$]*)((?:\[[0-9]*\])*)$/.exec(type);
  if (!m) throw bad(`"${type.slice(0, 40)}" is not an EIP-712 type`);
  return { base: m[1], arrays: (m[2].match(/\[/g) ?? []).length };
}

function elementType(type: string): string {
  return type.slice(0, type.lastIndexOf('['));
}

/** Parse and check the request's shape and types. */
export function checkTypedData(input: unknown): TypedData {
  if (!isPlainObject(input)) throw bad('typed data is a map {types, primaryType, domain, message}');
  const { types, primaryType, domain, message } = input;
  if (!isPlainObject(types)) throw bad('"types" must be a map of struct names to field lists');
  if (typeof primaryType !== 'string') throw bad('"primaryType" must be a string');
  if (!isPlainObject(domain)) throw bad('"domain" must be a map');
  if (!isPlainObject(message)) throw bad('"message" must be a map');
  const checked: Types = {};
  for (const [name, fields] of Object.entries(types)) {
    if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name)) throw bad(`"${name.slice(0, 40)}" is not a struct name`);
    if (!Array.isArray(fields)) throw bad(`the fields of ${name} must be a list`);
    checked[name] = fields.map((f, i) => {
      if (!isPlainObject(f) || typeof f.name !== 'string' || typeof f.type !== 'string') throw bad(`${name} field ${i} must be {name, type}`);
      return { name: f.name, type: f.type };
    });
  }
  if (!checked.EIP712Domain) throw bad('the types do not declare EIP712Domain');
  if (!checked[primaryType]) throw bad(`the primary type "${primaryType.slice(0, 40)}" is not declared`);
  // Every field type is a base type or a declared struct; struct references form no cycle.
  for (const [name, fields] of Object.entries(checked)) {
    for (const f of fields) {
      const { base } = baseOf(f.type);
      if (!ATOMIC.test(base) && !checked[base]) throw bad(`${name}.${f.name} has type "${f.type.slice(0, 40)}", which is not declared`);
    }
  }
  const state = new Map<string, 'open' | 'done'>();
  for (const start of Object.keys(checked)) {
    if (state.get(start) === 'done') continue;
    // Iterative depth-first search; a struct met again while open is a cycle.
    const stack: { name: string; next: number; path: string[] }[] = [{ name: start, next: 0, path: [start] }];
    state.set(start, 'open');
    while (stack.length) {
      const top = stack[stack.length - 1];
      const fields = checked[top.name];
      if (top.next >= fields.length) {
        state.set(top.name, 'done');
        stack.pop();
        continue;
      }
      const { base } = baseOf(fields[top.next++].type);
      if (!checked[base]) continue;
      if (state.get(base) === 'open') throw bad(`the types form a cycle: ${[...top.path, base].join(' -> ')}`);
      if (state.get(base) === 'done') continue;
      state.set(base, 'open');
      stack.push({ name: base, next: 0, path: [...top.path, base] });
    }
  }
  return { types: checked, primaryType, domain, message };
}

interface Dropped { n: number; names: string[] }

/** Copy `value` keeping only declared fields (recursing through structs and arrays); counts and names what was dropped. */
function declaredOnly(types: Types, type: string, value: unknown, dropped: Dropped, at: string): unknown {
  if (type.endsWith(']')) {
    if (!Array.isArray(value)) throw bad(`expected a list for type ${type}`);
    return value.map((v, i) => declaredOnly(types, elementType(type), v, dropped, `${at}[${i}]`));
  }
  const fields = types[type];
  if (!fields) return value;
  if (!isPlainObject(value)) throw bad(`expected a map for struct ${type}`);
  const out: Record<string, unknown> = {};
  const known = new Set(fields.map((f) => f.name));
  for (const k of Object.keys(value)) {
    if (known.has(k)) continue;
    dropped.n++;
    if (dropped.names.length < MAX_DROPPED_NAMES) dropped.names.push(`${at}.${escapeForScreen(k.slice(0, 40))}`);
  }
  for (const f of fields) if (value[f.name] !== undefined) out[f.name] = declaredOnly(types, f.type, value[f.name], dropped, `${at}.${f.name}`);
  return out;
}

const INTEGER = /^u?int[0-9]*$/;

function show(type: string, value: unknown): string {
  if (value === undefined) return '(absent: zero)';
  if (type === 'address' && typeof value === 'string' && /^0x[0-9a-fA-F]{40}$/.test(value)) return checksummed(value.toLowerCase());
  // an integer as the number the hash signs (an app may send 0x10 for 16)
  if (INTEGER.test(type) && typedWhole(value) !== undefined) return typedWhole(value)!.toString();
  if (type === 'string' && typeof value === 'string') return `"${escapeForScreen(value)}"`;
  if (value instanceof Uint8Array) return `0x${toHex(value)}`;
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value.startsWith('0x') ? value : escapeForScreen(value);
  return String(value);
}

function walk(types: Types, type: string, value: unknown, label: string, out: string[], budget: number): void {
  if (out.length > budget) return;
  if (type.endsWith(']')) {
    const items = Array.isArray(value) ? value : [];
    out.push(`${label}: ${items.length} item${items.length === 1 ? '' : 's'}`);
    items.forEach((v, i) => walk(types, elementType(type), v, `${label}[${i}]`, out, budget));
    return;
  }
  const fields = types[type];
  if (fields) {
    if (value === undefined) { out.push(`${label}: (absent)`); return; }
    for (const f of fields) walk(types, f.type, (value as Record<string, unknown>)[f.name], label ? `${label}.${f.name}` : f.name, out, budget);
    return;
  }
  out.push(`${label}: ${show(type, value)}`);
}

/** Hash and lay out checked typed data. */
export function summarizeTypedData(t: TypedData): TypedSummary {
  const dropped: Dropped = { n: 0, names: [] };
  const domain = declaredOnly(t.types, 'EIP712Domain', t.domain, dropped, 'domain') as Record<string, unknown>;
  const message = t.primaryType === 'EIP712Domain' ? {} : declaredOnly(t.types, t.primaryType, t.message, dropped, 'message') as Record<string, unknown>;
  const domainHash = hashStruct(t.types, 'EIP712Domain', domain);
  const messageHash = t.primaryType === 'EIP712Domain' ? undefined : hashStruct(t.types, t.primaryType, message);
  const digest = keccak_256(concatBytes(Uint8Array.of(0x19, 0x01), domainHash, messageHash ?? new Uint8Array(0)));
  // The chain the signature commits to: a declared chainId, given as a number or a decimal or 0x string.
  const chainField = t.types.EIP712Domain.find((f) => f.name === 'chainId' && INTEGER.test(f.type));
  const chainId = chainField ? typedWhole(domain.chainId) : undefined;
  const domainLines: string[] = [];
  for (const f of t.types.EIP712Domain) {
    const v = domain[f.name];
    if (v === undefined) continue;
    domainLines.push(f === chainField && chainId !== undefined ? `chainId: ${networkLabel(chainId)}` : `${f.name}: ${show(f.type, v)}`);
  }
  if (chainId === undefined) domainLines.push('No chain id is signed: valid on every chain.');
  const messageLines: string[] = [];
  if (t.primaryType !== 'EIP712Domain') walk(t.types, t.primaryType, message, '', messageLines, MAX_TYPED_LINES);
  const permit = t.primaryType === 'EIP712Domain' ? undefined : recognisePermit(t.types, t.primaryType, domain, message, chainId);
  return {
    domainHash, messageHash, digest, domainLines, messageLines, blind: messageLines.length > MAX_TYPED_LINES,
    droppedFields: dropped.n, droppedNames: dropped.names, ...(permit ? { permit } : {}), ...(chainId !== undefined ? { chainId } : {}),
  };
}
