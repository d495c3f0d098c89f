/**
 * Names and native coins of well-known EVM chains, for the review screens. Unknown chain ids are shown by number
 * (and their coin as "native coin"): nothing is refused for being unknown, the owner sees what it is.
 */
export interface Network {
  name: string;
  symbol: string;
  /** a test network: its coins have no value */
  testnet?: boolean;
}

const NETWORKS: Record<string, Network> = {
  '1': { name: 'Ethereum', symbol: 'ETH' },
  '10': { name: 'OP Mainnet', symbol: 'ETH' },
  '56': { name: 'BNB Smart Chain', symbol: 'BNB' },
  '61': { name: 'Ethereum Classic', symbol: 'ETC' },
  '100': { name: 'Gnosis', symbol: 'xDAI' },
  '137': { name: 'Polygon', symbol: 'POL' },
  '324': { name: 'zkSync Era', symbol: 'ETH' },
  '8453': { name: 'Base', symbol: 'ETH' },
  '42161': { name: 'Arbitrum One', symbol: 'ETH' },
  '43114': { name: 'Avalanche C-Chain', symbol: 'AVAX' },
  '59144': { name: 'Linea', symbol: 'ETH' },
  '17000': { name: 'Holesky testnet', symbol: 'ETH', testnet: true },
  '560048': { name: 'Hoodi testnet', symbol: 'ETH', testnet: true },
  '11155111': { name: 'Sepolia testnet', symbol: 'ETH', testnet: true },
  '84532': { name: 'Base Sepolia testnet', symbol: 'ETH', testnet: true },
};

export function network(chainId: bigint): Network | undefined {
  return NETWORKS[chainId.toString()];
}

/** "Ethereum (chain 1)" or "chain 28945486 (unknown network)". */
export function networkLabel(chainId: bigint): string {
  const n = network(chainId);
  return n ? `${n.name} (chain ${chainId})` : `chain ${chainId} (unknown network)`;
}

export function nativeSymbol(chainId: bigint): string {
  return network(chainId)?.symbol ?? 'native coin';
}
