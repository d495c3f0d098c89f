// Steps the passphrase-wallet attacker and per-wallet policy tests share: an EIP-1559 transaction, leaving the
// result screens, switching wallets from the app (the PIN holder presses Use), and signing through the app.
import { serializeUnsigned, type EthTx } from '../../../modules/ethereum/tx.js';
import type { AppPeer } from './app-peer.js';
import type { DeviceRig } from './device-rig.js';

export const TO = '0x1d1c328764a41bda0492b66baa30c4a339ff85ef';
export const ETH = 10n ** 18n;

export const tx = (value: bigint, over: Partial<EthTx> = {}): Uint8Array => serializeUnsigned({ type: 'eip1559', chainId: 1n, nonce: 0n, maxPriorityFeePerGas: 1n, maxFeePerGas: 10n ** 9n, gasLimit: 21_000n, to: TO, value, data: new Uint8Array(0), accessList: [], ...over });

/** Press past the screens a signature or a switch ends on. */
export function dismiss(rig: DeviceRig): void {
  for (let i = 0; i < 10 && ['guard-refused', 'eth-tx-done', 'passphrase-in-use', 'error'].includes(rig.d.screen.id); i++) {
    rig.waitArmed();
    rig.press('b');
  }
}

/** The app opens the wallet behind `passphrase`; the PIN holder presses Use. */
export function switchTo(rig: DeviceRig, app: AppPeer, passphrase: string): string {
  app.ask('wallet_use_passphrase', { passphrase });
  rig.decide('c', false);
  const r = app.answer();
  if (!r.result) throw new Error(`not switched: ${JSON.stringify(r.error)}`);
  return r.result.fingerprint;
}

/** eth_sign_tx for `value` wei, approved on the device; the immediate answer if it was refused at once. */
export function sign(rig: DeviceRig, app: AppPeer, value: bigint): any {
  const first = app.ask('eth_sign_tx', { tx: tx(value) }) as any[];
  const now = first.find((r) => r.id !== undefined);
  if (now) { dismiss(rig); return now; }
  rig.readReview(60);
  rig.decide('c');
  const answer = app.answer();
  dismiss(rig);
  return answer;
}
