/**
 * Ethereum addresses: from a public key (keccak-256 of the uncompressed point, last 20 bytes) and EIP-55
 * checksummed text. Written out here (a few lines over noble) because micro-eth-signer exports its address
 * helpers only from its root module, which also loads its whole transaction stack.
 */
import { secp256k1 } from '../crypto/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { toHex, utf8Encode } from '../bytes.js';

/** EIP-55 form of an address given in any case, with or without 0x. */
export function checksummed(address: string): string {
  const lower = address.toLowerCase().replace(/^0x/, '');
  if (!/^[0-9a-f]{40}$/.test(lower)) throw new Error(`not an address: ${address.slice(0, 50)}`);
  const hash = toHex(keccak_256(utf8Encode(lower)));
  let out = '0x';
  for (let i = 0; i < 40; i++) out += parseInt(hash[i], 16) >= 8 ? lower[i].toUpperCase() : lower[i];
  return out;
}

/** EIP-55 address of a secp256k1 public key (compressed or not). */
export function addressOf(publicKey: Uint8Array): string {
  const point = secp256k1.Point.fromBytes(publicKey).toBytes(false);
  return checksummed(toHex(keccak_256(point.subarray(1)).subarray(12)));
}

/** "0x 1234 5678 9AbC ..." for a narrow screen: groups of four after 0x, so the owner compares in chunks. */
export function grouped(address: string): string {
  const body = address.slice(2);
  const groups: string[] = [];
  for (let i = 0; i < body.length; i += 4) groups.push(body.slice(i, i + 4));
  return `0x ${groups.join(' ')}`;
}
