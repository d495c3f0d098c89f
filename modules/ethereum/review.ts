/**
 * What the owner reads before signing, built from what the device decoded itself (Trezor's order): network,
 * recipient or contract creation, amount (exact), maximum fee; then the details (nonce, gas, fee fields); then
 * the decision. ERC-20 calls show the token, recipient or spender and amount; blind data its size, selector and
 * hash; a path outside m/44'/60' gets a warning first.
 */
import { formatUnits } from '../wallet/amount.js';
import { formatPath } from '../wallet/path.js';
import { line, type ScreenLine } from '../ui/screen.js';
import { THEME } from '../ui/render.js';
import type { Review, ReviewPage } from '../signing/review.js';
import { checksummed } from './address.js';
import type { Call } from './calldata.js';
import { nativeSymbol, network, networkLabel } from './networks.js';
import { knownToken } from './tokens.js';
import { maxFee, type EthTx } from './tx.js';
import type { TypedSummary } from './typed-data.js';

const warn = (text: string): ScreenLine => line(text, { color: THEME.warning });
const big = (text: string): ScreenLine => line(text, { size: 'large' });

function coin(value: bigint, chainId: bigint): string {
  return `${formatUnits(value, 18)} ${nativeSymbol(chainId)}`;
}

function gwei(value: bigint): string {
  return `${formatUnits(value, 9)} gwei`;
}

function pathWarning(path: number[], standard: boolean): ReviewPage[] {
  if (standard) return [];
  return [{ title: 'Unusual account', lines: [warn(`The app asks for path ${formatPath(path)}, outside m/44'/60'/.`), line('Continue only if you know why this account is used.')] }];
}

export function txReview(tx: EthTx, call: Call, from: string, path: number[], standardPath: boolean): Review {
  const pages: ReviewPage[] = [...pathWarning(path, standardPath)];
  const net = network(tx.chainId);
  pages.push({ title: 'Network', lines: [big(net?.name ?? `Chain ${tx.chainId}`), line(networkLabel(tx.chainId)), ...(net?.testnet ? [line('A test network: its coins have no value.', { color: THEME.dim })] : [])] });
  const to = tx.to ? checksummed(tx.to) : undefined;
  if (call.kind === 'erc20-transfer' || call.kind === 'erc20-approve') {
    const token = knownToken(tx.chainId, tx.to!);
    const amount = token ? `${formatUnits(call.amount, token.decimals)} ${token.symbol}` : `${call.amount} base units`;
    pages.push({ title: 'Token', lines: [line(token ? `${token.symbol} token contract` : 'Unknown token contract:'), line(to!), ...(token ? [] : [warn('The device does not know this token: the amount is in base units.')])] });
    if (call.kind === 'erc20-transfer') {
      pages.push({ title: 'Recipient', lines: [line(checksummed(call.recipient))] });
      pages.push({ title: 'Token amount', lines: [big(amount)] });
    } else {
      pages.push({ title: 'Approve spender', lines: [line('May spend your tokens:'), line(checksummed(call.spender))] });
      pages.push({ title: 'Approval amount', lines: call.unlimited ? [big('UNLIMITED'), warn('The spender may take every token of this kind you hold, now and later.')] : [big(amount)] });
    }
    if (tx.value > 0n) pages.push({ title: 'Also sends', lines: [big(coin(tx.value, tx.chainId)), warn('A token call that also sends coins: the coins go to the token contract.')] });
  } else {
    pages.push(to ? { title: call.kind === 'blind' ? 'Contract' : 'Recipient', lines: [line(to)] } : { title: 'New contract', lines: [big('Contract creation'), warn('This transaction deploys a new contract.')] });
    pages.push({ title: 'Amount', lines: [big(coin(tx.value, tx.chainId))] });
    if (call.kind === 'blind' && to) {
      pages.push({ title: 'Blind data', lines: [
        warn('The device cannot decode this data (blind signing is on).'),
        line(`Size: ${call.size} bytes`), line(`Selector: ${call.selector}`), line(`Keccak-256: ${call.hash}`),
      ] });
    } else if (call.kind === 'blind') {
      // A deployment's data is the contract's code: it calls nothing, so it has no selector.
      pages.push({ title: 'Contract code', lines: [
        warn('The device cannot check the new contract\'s code (blind signing is on).'),
        line(`Size: ${call.size} bytes`), line(`Keccak-256: ${call.hash}`),
      ] });
    }
  }
  pages.push({ title: 'Maximum fee', lines: [big(coin(maxFee(tx), tx.chainId)), line(tx.type === 'eip1559' ? 'max fee per gas x gas limit' : 'gas price x gas limit', { color: THEME.dim })] });
  const fees = tx.type === 'eip1559'
    ? [line(`Max fee per gas: ${gwei(tx.maxFeePerGas!)}`), line(`Priority fee: ${gwei(tx.maxPriorityFeePerGas!)}`)]
    : [line(`Gas price: ${gwei(tx.gasPrice!)}`)];
  pages.push({ title: 'Details', lines: [
    line(`From: ${from}`), line(`Account: ${formatPath(path)}`), line(`Nonce: ${tx.nonce}`), line(`Gas limit: ${tx.gasLimit}`), ...fees,
    line(`Type: ${tx.type === 'legacy' ? 'legacy (EIP-155)' : tx.type === 'eip2930' ? 'EIP-2930' : 'EIP-1559'}`),
    ...(tx.accessList.length ? [line(`Access list: ${tx.accessList.length} contract(s)`)] : []),
  ] });
  const what = call.kind === 'erc20-transfer' ? 'this token transfer' : call.kind === 'erc20-approve' ? 'this approval' : to ? 'this transaction' : 'this contract creation';
  return {
    id: 'eth-tx',
    pages,
    confirm: { title: 'Sign?', lines: [big(`Sign ${what}?`), line(`on ${networkLabel(tx.chainId)}`), line(`Maximum fee ${coin(maxFee(tx), tx.chainId)}`)] },
    action: 'Hold: Sign',
  };
}

