/**
 * Ethereum transactions as the app sends them for signing: the unsigned serialization of a legacy (EIP-155, with
 * its chain id), EIP-2930 (type 1) or EIP-1559 (type 2) transaction. Decoded on the device with
 * micro-eth-signer's RLP after an iterative depth check (its decoder recurses, and XS aborts the whole machine on
 * a native stack overflow), then checked field by field, so what the screen shows is exactly what is signed:
 * the signing hash is keccak-256 of the bytes received, which must be canonical (re-encoding them gives them
 * back).
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { RLP } from 'micro-eth-signer/core/rlp.js';
import { concatBytes, toHex } from '../bytes.js';
import { LatchError } from '../errors.js';

export type TxType = 'legacy' | 'eip2930' | 'eip1559';

export interface EthTx {
  type: TxType;
  chainId: bigint;
  nonce: bigint;
  gasLimit: bigint;
  /** legacy and EIP-2930 */
  gasPrice?: bigint;
  /** EIP-1559 */
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  /** lowercase 0x-hex address, or undefined for a contract creation */
  to?: string;
  value: bigint;
  data: Uint8Array;
  accessList: [string, string[]][];
}

type Item = Uint8Array | Item[];

const MAX_RLP_DEPTH = 4; // tx list > access list > entry > storage keys

function bad(message: string): LatchError {
  return new LatchError('bad-tx', message);
}

/** The deepest list nesting in `b`, found without recursion; stops counting past `limit`. */
export function rlpDepth(b: Uint8Array, limit = MAX_RLP_DEPTH): number {
  const ends: number[] = [];
  let deepest = 0;
  for (let at = 0; at < b.length;) {
    while (ends.length && at >= ends[ends.length - 1]) ends.pop();
    const first = b[at];
    let header = 1;
    let len = 0;
    let list = false;
    if (first < 0x80) { header = 1; len = 0; at += 1; continue; }
    if (first < 0xb8) len = first - 0x80;
    else if (first < 0xc0) { header += first - 0xb7; for (let i = 1; i < header; i++) len = len * 256 + (b[at + i] ?? 0); }
    else if (first < 0xf8) { len = first - 0xc0; list = true; }
    else { header += first - 0xf7; for (let i = 1; i < header; i++) len = len * 256 + (b[at + i] ?? 0); list = true; }
    if (list) {
      ends.push(at + header + len);
      deepest = Math.max(deepest, ends.length);
      if (deepest > limit) return deepest;
      at += header;
    } else at += header + len;
  }
  return deepest;
}

function decodeRlp(bytes: Uint8Array): Item {
  if (rlpDepth(bytes) > MAX_RLP_DEPTH) throw bad(`the transaction's RLP is nested deeper than ${MAX_RLP_DEPTH} lists`);
  try {
    return RLP.decode(bytes) as Item;
  } catch (err) {
    throw bad(`malformed RLP: ${(err as Error).message.replace(/^RLP\.decode: /, '')}`);
  }
}

function int(item: Item | undefined, field: string, maxBytes: number): bigint {
  if (!(item instanceof Uint8Array)) throw bad(`${field} must be an integer, not a list`);
  if (item.length > maxBytes) throw bad(`${field} is ${item.length} bytes; at most ${maxBytes}`);
  if (item.length > 0 && item[0] === 0) throw bad(`${field} has a leading zero byte (not canonical)`);
  let v = 0n;
  for (const b of item) v = (v << 8n) | BigInt(b);
  return v;
}

function address(item: Item | undefined, field: string, optional: boolean): string | undefined {
  if (!(item instanceof Uint8Array)) throw bad(`${field} must be an address, not a list`);
  if (item.length === 0 && optional) return undefined;
  if (item.length !== 20) throw bad(`${field} must be 20 bytes${optional ? ' (or empty for a contract creation)' : ''}, not ${item.length}`);
  return `0x${toHex(item)}`;
}

function bytes(item: Item | undefined, field: string): Uint8Array {
  if (!(item instanceof Uint8Array)) throw bad(`${field} must be bytes, not a list`);
  return item.slice();
}

function accessList(item: Item | undefined): [string, string[]][] {
  if (!Array.isArray(item)) throw bad('the access list must be a list');
  if (item.length > 64) throw bad('the access list has more than 64 entries');
  return item.map((entry, i) => {
    if (!Array.isArray(entry) || entry.length !== 2) throw bad(`access list entry ${i} must be [address, [storage keys]]`);
    const keys = entry[1];
    if (!Array.isArray(keys)) throw bad(`access list entry ${i}: storage keys must be a list`);
    return [address(entry[0], `access list entry ${i}`, false)!, keys.map((k, j) => {
      if (!(k instanceof Uint8Array) || k.length !== 32) throw bad(`access list entry ${i}, key ${j}: a storage key is 32 bytes`);
      return `0x${toHex(k)}`;
    })];
  });
}

function fields(list: Item, count: number, what: string): Item[] {
  if (!Array.isArray(list)) throw bad(`${what} must be an RLP list`);
  if (list.length !== count) throw bad(`${what} has ${list.length} fields; it must have ${count}`);
  return list;
}

