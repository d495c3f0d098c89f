/**
 * Token permits in typed data, in the owner's words. A permit signature hands a spender the right to take tokens
 * with no transaction from the owner, so the device recognises the common kinds by the exact shape of their types
 * (field names and types, in order) and says what they grant: token, amount (with decimals for a token the device
 * knows, UNLIMITED for the maximum), spender and deadline as a date.
 *  - EIP-2612: Permit(owner, spender, value, nonce, deadline), the token being the domain's verifyingContract;
 *  - DAI-style: Permit(holder, spender, nonce, expiry, allowed): all or nothing, expiry 0 = never;
 *  - Uniswap's Permit2: PermitSingle and PermitBatch (AllowanceTransfer: amount uint160, expiration uint48, the
 *    signature's own sigDeadline), PermitTransferFrom and PermitBatchTransferFrom (SignatureTransfer: one transfer
 *    up to the amount before the deadline); a Permit2 shape signed for another contract than Uniswap's is said so.
 * Anything that does not match exactly is shown only field by field (typed-data.ts), as before.
 */
import { formatUnits } from '../wallet/amount.js';
import { checksummed } from './address.js';
import { networkLabel } from './networks.js';
import { knownToken } from './tokens.js';
import type { Types } from './typed-data.js';
import { typedWhole } from './typed-hash.js';

export interface PermitLine {
  text: string;
  warn?: boolean;
}

export interface PermitSummary {
  title: string;
  lines: PermitLine[];
}

/** Uniswap's Permit2, the same address on every chain it is deployed on */
export const PERMIT2 = '0x000000000022d473030f116ddee9f6b43ac78ba3';
const MAX_UINT256 = (1n << 256n) - 1n;
const MAX_UINT160 = (1n << 160n) - 1n;
const MAX_UINT48 = (1n << 48n) - 1n;

type Fields = [string, string][];

const SHAPES: Record<string, Fields> = {
  eip2612: [['owner', 'address'], ['spender', 'address'], ['value', 'uint256'], ['nonce', 'uint256'], ['deadline', 'uint256']],
  dai: [['holder', 'address'], ['spender', 'address'], ['nonce', 'uint256'], ['expiry', 'uint256'], ['allowed', 'bool']],
  details: [['token', 'address'], ['amount', 'uint160'], ['expiration', 'uint48'], ['nonce', 'uint48']],
  single: [['details', 'PermitDetails'], ['spender', 'address'], ['sigDeadline', 'uint256']],
  batch: [['details', 'PermitDetails[]'], ['spender', 'address'], ['sigDeadline', 'uint256']],
  permissions: [['token', 'address'], ['amount', 'uint256']],
  transfer: [['permitted', 'TokenPermissions'], ['spender', 'address'], ['nonce', 'uint256'], ['deadline', 'uint256']],
  batchTransfer: [['permitted', 'TokenPermissions[]'], ['spender', 'address'], ['nonce', 'uint256'], ['deadline', 'uint256']],
};

function is(types: Types, name: string, shape: Fields): boolean {
  const fields = types[name];
  return !!fields && fields.length === shape.length && fields.every((f, i) => f.name === shape[i][0] && f.type === shape[i][1]);
}

const whole = typedWhole;

function address(v: unknown): string {
  return typeof v === 'string' && /^0x[0-9a-fA-F]{40}$/.test(v) ? checksummed(v) : '(not an address)';
}

