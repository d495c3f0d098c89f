/**
 * The code of the Bitcoin methods (btc_*), loaded on the first Bitcoin request: methods/btc.ts registers the names
 * at boot, and this module brings @scure/btc-signer with it. BIP84 (wpkh) and BIP86 (tr) accounts on mainnet,
 * testnet and regtest.
 *   btc_get_xpub    {type?, account?, network?}                          -> {xpub, slip132?, fingerprint, path, descriptor}
 *   btc_get_address {type?, account?, change?, index?, network?, show?}  -> {address, path[, confirmed]}
 *   btc_sign_psbt   {psbt: bytes, network?, antiExfil?}                  -> {psbt, signedInputs}
 * Signing goes through the approval flow; the result is the PSBT with this wallet's signatures added, not finalized.
 * With `antiExfil` (host commitments per input: bitcoin/anti-exfil.ts) the answer is {signerCommitments} and the
 * PSBT comes from sign_reveal.
 */
import { LatchError } from '../../errors.js';
import { accountPath, addressPath, descriptor, extendedPublicKey, payment, type AccountType } from '../../bitcoin/accounts.js';
import { networkNamed, type BtcNetwork } from '../../bitcoin/networks.js';
import { planPsbt } from '../../bitcoin/psbt.js';
import { psbtReview } from '../../bitcoin/review.js';
import { signPlan } from '../../bitcoin/sign.js';
import { commitPsbt, psbtCommitments } from '../../bitcoin/anti-exfil.js';
import { formatPath } from '../../wallet/path.js';
import type { MethodTable } from '../on-demand.js';
import { fail, ok, onlyParams, type RpcReply, walletClosed } from '../rpc.js';
import type { SigningDeps } from './signing-deps.js';

function bad(message: string): LatchError {
  return new LatchError('bad-params', message);
}

function typeOf(v: unknown): AccountType {
  if (v === undefined || v === 'wpkh') return 'wpkh';
  if (v === 'tr') return 'tr';
  throw bad('"type" is "wpkh" (BIP84, native segwit) or "tr" (BIP86, taproot)');
}

function small(v: unknown, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= 0x80000000) throw bad(`"${name}" must be a whole number below 2^31`);
  return v;
}

function net(v: unknown): BtcNetwork {
  try {
    return networkNamed(v);
  } catch (err) {
    throw bad((err as Error).message);
  }
}

function guarded(run: () => RpcReply | undefined): RpcReply | undefined {
  try {
    return run();
  } catch (err) {
    if (err instanceof LatchError && (err.code === 'bad-params' || err.code === 'bad-psbt')) return fail(err.code, err.message);
    if (err instanceof LatchError && err.code === 'locked') return fail('locked', 'the device is locked: unlock it with its PIN on the device');
    throw err;
  }
}

export function btcMethods(deps: SigningDeps): MethodTable {
  const { vault, keyring, approvals } = deps;
  const unlocked = (): RpcReply | undefined => walletClosed(vault);
  const methods: MethodTable = {};

  methods.btc_get_xpub = {
    run: (params) => guarded(() => {
      const badParams = onlyParams(params, ['type', 'account', 'network']) ?? unlocked();
      if (badParams) return badParams;
      const type = typeOf(params.type);
      const network = net(params.network);
      const path = accountPath(type, network, small(params.account, 'account', 0));
      const node = keyring.derive(path);
      const xpub = extendedPublicKey(node, network.xpubVersion);
      const fingerprint = keyring.fingerprint.toString(16).padStart(8, '0');
      return ok({
        xpub, ...(type === 'wpkh' ? { slip132: extendedPublicKey(node, network.slip132Version) } : {}),
        fingerprint, path: formatPath(path), descriptor: descriptor(type, keyring.fingerprint, path, xpub),
      });
    }),
  };

  methods.btc_get_address = {
    run: (params, m) => guarded(() => {
      const badParams = onlyParams(params, ['type', 'account', 'change', 'index', 'network', 'show']) ?? unlocked();
      if (badParams) return badParams;
      if (params.change !== undefined && typeof params.change !== 'boolean') return fail('bad-params', '"change" must be true or false');
      if (params.show !== undefined && typeof params.show !== 'boolean') return fail('bad-params', '"show" must be true or false');
      const type = typeOf(params.type);
      const network = net(params.network);
      const path = addressPath(type, network, small(params.account, 'account', 0), params.change === true, small(params.index, 'index', 0));
      const { address } = payment(type, keyring.derive(path).publicKey!, network);
      const result = { address, path: formatPath(path) };
      if (!params.show) return ok(result);
      const answer = m.later(() => deps.cancelShown());
      const outcome = deps.showAddress({
        id: 'btc-address', title: params.change ? 'Change address' : 'Bitcoin address', address,
        display: address.match(/.{1,4}/g)!.join(' '),
        facts: [`${type === 'wpkh' ? 'Native segwit' : 'Taproot'} ${network.name}`, formatPath(path)],
      }, (confirmed) => answer(ok({ ...result, confirmed })));
      if (outcome === 'busy') return fail('busy', 'the owner is using the device and another request is waiting: try again later');
      return undefined;
    }),
  };

  methods.btc_sign_psbt = {
    run: (params, m) => guarded(() => {
      const badParams = onlyParams(params, ['psbt', 'network', 'antiExfil']) ?? unlocked();
      if (badParams) return badParams;
      if (!(params.psbt instanceof Uint8Array)) return fail('bad-params', '"psbt" must be the PSBT as bytes (BIP 174, version 0 or 2)');
      const network = net(params.network);
      const plan = planPsbt(params.psbt.slice(), network, keyring);
      const commitments = psbtCommitments(params.antiExfil, plan);
      return approvals.start({
        check: () => deps.guard.checkBtc(plan, network.name),
        summary: {
          app: m.appLabel, network: network.name, inputs: plan.ours.length, fee: plan.fee.toString(),
          outputs: plan.outputs.map((o) => ({ to: o.address ?? `script ${o.script}`, amount: o.amount.toString() })),
        },
        review: psbtReview(plan, network),
        sign: (progress) => ok({ psbt: signPlan(plan, keyring, deps.auxRand, progress), signedInputs: plan.ours.length }),
        ...(commitments ? { commit: () => commitPsbt(plan, keyring, deps.antiExfil, commitments, deps.auxRand) } : {}),
      }, m.later(() => approvals.cancel()));
    }),
  };
  return methods;
}