/** Decode and check an unsigned transaction. Throws LatchError('bad-tx') with the reason. */
export function parseTx(raw: Uint8Array): EthTx {
  if (raw.length === 0) throw bad('the transaction is empty');
  let tx: EthTx;
  if (raw[0] >= 0xc0) {
    const f = fields(decodeRlp(raw), 9, 'a legacy transaction (EIP-155: nonce, gasPrice, gasLimit, to, value, data, chainId, 0, 0)');
    if (int(f[7], 'r', 32) !== 0n || int(f[8], 's', 32) !== 0n) throw bad('an unsigned EIP-155 transaction ends with 0, 0 (this one looks signed)');
    tx = {
      type: 'legacy', nonce: int(f[0], 'nonce', 8), gasPrice: int(f[1], 'gasPrice', 32), gasLimit: int(f[2], 'gasLimit', 8),
      to: address(f[3], 'to', true), value: int(f[4], 'value', 32), data: bytes(f[5], 'data'), chainId: int(f[6], 'chainId', 32), accessList: [],
    };
  } else if (raw[0] === 0x01) {
    const f = fields(decodeRlp(raw.subarray(1)), 8, 'an EIP-2930 transaction');
    tx = {
      type: 'eip2930', chainId: int(f[0], 'chainId', 32), nonce: int(f[1], 'nonce', 8), gasPrice: int(f[2], 'gasPrice', 32),
      gasLimit: int(f[3], 'gasLimit', 8), to: address(f[4], 'to', true), value: int(f[5], 'value', 32), data: bytes(f[6], 'data'), accessList: accessList(f[7]),
    };
  } else if (raw[0] === 0x02) {
    const f = fields(decodeRlp(raw.subarray(1)), 9, 'an EIP-1559 transaction');
    tx = {
      type: 'eip1559', chainId: int(f[0], 'chainId', 32), nonce: int(f[1], 'nonce', 8), maxPriorityFeePerGas: int(f[2], 'maxPriorityFeePerGas', 32),
      maxFeePerGas: int(f[3], 'maxFeePerGas', 32), gasLimit: int(f[4], 'gasLimit', 8), to: address(f[5], 'to', true), value: int(f[6], 'value', 32),
      data: bytes(f[7], 'data'), accessList: accessList(f[8]),
    };
    if (tx.maxPriorityFeePerGas! > tx.maxFeePerGas!) throw bad('maxPriorityFeePerGas is higher than maxFeePerGas');
  } else {
    throw bad(`transaction type 0x${raw[0].toString(16)} is not supported (legacy, 0x01 EIP-2930 and 0x02 EIP-1559 are)`);
  }
  if (tx.chainId === 0n) throw bad('chain id 0 is not a network: the transaction could be replayed anywhere');
  const again = serializeUnsigned(tx);
  if (again.length !== raw.length || again.some((b, i) => b !== raw[i])) throw bad('the transaction is not in canonical form');
  return tx;
}

/** The hash the device signs: keccak-256 of the unsigned serialization. */
export function signingHash(raw: Uint8Array): Uint8Array {
  return keccak_256(raw);
}

/** The most the transaction can cost in fees: maxFeePerGas (or gasPrice) x gasLimit. */
export function maxFee(tx: EthTx): bigint {
  return (tx.maxFeePerGas ?? tx.gasPrice ?? 0n) * tx.gasLimit;
}

function rlpFields(tx: EthTx): unknown[] {
  const to = tx.to ?? '0x';
  const list = tx.accessList.map(([a, keys]) => [a, keys]);
  if (tx.type === 'legacy') return [tx.nonce, tx.gasPrice, tx.gasLimit, to, tx.value, tx.data];
  if (tx.type === 'eip2930') return [tx.chainId, tx.nonce, tx.gasPrice, tx.gasLimit, to, tx.value, tx.data, list];
  return [tx.chainId, tx.nonce, tx.maxPriorityFeePerGas, tx.maxFeePerGas, tx.gasLimit, to, tx.value, tx.data, list];
}

/** The unsigned serialization (apps and tests build requests with it; the device checks it round-trips). */
export function serializeUnsigned(tx: EthTx): Uint8Array {
  if (tx.type === 'legacy') return RLP.encode([...rlpFields(tx), tx.chainId, 0n, 0n] as never);
  return concatBytes(Uint8Array.of(tx.type === 'eip2930' ? 1 : 2), RLP.encode(rlpFields(tx) as never));
}

export interface EthSignature {
  /** EIP-155 v for legacy (35 + 2 chainId + recovery), y-parity (0 or 1) for typed transactions */
  v: bigint;
  r: bigint;
  s: bigint;
}

/** The signed transaction, ready to broadcast. */
export function serializeSigned(tx: EthTx, sig: EthSignature): Uint8Array {
  const tail = [sig.v, sig.r, sig.s];
  if (tx.type === 'legacy') return RLP.encode([...rlpFields(tx), ...tail] as never);
  return concatBytes(Uint8Array.of(tx.type === 'eip2930' ? 1 : 2), RLP.encode([...rlpFields(tx), ...tail] as never));
}

/** EIP-155 v or y-parity from the recovery bit. */
export function signatureV(tx: EthTx, recovery: number): bigint {
  return tx.type === 'legacy' ? tx.chainId * 2n + 35n + BigInt(recovery) : BigInt(recovery);
}
