/**
 * What a transaction's data asks a contract to do, as far as the device can tell on its own: ERC-20 `transfer`
 * and `approve` are decoded (token, recipient or spender, amount; an unlimited approval is flagged). Anything
 * else is blind data: size, selector and Keccak hash, signable only with "Blind signing" on (Ledger's rule).
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { toHex } from '../bytes.js';

export type Call =
  | { kind: 'none' }
  | { kind: 'erc20-transfer'; recipient: string; amount: bigint }
  | { kind: 'erc20-approve'; spender: string; amount: bigint; unlimited: boolean }
  | { kind: 'blind'; size: number; selector: string; hash: string };

const TRANSFER = 'a9059cbb';
const APPROVE = '095ea7b3';
const MAX_UINT256 = (1n << 256n) - 1n;

function word(data: Uint8Array, i: number): Uint8Array {
  return data.subarray(4 + 32 * i, 4 + 32 * (i + 1));
}

function wordAddress(w: Uint8Array): string | undefined {
  for (let i = 0; i < 12; i++) if (w[i] !== 0) return undefined; // not a clean address word
  return `0x${toHex(w.subarray(12))}`;
}

function wordInt(w: Uint8Array): bigint {
  let v = 0n;
  for (const b of w) v = (v << 8n) | BigInt(b);
  return v;
}

export function decodeCall(data: Uint8Array): Call {
  if (data.length === 0) return { kind: 'none' };
  const selector = data.length >= 4 ? toHex(data.subarray(0, 4)) : toHex(data);
  // Exactly two words after the selector: anything longer or shorter is not a plain ERC-20 call.
  if (data.length === 68 && (selector === TRANSFER || selector === APPROVE)) {
    const who = wordAddress(word(data, 0));
    const amount = wordInt(word(data, 1));
    if (who && selector === TRANSFER) return { kind: 'erc20-transfer', recipient: who, amount };
    if (who) return { kind: 'erc20-approve', spender: who, amount, unlimited: amount === MAX_UINT256 };
  }
  return { kind: 'blind', size: data.length, selector: `0x${selector}`, hash: `0x${toHex(keccak_256(data))}` };
}
