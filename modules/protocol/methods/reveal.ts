/**
 * The second half of an anti-exfil signature (signing/anti-exfil.ts). A signing request that carried host
 * commitments (`antiExfil`) is answered, once the owner approved it, with the device's signer commitment(s); the
 * app then reveals its entropy here and gets the answer the request would have had without anti-exfil:
 *   sign_reveal {entropy: bytes (Ethereum) | [bytes | null per PSBT input] (Bitcoin)} -> the request's result
 * One reveal per approval: a wrong one is refused and the approval is spent; a lock, a disconnect, another request
 * or REVEAL_TTL_MS withdraws it (signing/approval.ts).
 */
import type { Approvals } from '../../signing/approval.js';
import { onlyParams, type RpcServer } from '../rpc.js';

export function registerRevealMethod(rpc: RpcServer, approvals: Approvals): void {
  rpc.register('sign_reveal', {
    run: (params) => onlyParams(params, ['entropy']) ?? approvals.reveal(params.entropy),
  });
}
