/**
 * Verdicts for what signs no amount the device can read: typed data (EIP-712) and personal messages. Pure
 * functions, like spending.ts for transactions, so the rules read apart from the device.
 *  - Typed data is judged on the chain id its hash commits to (`chainId`: the EIP712Domain's declared field, or
 *    undefined when the domain signs none: then it is valid on every chain). While any Ethereum rule exists it
 *    needs a verification code (a permit can hand over tokens, and no amount can be read from it), and a signed
 *    chain that no rule covers is refused like a transaction on it.
 *  - A personal message that is printable text (a sign-in message) is not limited; while any spending rule
 *    exists, one that is not text (binary, or hash-shaped: it may be the hash of a transaction the limits would
 *    refuse) needs a verification code.
 * Where a code is needed, it is asked only when the policy allows signing with a code and codes are enrolled;
 * otherwise the request is refused.
 */
import { coverage, hasEthRules } from './coverage.js';
import type { Policy } from './policy.js';
import type { Verdict } from './spending.js';

/** What a message to sign is (ethereum/message.ts decides). */
export type MessageShape = 'text' | 'hash' | 'binary';

const ALLOW: Verdict = { kind: 'allow', outflows: [], notes: [] };

function withCode(policy: Policy, codesEnrolled: boolean, why: string, notes: string[]): Verdict {
  if (policy.overLimitWithCode && codesEnrolled) return { kind: 'code', outflows: [], notes, why };
  return { kind: 'refuse', why: `${why}, and ${codesEnrolled ? 'the policy does not allow signing with a code' : 'no verification codes are set up'}` };
}

export function typedDataVerdict(policy: Policy, chainId: bigint | undefined, codesEnrolled: boolean): Verdict {
  if (!hasEthRules(policy)) return ALLOW;
  if (chainId !== undefined) {
    const c = coverage(policy, `eth:${chainId}`);
    if (c.kind === 'refused') return { kind: 'refuse', why: `typed data for that chain: ${c.why}` };
  }
  const why = `typed data can hand over tokens (permits) and is not limited by amount: while Ethereum spending limits are on it needs a verification code${chainId === undefined ? ' (this domain signs no chain id: it is valid on every chain)' : ''}`;
  const notes = [chainId === undefined ? 'The domain signs no chain id: valid on every chain.' : 'Spending limits are on.', 'A verification code is needed to sign typed data.'];
  return withCode(policy, codesEnrolled, why, notes);
}

export function messageVerdict(policy: Policy, shape: MessageShape, codesEnrolled: boolean): Verdict {
  if (shape === 'text' || !policy.rules.length) return ALLOW;
  const what = shape === 'hash'
    ? 'the message has the shape of a hash (32 bytes, or only hex digits), which can approve a transaction or a permit the limits would refuse'
    : 'the message is not printable text (binary data, or control characters), so the device cannot tell what it approves';
  return withCode(policy, codesEnrolled, `${what}: while spending limits are on it needs a verification code`, ['Not text: it could approve a transaction.', 'A verification code is needed to sign it.']);
}
