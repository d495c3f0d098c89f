/**
 * What the chain tests share: the board simulator on XS with Trezor's test wallet and a bound app (the CLI's
 * bench), a session of that app for the library under test, anvil with the device's account funded to an exact
 * balance, and the owner's gestures through the control API.
 */
import { startCliBench, type CliBench } from '../cli-bench.js';
import type { DeviceDriver } from '../device-driver.js';
import { startAnvil, type RunningNode } from './node.js';
import { EthApp } from '../../../../hosts/client/eth.js';
import type { LatchClient } from '../../../../hosts/client/client.js';

export const MNEMONIC = 'all all all all all all all all all all all all';
/** m/44'/60'/0'/0/0 of that mnemonic (Trezor's fixtures) */
export const DEVICE_ADDRESS = '0x73d0385F4d8E00C5e6504C6030F47BF6212736A8';
export const START_BALANCE = 10n ** 19n; // 10 ETH, set exactly with anvil_setBalance

export interface ChainRig {
  bench: CliBench;
  d: DeviceDriver;
  node: RunningNode;
  eth: EthApp;
  client: LatchClient;
  stop(): Promise<void>;
}

export async function startChainRig(anvilBin: string, name: string): Promise<ChainRig> {
  const [bench, node] = await Promise.all([startCliBench({ mnemonic: MNEMONIC, label: `${name} dApp`, name }), startAnvil(anvilBin)]);
  try {
    const { client, session } = await bench.openSession();
    await node.rpc('anvil_setBalance', [DEVICE_ADDRESS, `0x${START_BALANCE.toString(16)}`]);
    return {
      bench, d: bench.d, node, client, eth: new EthApp(session),
      async stop() {
        await client.close().catch(() => undefined);
        await Promise.all([bench.stop(), node.stop()]);
      },
    };
  } catch (err) {
    await Promise.all([bench.stop(), node.stop()]);
    throw err;
  }
}

/** The owner turns blind signing on: Menu > Blind signing, a held decision, then back home. */
export async function blindSigningOn(d: DeviceDriver): Promise<void> {
  const s = await d.menuItem('Blind signing');
  if (s.id !== 'blind-signing-on') throw new Error(`expected the blind-signing screen, got ${s.id}`);
  await d.decide('c');
  await d.press('b', true);
}

/**
 * Who signed `digest` according to the node: an eth_call to the ecrecover precompile (address 0x01), so the
 * recovery is the node's own code, not ours or the library's.
 */
export async function recoveredByNode(node: RunningNode, digest: string, signature: string): Promise<string> {
  const sig = signature.slice(2);
  const v = sig.slice(128, 130).padStart(64, '0');
  const data = `0x${digest.slice(2)}${v}${sig.slice(0, 128)}`;
  const out: string = await node.rpc('eth_call', [{ to: '0x0000000000000000000000000000000000000001', data }, 'latest']);
  return `0x${out.slice(-40)}`;
}

/** The EIP-2612 permit the owner signs for the token at `token` (PermitToken.sol: version "1"). */
export function permitTypedData(token: string, name: string, chainId: number, owner: string, spender: string, value: bigint, nonce: bigint, deadline: bigint) {
  return {
    domain: { name, version: '1', chainId, verifyingContract: token },
    types: {
      Permit: [
        { name: 'owner', type: 'address' }, { name: 'spender', type: 'address' }, { name: 'value', type: 'uint256' },
        { name: 'nonce', type: 'uint256' }, { name: 'deadline', type: 'uint256' },
      ],
    },
    primaryType: 'Permit' as const,
    message: { owner, spender, value, nonce, deadline },
  };
}
