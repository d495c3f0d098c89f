/**
 * The app side of the device's Ethereum methods: requests built from plain JSON (what wallets and scripts hold),
 * answers as hex. Used by the `latch eth` commands and the ethers adapter (ethers-signer.ts).
 */
import { fromHex, toHex } from '../../modules/bytes.js';
import { serializeUnsigned, signingHash, type EthTx, type TxType } from '../../modules/ethereum/tx.js';
import { personalMessageHash } from '../../modules/ethereum/message.js';
import { utf8Encode } from '../../modules/bytes.js';
import { hostVerify } from '../../modules/signing/anti-exfil.js';
import { checkTypedData, summarizeTypedData } from '../../modules/ethereum/typed-data.js';
import { addressOf } from '../../modules/ethereum/address.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { commitAndReveal, drawEntropy, refuse, type AntiExfilOptions } from './anti-exfil.js';
import type { RpcSession } from './client.js';
import { InputError } from './input-error.js';

/** how long the app waits for the owner on signing requests (the device expires them after 3 minutes) */
export const SIGNING_TIMEOUT_MS = 200_000;

export interface TxJson {
  type?: number | string;
  chainId: number | string;
  nonce?: number | string;
  to?: string | null;
  value?: number | string;
  data?: string;
  gasLimit: number | string;
  gasPrice?: number | string;
  maxFeePerGas?: number | string;
  maxPriorityFeePerGas?: number | string;
  accessList?: { address: string; storageKeys: string[] }[];
}

function int(v: unknown, field: string, fallback?: bigint): bigint {
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw new InputError(`the transaction needs "${field}"`);
  }
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v)) return BigInt(v);
  throw new InputError(`"${field}" must be a whole number (a number, a decimal string or 0x hex), not ${JSON.stringify(v)}`);
}

function txType(j: TxJson): TxType {
  const t = j.type ?? (j.maxFeePerGas !== undefined ? 2 : j.accessList ? 1 : 0);
  if (t === 2 || t === '0x2' || t === 'eip1559') return 'eip1559';
  if (t === 1 || t === '0x1' || t === 'eip2930') return 'eip2930';
  if (t === 0 || t === '0x0' || t === 'legacy') return 'legacy';
  throw new InputError(`transaction type ${JSON.stringify(t)} is not supported (0 legacy, 1 EIP-2930, 2 EIP-1559)`);
}

const shown = (v: unknown) => JSON.stringify(v)?.slice(0, 80);

function address(v: unknown, field: string): string {
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(v)) throw new InputError(`"${field}" must be an address (0x and 40 hex digits), not ${shown(v)}`);
  return v.toLowerCase();
}

function hexBytes(v: unknown, field: string, size?: number): string {
  const re = size === undefined ? /^0x([0-9a-fA-F]{2})*$/ : new RegExp(`^0x[0-9a-fA-F]{${size * 2}}$`);
  if (typeof v !== 'string' || !re.test(v)) throw new InputError(`"${field}" must be ${size === undefined ? 'bytes as 0x and an even number of hex digits' : `${size} bytes as 0x and ${size * 2} hex digits`}, not ${shown(v)}`);
  return v;
}

/** The unsigned serialization the device signs, from JSON fields (or a raw "0x..." unsigned transaction). */
export function unsignedTxFromJson(input: TxJson | string): Uint8Array {
  if (typeof input === 'string') {
    if (!/^0x([0-9a-fA-F]{2})+$/.test(input)) throw new InputError('a raw transaction is 0x and an even number of hex digits');
    return fromHex(input.slice(2));
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new InputError('a transaction is a JSON object of fields (chainId, nonce, to, value, ...) or a raw 0x unsigned transaction');
  const type = txType(input);
  const tx: EthTx = {
    type,
    chainId: int(input.chainId, 'chainId'),
    nonce: int(input.nonce, 'nonce', 0n),
    gasLimit: int(input.gasLimit, 'gasLimit'),
    to: input.to ? address(input.to, 'to') : undefined,
    value: int(input.value, 'value', 0n),
    data: input.data ? fromHex(hexBytes(input.data, 'data').slice(2)) : new Uint8Array(0),
    accessList: accessList(input.accessList),
    ...(type === 'eip1559'
      ? { maxFeePerGas: int(input.maxFeePerGas, 'maxFeePerGas'), maxPriorityFeePerGas: int(input.maxPriorityFeePerGas, 'maxPriorityFeePerGas') }
      : { gasPrice: int(input.gasPrice, 'gasPrice') }),
  };
  return serializeUnsigned(tx);
}

function accessList(list: unknown): [string, string[]][] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new InputError('"accessList" must be a list of {address, storageKeys}');
  return list.map((a, i) => {
    const keys = (a as { storageKeys?: unknown })?.storageKeys ?? [];
    if (!Array.isArray(keys)) throw new InputError(`"accessList[${i}].storageKeys" must be a list`);
    return [address((a as { address?: unknown })?.address, `accessList[${i}].address`), keys.map((k, j) => hexBytes(k, `accessList[${i}].storageKeys[${j}]`, 32))];
  });
}

/** Values as CBOR can carry them to the device: integers beyond 64 bits become decimal strings. */
export function typedDataForDevice(value: unknown): unknown {
  if (typeof value === 'bigint') return value < 2n ** 63n && value > -(2n ** 63n) ? value : value.toString();
  if (Array.isArray(value)) return value.map(typedDataForDevice);
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typedDataForDevice(v)]));
  }
  return value;
}

export interface PathOptions {
  index?: number;
  path?: string;
}

function pathParams(o: PathOptions): Record<string, unknown> {
  return { ...(o.index !== undefined ? { index: o.index } : {}), ...(o.path !== undefined ? { path: o.path } : {}) };
}

