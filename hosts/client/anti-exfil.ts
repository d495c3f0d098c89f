/**
 * The app's half of anti-exfil (modules/signing/anti-exfil.ts), on by default for every ECDSA signature the
 * client asks for: draw 32 random bytes, send their commitment with the request, take the device's signer
 * commitment once the owner approved, reveal the bytes (sign_reveal) and check that the signature's nonce is the
 * committed one tweaked by them. A signature that fails is refused with an AntiExfilError, and every listener
 * given in `onFailure` hears it first (the CLI prints an alarm): firmware that fails this check is trying to
 * choose its own nonces, which is how a seed leaks out through signatures.
 */
import { randomBytes } from '@noble/hashes/utils.js';
import { hostCommit } from '../../modules/signing/anti-exfil.js';
import type { RpcSession } from './client.js';

export interface AntiExfilOptions {
  /** check every signature's nonce (default true); false: sign as before, for apps that cannot do the round trip */
  antiExfil?: boolean;
  /** hears a failed check before the AntiExfilError is thrown (log it, alert the user) */
  onAntiExfilFailure?: (err: AntiExfilError) => void;
  /** where the 32 bytes come from (tests); the platform's CSPRNG by default */
  randomBytes?: (n: number) => Uint8Array;
}

export class AntiExfilError extends Error {
  readonly code = 'anti-exfil-failed';
  constructor(readonly method: string, why: string) {
    super(`ANTI-EXFIL CHECK FAILED on ${method}: ${why}. The device's signature does not use the nonce it committed to, tweaked by this app's entropy: its firmware may be trying to leak the seed through signatures. The signature was refused; do not use this device until its firmware is checked.`);
  }
  get name(): string {
    return 'AntiExfilError';
  }
}

/** Entropy and its commitment for one signature. */
export function drawEntropy(o: AntiExfilOptions): { entropy: Uint8Array; commitment: Uint8Array } {
  const entropy = (o.randomBytes ?? randomBytes)(32);
  return { entropy, commitment: hostCommit(entropy) };
}

/** Refuse loudly: tell the listener, then throw. */
export function refuse(o: AntiExfilOptions, method: string, why: string): never {
  const err = new AntiExfilError(method, why);
  o.onAntiExfilFailure?.(err);
  throw err;
}

/**
 * Ask `method` with the commitment(s) in `antiExfil`, then reveal: returns the device's answer to the request
 * (as without anti-exfil) and the signer commitment(s). The caller checks the signature(s).
 */
export async function commitAndReveal(
  session: RpcSession, method: string, params: Record<string, unknown>, antiExfil: unknown,
  reveal: (answer: any) => unknown, timeoutMs: number, o: AntiExfilOptions,
): Promise<{ answer: any; result: any }> {
  const answer = await session.call(method, { ...params, antiExfil }, timeoutMs);
  if (!answer || (answer.signerCommitment === undefined && answer.signerCommitments === undefined)) {
    refuse(o, method, 'the device answered without a signer commitment (firmware without anti-exfil, or one that skips it)');
  }
  const result = await session.call('sign_reveal', { entropy: reveal(answer) }, 30_000);
  return { answer, result };
}
