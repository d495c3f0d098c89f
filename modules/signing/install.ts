/**
 * Puts the signing apps on the device: the approval flow, the address display, and the asset methods (eth_*,
 * btc_*) registered on the session's RPC server. The device calls it once, from its constructor.
 */
import type { HealthTestedEntropy } from '../entropy/health.js';
import type { LogPort } from '../ports.js';
import { message, type AppContext } from '../app/activity.js';
import type { Navigator } from '../app/navigator.js';
import { registerBtcMethods, type BtcMethodsLoader } from '../protocol/methods/btc.js';
import { registerEthMethods } from '../protocol/methods/eth.js';
import { registerRevealMethod } from '../protocol/methods/reveal.js';
import type { SigningDeps } from '../protocol/methods/signing-deps.js';
import type { RpcServer } from '../protocol/rpc.js';
import { line } from '../ui/screen.js';
import type { Vault } from '../vault/vault.js';
import type { Keyring } from '../wallet/keyring.js';
import { Approvals } from './approval.js';
import type { AntiExfilSigner } from './anti-exfil.js';
import { showAddressActivity } from './show-address.js';

export interface SigningHost {
  ctx: AppContext;
  nav: Navigator;
  log: LogPort;
  vault: Vault;
  keyring: Keyring;
  entropy: HealthTestedEntropy;
  rpc: RpcServer;
  notify(name: string, data: unknown): void;
  deterministicSchnorrForTests?: boolean;
  /** the anti-exfil signer (the device's field, which tests may replace with a hostile double) */
  antiExfilSigner: AntiExfilSigner;
  /** how the btc_* methods' code arrives (default: loaded on the first Bitcoin request; tests hand it over) */
  bitcoin?: BtcMethodsLoader;
}

export function installSigning(h: SigningHost): Approvals {
  const notSigned = (id: string, lines: string[]) => void h.nav.showIfFree(() => message(h.ctx, id, 'Not signed', lines.map((l) => line(l)), () => h.ctx.home(), 'OK', true));
  const refusedByGuard = (why: string) => notSigned('guard-refused', ['A signing request from the app was refused:', why]);
  const approvals = new Approvals(h.ctx, h.nav, h.log, h.notify, h.ctx.guard, refusedByGuard, h.ctx.events, () => h.ctx.wallet.fingerprint, () => h.keyring.generation);
  const deps: SigningDeps = {
    vault: h.vault,
    keyring: h.keyring,
    approvals,
    guard: h.ctx.guard,
    events: h.ctx.events,
    refusedByGuard,
    showAddress: (a, answer) => h.nav.prompt('show-address', () => {
      h.notify('confirm-on-device', { request: a.id });
      return showAddressActivity(h.ctx, a, answer);
    }),
    cancelShown: () => {
      h.nav.cancel('show-address');
      if (/address$/.test(h.nav.current.screen().id)) h.ctx.home();
    },
    refusedBlind: (what) => void h.nav.showIfFree(() => message(h.ctx, 'blind-refused', 'Not signed', [
      line(what), line('Blind signing is off. Turn it on in Menu > Blind signing only if you trust the app and the contract.'),
    ], () => h.ctx.home(), 'OK', true)),
    auxRand: () => (h.deterministicSchnorrForTests ? new Uint8Array(32) : h.entropy.bytes(32)),
    antiExfil: h.antiExfilSigner,
  };
  registerEthMethods(h.rpc, deps);
  registerBtcMethods(h.rpc, deps, h.bitcoin);
  registerRevealMethod(h.rpc, approvals);
  h.rpc.onClose = () => approvals.withdrawReveal('the session ended');
  return approvals;
}
