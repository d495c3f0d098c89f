/**
 * Bitcoin networks the device signs for: coin type (BIP 44), address prefixes and extended-key versions
 * (xpub/tpub, and SLIP-132 zpub/vpub for BIP84 accounts).
 */
import { NETWORK, TEST_NETWORK } from '@scure/btc-signer/utils.js';

export type NetworkName = 'mainnet' | 'testnet' | 'regtest';

export interface BtcNetwork {
  name: NetworkName;
  /** BIP 44 coin type: 0 mainnet, 1 every test network */
  coin: number;
  /** what @scure/btc-signer needs for addresses */
  params: { bech32: string; pubKeyHash: number; scriptHash: number; wif: number };
  /** BIP 32 version bytes: standard (xpub/tpub) and SLIP-132 for P2WPKH (zpub/vpub) */
  xpubVersion: number;
  xprvVersion: number;
  slip132Version: number;
  slip132Prefix: string;
}

export const NETWORKS: Record<NetworkName, BtcNetwork> = {
  mainnet: { name: 'mainnet', coin: 0, params: NETWORK, xpubVersion: 0x0488b21e, xprvVersion: 0x0488ade4, slip132Version: 0x04b24746, slip132Prefix: 'zpub' },
  testnet: { name: 'testnet', coin: 1, params: TEST_NETWORK, xpubVersion: 0x043587cf, xprvVersion: 0x04358394, slip132Version: 0x045f1cf6, slip132Prefix: 'vpub' },
  regtest: { name: 'regtest', coin: 1, params: { ...TEST_NETWORK, bech32: 'bcrt' }, xpubVersion: 0x043587cf, xprvVersion: 0x04358394, slip132Version: 0x045f1cf6, slip132Prefix: 'vpub' },
};

export function networkNamed(name: unknown): BtcNetwork {
  if (name === undefined) return NETWORKS.mainnet;
  if (name === 'localtest') return NETWORKS.regtest; // Jade's name for regtest
  if (typeof name !== 'string' || !(name in NETWORKS)) throw new Error(`unknown network "${String(name).slice(0, 20)}": mainnet, testnet or regtest`);
  return NETWORKS[name as NetworkName];
}