export function messageReview(shown: { text: string; escaped: boolean } | { hex: string }, from: string, path: number[], standardPath: boolean): Review {
  const pages: ReviewPage[] = [...pathWarning(path, standardPath), { title: 'Sign message', lines: [line('Account:'), line(from), line(`${formatPath(path)}`, { color: THEME.dim })] }];
  // In quotes: the message never begins a line of its own; its line breaks show as \n and continue the row.
  if ('text' in shown) pages.push({ title: 'Message', lines: [...(shown.escaped ? [warn('Characters beyond ASCII are shown as \\u{codes}.')] : []), line(`"${shown.text}"`)] });
  else pages.push({ title: 'Message (hex)', lines: [warn('Not text: shown as hex.'), line(shown.hex)] });
  return { id: 'eth-message', pages, confirm: { title: 'Sign?', lines: [big('Sign this message?'), line('personal_sign (EIP-191)', { color: THEME.dim })] }, action: 'Hold: Sign' };
}

export function typedReview(s: TypedSummary, primaryType: string, from: string, path: number[], standardPath: boolean): Review {
  const pages: ReviewPage[] = [...pathWarning(path, standardPath), { title: 'Typed data', lines: [line('Account:'), line(from), line(`Primary type: ${primaryType}`)] }];
  pages.push({ title: 'Domain', lines: s.domainLines.length ? s.domainLines.map((t) => line(t)) : [line('(empty domain)')] });
  if (s.permit) pages.push({ title: s.permit.title, lines: s.permit.lines.map((l) => (l.warn ? warn(l.text) : line(l.text))) });
  if (s.blind) {
    pages.push({ title: 'Blind data', lines: [
      warn(`Too large to show (${s.messageLines.length}+ lines): blind signing is on.`),
      line(`Domain hash: 0x${hex(s.domainHash)}`), line(`Message hash: 0x${hex(s.messageHash!)}`),
    ] });
  } else if (s.messageHash) {
    pages.push({ title: `Message: ${primaryType}`, lines: s.messageLines.length ? s.messageLines.map((t) => line(t)) : [line('(no fields)')] });
  }
  if (s.droppedFields) {
    pages.push({ title: 'Not signed', lines: [
      warn(`${s.droppedFields} field(s) the app sent are not in the types: they are not signed, and the device ignores them.`),
      ...s.droppedNames.map((n) => line(`not signed: ${n}`)),
      ...(s.droppedFields > s.droppedNames.length ? [line(`and ${s.droppedFields - s.droppedNames.length} more`)] : []),
    ] });
  }
  return { id: 'eth-typed', pages, confirm: { title: 'Sign?', lines: [big('Sign this typed data?'), line('EIP-712 v4', { color: THEME.dim })] }, action: 'Hold: Sign' };
}

function hex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += (x < 16 ? '0' : '') + x.toString(16);
  return s;
}
