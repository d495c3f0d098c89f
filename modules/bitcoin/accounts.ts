/**
 * Single-key accounts: BIP84 (P2WPKH, m/84'/c'/a') and BIP86 (P2TR key path, m/86'/c'/a'). Addresses are
 * m/purpose'/c'/a'/change/index. Exports for watch-only wallets: the account xpub (and the SLIP-132 zpub/vpub
 * form for BIP84), the master fingerprint, and a Bitcoin Core descriptor with its checksum:
 *   wpkh([59d1f3b0/84h/0h/0h]xpub.../<0;1>/*)#checksum     tr([59d1f3b0/86h/0h/0h]xpub.../<0;1>/*)#checksum
 */
import { HDKey } from '@scure/bip32';
import { p2tr, p2wpkh } from '@scure/btc-signer/payment.js';
import { HARDENED, hardened } from '../wallet/path.js';
import type { BtcNetwork } from './networks.js';

export type AccountType = 'wpkh' | 'tr';

export const PURPOSE: Record<AccountType, number> = { wpkh: 84, tr: 86 };

export function accountPath(type: AccountType, network: BtcNetwork, account: number): number[] {
  return [hardened(PURPOSE[type]), hardened(network.coin), hardened(account)];
}

export function addressPath(type: AccountType, network: BtcNetwork, account: number, change: boolean, index: number): number[] {
  return [...accountPath(type, network, account), change ? 1 : 0, index];
}

/** The output script and address a key makes for an account type. */
export function payment(type: AccountType, publicKey: Uint8Array, network: BtcNetwork): { script: Uint8Array; address: string } {
  const p = type === 'wpkh' ? p2wpkh(publicKey, network.params) : p2tr(publicKey.subarray(1), undefined, network.params);
  return { script: p.script, address: p.address! };
}

/** The account node's public key as an extended key with other version bytes (xpub, tpub, zpub, vpub). */
export function extendedPublicKey(node: HDKey, version: number): string {
  return new HDKey({ versions: { private: 0, public: version }, depth: node.depth, index: node.index, parentFingerprint: node.parentFingerprint, chainCode: node.chainCode!, publicKey: node.publicKey! }).publicExtendedKey;
}

function pathText(path: number[]): string {
  return path.map((i) => (i >= HARDENED ? `${i - HARDENED}h` : String(i))).join('/');
}

/** BIP 380 descriptor checksum. */
export function descriptorChecksum(desc: string): string {
  const INPUT = '0123456789()[],\'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~ijklmnopqrstuvwxyzABCDEFGH`#"\\ ';
  const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
  const polymod = (c: bigint, val: number): bigint => {
    const c0 = c >> 35n;
    c = ((c & 0x7ffffffffn) << 5n) ^ BigInt(val);
    if (c0 & 1n) c ^= 0xf5dee51989n;
    if (c0 & 2n) c ^= 0xa9fdca3312n;
    if (c0 & 4n) c ^= 0x1bab10e32dn;
    if (c0 & 8n) c ^= 0x3706b1677an;
    if (c0 & 16n) c ^= 0x644d626ffdn;
    return c;
  };
  let c = 1n;
  let cls = 0;
  let clscount = 0;
  for (const ch of desc) {
    const pos = INPUT.indexOf(ch);
    if (pos < 0) throw new Error(`descriptor character "${ch}" has no checksum class`);
    c = polymod(c, pos & 31);
    cls = cls * 3 + (pos >> 5);
    if (++clscount === 3) { c = polymod(c, cls); cls = 0; clscount = 0; }
  }
  if (clscount > 0) c = polymod(c, cls);
  for (let i = 0; i < 8; i++) c = polymod(c, 0);
  c ^= 1n;
  let out = '';
  for (let i = 0; i < 8; i++) out += CHARSET[Number((c >> (5n * BigInt(7 - i))) & 31n)];
  return out;
}

/** "wpkh([fp/84h/0h/0h]xpub/<0;1>/*)#checksum" for receive and change. */
export function descriptor(type: AccountType, fingerprint: number, path: number[], xpub: string): string {
  const body = `${type}([${fingerprint.toString(16).padStart(8, '0')}/${pathText(path)}]${xpub}/<0;1>/*)`;
  return `${body}#${descriptorChecksum(body)}`;
}