/** The public key behind an (r, s, recovery) signature of `digest`, or undefined if none. */
function recovered(digest: Uint8Array, r: Uint8Array, sv: Uint8Array, recovery: number): Uint8Array | undefined {
  try {
    return new secp256k1.Signature(BigInt(`0x${toHex(r)}`), BigInt(`0x${toHex(sv)}`), recovery).recoverPublicKey(digest).toBytes(true);
  } catch {
    return undefined;
  }
}

export class EthApp {
  /** `antiExfil` is on unless `options.antiExfil` is false (hosts/client/anti-exfil.ts) */
  constructor(readonly session: RpcSession, readonly options: AntiExfilOptions = {}) {}

  private get antiExfil(): boolean {
    return this.options.antiExfil !== false;
  }

  /**
   * Sign with anti-exfil: commit, let the owner approve, reveal, then check the nonce of the signature the device
   * made for `digest` (and, for messages, that it recovers to the address the device claims).
   */
  private async signChecked(method: string, params: Record<string, unknown>, digest: () => Uint8Array, sigOf: (result: any) => { r: Uint8Array; s: Uint8Array; recovery: number }, claimed?: (result: any) => string): Promise<any> {
    const { entropy, commitment } = drawEntropy(this.options);
    const { answer, result } = await commitAndReveal(this.session, method, params, commitment, () => entropy, SIGNING_TIMEOUT_MS, this.options);
    const opening = answer.signerCommitment;
    const sig = sigOf(result);
    const pub = recovered(digest(), sig.r, sig.s, sig.recovery);
    if (!pub) refuse(this.options, method, 'the signature does not verify');
    if (claimed && addressOf(pub).toLowerCase() !== claimed(result).toLowerCase()) refuse(this.options, method, 'the signature is not by the address the device names');
    const ok = opening instanceof Uint8Array && hostVerify({ r: BigInt(`0x${toHex(sig.r)}`), s: BigInt(`0x${toHex(sig.s)}`) }, digest(), pub, entropy, opening);
    if (!ok) refuse(this.options, method, 'the signature\'s nonce is not the committed one tweaked by this app\'s entropy');
    return result;
  }

  async getAddress(o: PathOptions & { show?: boolean } = {}): Promise<{ address: string; path: string; confirmed?: boolean }> {
    return this.session.call('eth_get_address', { ...pathParams(o), ...(o.show ? { show: true } : {}) }, o.show ? SIGNING_TIMEOUT_MS : 30_000);
  }

  async getXpub(path?: string): Promise<{ xpub: string; path: string; fingerprint: number }> {
    return this.session.call('eth_get_xpub', path ? { path } : {}, 30_000);
  }

  async signTransaction(tx: TxJson | string | Uint8Array, o: PathOptions = {}): Promise<{ v: bigint; r: string; s: string; signedTx: string }> {
    const raw = tx instanceof Uint8Array ? tx : unsignedTxFromJson(tx);
    const params = { tx: raw, ...pathParams(o) };
    const r = this.antiExfil
      ? await this.signChecked('eth_sign_tx', params, () => signingHash(raw), (x) => ({ r: x.r, s: x.s, recovery: txRecovery(raw, BigInt(x.v)) }))
      : await this.session.call('eth_sign_tx', params, SIGNING_TIMEOUT_MS);
    return { v: BigInt(r.v), r: `0x${toHex(r.r)}`, s: `0x${toHex(r.s)}`, signedTx: `0x${toHex(r.signedTx)}` };
  }

  async signMessage(message: string | Uint8Array, o: PathOptions = {}): Promise<{ signature: string; address: string }> {
    const params = { message, ...pathParams(o) };
    const r = this.antiExfil
      ? await this.signChecked('eth_sign_message', params, () => personalMessageHash(typeof message === 'string' ? utf8Encode(message) : message), rsvParts, (x) => x.address)
      : await this.session.call('eth_sign_message', params, SIGNING_TIMEOUT_MS);
    return { signature: `0x${toHex(r.signature)}`, address: r.address };
  }

  async signTypedData(data: unknown, o: PathOptions = {}): Promise<{ signature: string; address: string; domainHash: string; messageHash?: string }> {
    const params = { data: typedDataForDevice(data), ...pathParams(o) };
    const r = this.antiExfil
      ? await this.signChecked('eth_sign_typed_data', params, () => typedDigest(data), rsvParts, (x) => x.address)
      : await this.session.call('eth_sign_typed_data', params, SIGNING_TIMEOUT_MS);
    return { signature: `0x${toHex(r.signature)}`, address: r.address, domainHash: `0x${toHex(r.domainHash)}`, ...(r.messageHash ? { messageHash: `0x${toHex(r.messageHash)}` } : {}) };
  }
}

/** r, s and the recovery bit of a 65-byte r || s || v answer. */
function rsvParts(x: { signature: Uint8Array }): { r: Uint8Array; s: Uint8Array; recovery: number } {
  return { r: x.signature.subarray(0, 32), s: x.signature.subarray(32, 64), recovery: x.signature[64] - 27 };
}

/** The recovery bit in a transaction's v: y parity for typed transactions, EIP-155 or 27/28 for legacy ones. */
function txRecovery(raw: Uint8Array, v: bigint): number {
  if (raw[0] < 0x7f) return Number(v); // typed: 0 or 1
  return Number(v >= 35n ? (v - 35n) % 2n : v - 27n);
}

/** The EIP-712 digest the app computes itself (the device's own hashes are not trusted for the check). */
function typedDigest(data: unknown): Uint8Array {
  return summarizeTypedData(checkTypedData(typedDataForDevice(data))).digest;
}
