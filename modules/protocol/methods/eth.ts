/**
 * Ethereum methods of the session (names: eth_*). Each needs the bound app's session (given) and an unlocked
 * device; signing goes through the approval flow (signing/approval.ts) and answers once the owner decided.
 *   eth_get_address   {path? | index?, show?}   -> {address, path[, confirmed]}
 *   eth_get_xpub      {path?}                   -> {xpub, path, fingerprint}
 *   eth_sign_tx       {tx: bytes, path?}        -> {v (decimal string), r, s (32 bytes each), signedTx}
 *   eth_sign_message  {message: bytes|text, path?} -> {signature (65: r||s||v), address}
 *   eth_sign_typed_data {data: {types, primaryType, domain, message}, path?} -> {signature, address, domainHash, messageHash?}
 * Each signing method takes `antiExfil` (a 32-byte host commitment): then, once the owner approved, it answers
 * {signerCommitment} and the signature comes from sign_reveal (reveal.ts, signing/anti-exfil.ts).
 */
import { LatchError } from '../../errors.js';
import { utf8Encode, wipe } from '../../bytes.js';
import { addressOf, grouped } from '../../ethereum/address.js';
import { decodeCall } from '../../ethereum/calldata.js';
import { displayMessage, messageShape, personalMessageHash } from '../../ethereum/message.js';
import { messageReview, txReview, typedReview } from '../../ethereum/review.js';
import { bigIntBytes, rsv, signDigest } from '../../ethereum/sign.js';
import { parseTx, serializeSigned, signatureV, signingHash, type EthTx } from '../../ethereum/tx.js';
import type { Call } from '../../ethereum/calldata.js';
import { checkTypedData, summarizeTypedData } from '../../ethereum/typed-data.js';
import { formatPath, hardened, parsePath, startsWith } from '../../wallet/path.js';
import { fail, ok, onlyParams, type RpcReply, type RpcServer, walletClosed } from '../rpc.js';
import { guardRefusal } from '../../signing/approval.js';
import type { Verdict } from '../../guard/spending.js';
import type { SigningDeps } from './signing-deps.js';
import { commitOne, hostCommitmentParam } from '../../signing/anti-exfil-request.js';
import type { RecoverableSignature } from '../../ethereum/sign.js';

const ETH_PREFIX = [hardened(44), hardened(60)];
const DEFAULT_ACCOUNT = [hardened(44), hardened(60), hardened(0)];

function accountPath(params: Record<string, unknown>): number[] {
  if (params.path !== undefined && params.index !== undefined) throw new LatchError('bad-path', 'give "path" or "index", not both');
  if (params.path !== undefined) return parsePath(params.path);
  const index = params.index ?? 0;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= 0x80000000) throw new LatchError('bad-path', '"index" must be a whole number below 2^31');
  return [...DEFAULT_ACCOUNT, 0, index];
}

/** Errors a request can cause, as RPC errors (anything else is the device's own fault). */
function guarded(run: () => RpcReply | undefined): RpcReply | undefined {
  try {
    return run();
  } catch (err) {
    if (err instanceof LatchError && ['bad-path', 'bad-tx', 'bad-typed-data', 'bad-params'].includes(err.code)) return fail('bad-params', err.message);
    if (err instanceof LatchError && err.code === 'locked') return fail('locked', 'the device is locked: unlock it with its PIN on the device');
    throw err;
  }
}

/** Ethereum's recovery id is one bit: x(R) >= n (2 and 3) cannot be expressed (1 in 2^127: refused). */
function ethRecovery(sig: RecoverableSignature): number {
  if (sig.recovery > 1) throw new Error('a recovery id of 2 or 3 cannot be expressed in Ethereum');
  return sig.recovery;
}

/** What the event log keeps of a transaction: chain, recipient, value and maximum fee (wei), the token call. */
function txSummary(app: string, tx: EthTx, call: Call): Record<string, unknown> {
  return {
    app, chain: tx.chainId.toString(), to: tx.to ?? 'contract creation', value: tx.value.toString(),
    maxFee: (tx.gasLimit * (tx.maxFeePerGas ?? tx.gasPrice ?? 0n)).toString(),
    ...(call.kind === 'erc20-transfer' ? { token: tx.to, transfer: { to: call.recipient, amount: call.amount.toString() } } : {}),
    ...(call.kind === 'erc20-approve' ? { token: tx.to, approve: { spender: call.spender, amount: call.unlimited ? 'unlimited' : call.amount.toString() } } : {}),
    ...(call.kind === 'blind' ? { data: tx.to ? { selector: call.selector, size: call.size } : { size: call.size } } : {}),
  };
}

