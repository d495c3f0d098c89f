/**
 * The Bitcoin methods' names, registered at boot; their code (methods/btc-methods.ts, with @scure/btc-signer)
 * loads on the first Bitcoin request. btc-signer builds its PSBT coders when its modules load: about 430 KB of XS
 * memory (npm run memory:breakdown) that a device used only for Ethereum, or only for binding and unlocking, never
 * pays. The first request waits for the load as the request in flight (protocol/on-demand.ts).
 */
import { registerOnDemand, type MethodTable } from '../on-demand.js';
import type { RpcServer } from '../rpc.js';
import type { SigningDeps } from './signing-deps.js';

export const BTC_METHOD_NAMES = ['btc_get_xpub', 'btc_get_address', 'btc_sign_psbt'] as const;

/** Makes the Bitcoin methods for these deps: at once (tests) or once their modules have loaded. */
export type BtcMethodsLoader = (deps: SigningDeps) => MethodTable | Promise<MethodTable>;

/** The firmware's loader: a dynamic import, so no build loads btc-signer at boot (scripts/firmware-graph.mjs). */
export const loadBtcMethods: BtcMethodsLoader = (deps) => import('./btc-methods.js').then((m) => m.btcMethods(deps));

export function registerBtcMethods(rpc: RpcServer, deps: SigningDeps, load: BtcMethodsLoader = loadBtcMethods): void {
  registerOnDemand(rpc, BTC_METHOD_NAMES, () => load(deps));
}