/** "2026-01-31 17:00 UTC" for a Unix time in seconds; "never" at the maximum of its type. */
export function when(seconds: bigint | undefined, max = MAX_UINT256): string {
  if (seconds === undefined) return '(not a time)';
  if (seconds >= max) return 'never';
  const ms = seconds * 1000n;
  if (ms > 8_640_000_000_000_000n) return `${seconds} (Unix time, past any calendar date)`;
  const iso = new Date(Number(ms)).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function tokenLines(token: unknown, amount: bigint | undefined, max: bigint, chainId: bigint | undefined): PermitLine[] {
  const at = address(token);
  const known = chainId !== undefined && typeof token === 'string' ? knownToken(chainId, token) : undefined;
  const shown = amount === undefined ? '(not an amount)' : amount >= max ? 'UNLIMITED' : known ? `${formatUnits(amount, known.decimals)} ${known.symbol}` : `${amount} base units`;
  return [
    { text: `Token: ${known ? `${known.symbol} ` : ''}${at}` },
    ...(known ? [] : [{ text: 'A token the device does not know: the amount is in its base units.', warn: true }]),
    { text: `Amount: ${shown}`, warn: amount !== undefined && amount >= max },
  ];
}

function onChain(chainId: bigint | undefined): PermitLine {
  return { text: `On ${chainId !== undefined ? networkLabel(chainId) : 'every chain (the domain names none)'}` };
}

function notPermit2(verifyingContract: unknown): PermitLine[] {
  return typeof verifyingContract === 'string' && verifyingContract.toLowerCase() === PERMIT2
    ? []
    : [{ text: `Signed for ${address(verifyingContract)}, not Uniswap's Permit2 contract.`, warn: true }];
}

type Values = Record<string, unknown>;

/** What the permit grants, if the typed data is one of the kinds above (checked values: declared fields only). */
export function recognisePermit(types: Types, primaryType: string, domain: Values, message: Values, chainId: bigint | undefined): PermitSummary | undefined {
  const grant: PermitLine = { text: 'This signature lets the spender take your tokens without asking you again.', warn: true };
  if (primaryType === 'Permit' && is(types, 'Permit', SHAPES.eip2612)) {
    return {
      title: 'Token permit (EIP-2612)',
      lines: [grant, onChain(chainId), ...tokenLines(domain.verifyingContract, whole(message.value), MAX_UINT256, chainId),
        { text: `Spender: ${address(message.spender)}` }, { text: `Until: ${when(whole(message.deadline))}` }, { text: `Owner: ${address(message.owner)}` }],
    };
  }
  if (primaryType === 'Permit' && is(types, 'Permit', SHAPES.dai)) {
    const allowed = message.allowed === true;
    const expiry = whole(message.expiry);
    return {
      title: 'Token permit (DAI-style)',
      lines: [...(allowed ? [grant] : []), onChain(chainId),
        { text: `Token: ${address(domain.verifyingContract)}` },
        allowed ? { text: 'Amount: UNLIMITED', warn: true } : { text: 'Amount: none (takes an approval back)' },
        { text: `Spender: ${address(message.spender)}` }, { text: `Until: ${expiry === 0n ? 'never' : when(expiry)}` }, { text: `Holder: ${address(message.holder)}` }],
    };
  }
  if (!is(types, 'PermitDetails', SHAPES.details) && !is(types, 'TokenPermissions', SHAPES.permissions)) return undefined;
  const allowance = (d: unknown): PermitLine[] => {
    const v = (typeof d === 'object' && d !== null ? d : {}) as Values;
    const expiration = whole(v.expiration);
    return [...tokenLines(v.token, whole(v.amount), MAX_UINT160, chainId), { text: `Allowance until: ${expiration === 0n ? 'the end of the block it is used in' : when(expiration, MAX_UINT48)}` }];
  };
  const transfer = (p: unknown): PermitLine[] => {
    const v = (typeof p === 'object' && p !== null ? p : {}) as Values;
    return tokenLines(v.token, whole(v.amount), MAX_UINT256, chainId);
  };
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  if (primaryType === 'PermitSingle' && is(types, 'PermitSingle', SHAPES.single) && is(types, 'PermitDetails', SHAPES.details)) {
    return {
      title: 'Permit2 allowance',
      lines: [grant, onChain(chainId), ...notPermit2(domain.verifyingContract), ...allowance(message.details),
        { text: `Spender: ${address(message.spender)}` }, { text: `Signature valid until: ${when(whole(message.sigDeadline))}` }],
    };
  }
  if (primaryType === 'PermitBatch' && is(types, 'PermitBatch', SHAPES.batch) && is(types, 'PermitDetails', SHAPES.details)) {
    const all = list(message.details);
    return {
      title: `Permit2 allowance, ${all.length} token${all.length === 1 ? '' : 's'}`,
      lines: [grant, onChain(chainId), ...notPermit2(domain.verifyingContract), ...all.flatMap((d, i) => [{ text: `${i + 1} of ${all.length}:` }, ...allowance(d)]),
        { text: `Spender: ${address(message.spender)}` }, { text: `Signature valid until: ${when(whole(message.sigDeadline))}` }],
    };
  }
  if (primaryType === 'PermitTransferFrom' && is(types, 'PermitTransferFrom', SHAPES.transfer) && is(types, 'TokenPermissions', SHAPES.permissions)) {
    return {
      title: 'Permit2 transfer',
      lines: [{ text: 'This signature lets the spender take these tokens once, without asking you again.', warn: true }, onChain(chainId),
        ...notPermit2(domain.verifyingContract), ...transfer(message.permitted),
        { text: `Spender: ${address(message.spender)}` }, { text: `Until: ${when(whole(message.deadline))}` }],
    };
  }
  if (primaryType === 'PermitBatchTransferFrom' && is(types, 'PermitBatchTransferFrom', SHAPES.batchTransfer) && is(types, 'TokenPermissions', SHAPES.permissions)) {
    const all = list(message.permitted);
    return {
      title: `Permit2 transfer, ${all.length} token${all.length === 1 ? '' : 's'}`,
      lines: [{ text: 'This signature lets the spender take these tokens once, without asking you again.', warn: true }, onChain(chainId),
        ...notPermit2(domain.verifyingContract), ...all.flatMap((p, i) => [{ text: `${i + 1} of ${all.length}:` }, ...transfer(p)]),
        { text: `Spender: ${address(message.spender)}` }, { text: `Until: ${when(whole(message.deadline))}` }],
    };
  }
  return undefined;
}