export function registerEthMethods(rpc: RpcServer, deps: SigningDeps): void {
  const { vault, keyring, approvals } = deps;
  /** A freeze or the policy refuses before anything is shown (and before the blind-signing setting is asked). */
  const refusedByGuard = (v: Verdict, request: string, summary: Record<string, unknown>): RpcReply | undefined => {
    if (v.kind !== 'refuse') return undefined;
    deps.events.record('sign-requested', { request, ...summary });
    deps.events.record('policy-refused', { request, reason: v.why });
    deps.refusedByGuard(v.why);
    return guardRefusal(deps.guard, v.why);
  };
  const refusedBlind = (request: string, summary: Record<string, unknown>) => {
    deps.events.record('sign-requested', { request, ...summary });
    deps.events.record('sign-refused', { request, reason: 'blind signing is off' });
  };
  const unlocked = (): RpcReply | undefined => walletClosed(vault);
  /** With a host commitment, the approval commits first and signs at sign_reveal (signing/anti-exfil-request.ts). */
  const antiExfil = (commitment: Uint8Array | undefined, digest: Uint8Array, path: number[], answer: (sig: RecoverableSignature) => RpcReply) =>
    (commitment ? { commit: () => commitOne(deps.antiExfil, digest, () => keyring.privateKey(path), commitment, answer) } : {});
  const account = (path: number[]) => {
    const node = keyring.derive(path);
    return { address: addressOf(node.publicKey!), standard: startsWith(path, ETH_PREFIX) };
  };

  rpc.register('eth_get_address', {
    run: (params, m) => guarded(() => {
      const bad = onlyParams(params, ['path', 'index', 'show']) ?? unlocked();
      if (bad) return bad;
      if (params.show !== undefined && typeof params.show !== 'boolean') return fail('bad-params', '"show" must be true or false');
      const path = accountPath(params);
      const { address, standard } = account(path);
      const result = { address, path: formatPath(path) };
      if (!params.show) return ok(result);
      const answer = m.later(() => deps.cancelShown());
      const outcome = deps.showAddress({
        id: 'eth-address', title: 'Ethereum address', address,
        display: grouped(address),
        facts: [`Account ${formatPath(path)}`, ...(standard ? [] : ['Unusual path: outside m/44\'/60\''])],
      }, (confirmed) => answer(ok({ ...result, confirmed })));
      if (outcome === 'busy') return fail('busy', 'the owner is using the device and another request is waiting: try again later');
      return undefined;
    }),
  });

  rpc.register('eth_get_xpub', {
    run: (params) => guarded(() => {
      const bad = onlyParams(params, ['path']) ?? unlocked();
      if (bad) return bad;
      const path = params.path === undefined ? DEFAULT_ACCOUNT : parsePath(params.path);
      const node = keyring.derive(path);
      return ok({ xpub: node.publicExtendedKey, path: formatPath(path), fingerprint: keyring.fingerprint });
    }),
  });

  rpc.register('eth_sign_tx', {
    run: (params, m) => guarded(() => {
      const bad = onlyParams(params, ['tx', 'path', 'index', 'antiExfil']) ?? unlocked();
      if (bad) return bad;
      if (!(params.tx instanceof Uint8Array)) return fail('bad-params', '"tx" must be the unsigned transaction as bytes');
      const commitment = hostCommitmentParam(params.antiExfil);
      const raw = params.tx.slice();
      const tx = parseTx(raw);
      const call = decodeCall(tx.data);
      const check = () => deps.guard.checkEthTx(tx, call);
      const summary = txSummary(m.appLabel, tx, call);
      const refused = refusedByGuard(check(), 'eth-tx', summary);
      if (refused) return refused;
      if (call.kind === 'blind' && !vault.preferences.blindSigning) {
        refusedBlind('eth-tx', summary);
        deps.refusedBlind(tx.to ? 'This transaction calls a contract with data the device cannot decode.' : 'This transaction deploys a contract whose code the device cannot check.');
        return fail('blind-signing-off', `the transaction ${tx.to ? 'carries contract data the device cannot decode' : 'deploys a contract, whose code the device cannot check'}; blind signing is off: turn it on on the device (Menu > Blind signing) to sign it`);
      }
      const path = accountPath(params);
      const { address, standard } = account(path);
      const answer = (sig: RecoverableSignature) => {
        const v = signatureV(tx, ethRecovery(sig));
        return ok({ v: v.toString(), r: bigIntBytes(sig.r), s: bigIntBytes(sig.s), signedTx: serializeSigned(tx, { v, r: sig.r, s: sig.s }) });
      };
      return approvals.start({
        review: txReview(tx, call, address, path, standard),
        check,
        summary: { ...summary, from: address },
        sign: () => {
          const key = keyring.privateKey(path);
          try {
            return answer(signDigest(signingHash(raw), key));
          } finally {
            wipe(key);
          }
        },
        ...antiExfil(commitment, signingHash(raw), path, answer),
      }, m.later(() => approvals.cancel()));
    }),
  });

  rpc.register('eth_sign_message', {
    run: (params, m) => guarded(() => {
      const bad = onlyParams(params, ['message', 'path', 'index', 'antiExfil']) ?? unlocked();
      if (bad) return bad;
      const message = typeof params.message === 'string' ? utf8Encode(params.message) : params.message;
      if (!(message instanceof Uint8Array)) return fail('bad-params', '"message" must be text or bytes');
      const commitment = hostCommitmentParam(params.antiExfil);
      const path = accountPath(params);
      const { address, standard } = account(path);
      const shape = messageShape(message);
      return approvals.start({
        review: messageReview(displayMessage(message), address, path, standard),
        check: () => deps.guard.checkMessage(shape),
        summary: { app: m.appLabel, address, bytes: message.length, ...(shape !== 'text' ? { shape } : {}) },
        sign: () => {
          const key = keyring.privateKey(path);
          try {
            return ok({ signature: rsv(signDigest(personalMessageHash(message), key)), address });
          } finally {
            wipe(key);
          }
        },
        ...antiExfil(commitment, personalMessageHash(message), path, (sig) => ok({ signature: rsv({ ...sig, recovery: ethRecovery(sig) }), address })),
      }, m.later(() => approvals.cancel()));
    }),
  });

  rpc.register('eth_sign_typed_data', {
    run: (params, m) => guarded(() => {
      const bad = onlyParams(params, ['data', 'path', 'index', 'antiExfil']) ?? unlocked();
      if (bad) return bad;
      const commitment = hostCommitmentParam(params.antiExfil);
      const typed = checkTypedData(params.data);
      const summary = summarizeTypedData(typed);
      const chainId = summary.chainId; // what the hash commits to: undeclared domain fields are not signed
      const check = () => deps.guard.checkEthTyped(chainId);
      const facts = { app: m.appLabel, chain: chainId !== undefined ? chainId.toString() : 'none signed', primaryType: typed.primaryType };
      const refused = refusedByGuard(check(), 'eth-typed', facts);
      if (refused) return refused;
      if (summary.blind && !vault.preferences.blindSigning) {
        refusedBlind('eth-typed', facts);
        deps.refusedBlind('This typed data is too large for the device to show.');
        return fail('blind-signing-off', 'the typed data has more fields than the device can show; blind signing is off: turn it on on the device (Menu > Blind signing) to sign it by its hashes');
      }
      const path = accountPath(params);
      const { address, standard } = account(path);
      const answer = (sig: RecoverableSignature) => ok({
        signature: rsv({ ...sig, recovery: ethRecovery(sig) }), address,
        domainHash: summary.domainHash, ...(summary.messageHash ? { messageHash: summary.messageHash } : {}),
      });
      return approvals.start({
        review: typedReview(summary, typed.primaryType, address, path, standard),
        check,
        summary: { ...facts, address },
        sign: () => {
          const key = keyring.privateKey(path);
          try {
            return answer(signDigest(summary.digest, key));
          } finally {
            wipe(key);
          }
        },
        ...antiExfil(commitment, summary.digest, path, answer),
      }, m.later(() => approvals.cancel()));
    }),
  });
}
