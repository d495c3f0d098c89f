/**
 * What a signing method needs for anti-exfil (anti-exfil.ts): the `antiExfil` parameter checked before anything
 * is shown (a bad commitment is refused at once and costs the app nothing), and the commit/reveal pair the
 * approval flow calls (approval.ts `commit`) for one digest signed by one key.
 */
import { constantTimeEqual, wipe } from '../bytes.js';
import { LatchError } from '../errors.js';
import { ok, type RpcReply } from '../protocol/rpc.js';
import { hostCommit, type AntiExfilSignature, type AntiExfilSigner } from './anti-exfil.js';

/** `antiExfil` of a single-signature request: absent, or the 32-byte host commitment. Throws bad-params. */
export function hostCommitmentParam(v: unknown): Uint8Array | undefined {
  if (v === undefined) return undefined;
  if (!(v instanceof Uint8Array) || v.length !== 32) {
    throw new LatchError('bad-params', '"antiExfil" must be the 32-byte host commitment: tagged SHA-256 "s2c/ecdsa/data" of 32 random bytes');
  }
  return v.slice();
}

/** The revealed entropy must be 32 bytes and open the commitment (checked here, whatever the signer does). */
export function checkReveal(entropy: unknown, commitment: Uint8Array, what = 'the entropy'): Uint8Array {
  if (!(entropy instanceof Uint8Array) || entropy.length !== 32) throw new LatchError('bad-anti-exfil', `${what} must be 32 bytes`);
  if (!constantTimeEqual(hostCommit(entropy), commitment)) throw new LatchError('bad-anti-exfil', `${what} does not match the host commitment`);
  return entropy;
}

/** Commit now (key derived and wiped), sign at the reveal (key derived again: a lock in between refuses). */
export function commitOne(
  signer: AntiExfilSigner, digest: Uint8Array, privateKey: () => Uint8Array, commitment: Uint8Array,
  answer: (sig: AntiExfilSignature) => RpcReply,
): { reply: RpcReply; reveal(entropy: unknown): RpcReply } {
  const key = privateKey();
  let opening: Uint8Array;
  try {
    opening = signer.commit(digest, key, commitment);
  } finally {
    wipe(key);
  }
  return {
    reply: ok({ signerCommitment: opening }),
    reveal: (entropy) => {
      const e = checkReveal(entropy, commitment);
      const k = privateKey();
      try {
        return answer(signer.sign(digest, k, e, commitment, opening));
      } finally {
        wipe(k);
      }
    },
  };
}
