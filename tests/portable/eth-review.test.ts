// What the owner reads before an Ethereum signature, in the owner's words (ethereum/review.ts, permits.ts,
// typed-data.ts): chains named however the app writes the chain id, token permits (EIP-2612, DAI, Permit2) with
// token, amount, spender and deadline, contract creation without a selector, and the typed-data line-break attack
// played through the whole device and read back from what the LCD draws. Both engines.
import test from 'ava';
import { encodeCbor as encode } from '../../modules/protocol/cbor.js';
import { checkTypedData, summarizeTypedData } from '../../modules/ethereum/typed-data.js';
import { typedReview, txReview } from '../../modules/ethereum/review.js';
import { decodeCall } from '../../modules/ethereum/calldata.js';
import { PERMIT2, when } from '../../modules/ethereum/permits.js';
import { MARGIN } from '../../modules/ui/layout.js';
import { bindApp, deviceRig } from './support/device-rig.js';

const USDC = '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48';
const DAI = '0x6b175474e89094c44da98b954eedeac495271d0f';
const SPENDER = '0x1111111254eeb25477b68fb85ed929f73a960582';
const OWNER = '0x8232f538f70a22b2886c3d00ebc482a68da0398f';
const MAX256 = ((1n << 256n) - 1n).toString();
const MAX160 = ((1n << 160n) - 1n).toString();
const DOMAIN_TYPES = [{ name: 'name', type: 'string' }, { name: 'version', type: 'string' }, { name: 'chainId', type: 'uint256' }, { name: 'verifyingContract', type: 'address' }];

function pages(data: unknown): string[] {
  const typed = checkTypedData(data);
  return typedReview(summarizeTypedData(typed), typed.primaryType, OWNER, [0x8000002c, 0x8000003c, 0x80000000, 0, 0], true).pages.map((p) => `${p.title}: ${p.lines.map((l) => l.text).join(' | ')}`);
}

const permit = (value: string, chainId: unknown = 1, token = USDC) => ({
  types: { EIP712Domain: DOMAIN_TYPES, Permit: [{ name: 'owner', type: 'address' }, { name: 'spender', type: 'address' }, { name: 'value', type: 'uint256' }, { name: 'nonce', type: 'uint256' }, { name: 'deadline', type: 'uint256' }] },
  primaryType: 'Permit',
  domain: { name: 'USD Coin', version: '2', chainId, verifyingContract: token },
  message: { owner: OWNER, spender: SPENDER, value, nonce: 0, deadline: 1_767_225_600 },
});

test('a chain id is named however the app writes it: number, decimal string, 0x hex (as ethers sends it)', (t) => {
  for (const chainId of [1, '1', '0x1', '0x01']) {
    t.true(pages(permit('1'.padEnd(7, '0'), chainId)).some((p) => p.includes('chainId: Ethereum (chain 1)')), String(chainId));
  }
  t.true(pages(permit('1', '0x2105')).some((p) => p.includes('chainId: Base (chain 8453)')));
  t.true(pages(permit('1', '0x6f')).some((p) => p.includes('chainId: chain 111 (unknown network)')));
});

test('EIP-2612 permit: token, amount in its decimals, spender and deadline as a date; the maximum is UNLIMITED', (t) => {
  const shown = pages(permit('1500000'));
  const p = shown.find((s) => s.startsWith('Token permit (EIP-2612)'))!;
  t.truthy(p, shown.join('\n'));
  t.regex(p, /lets the spender take your tokens/);
  t.regex(p, /On Ethereum \(chain 1\)/);
  t.regex(p, /Token: USDC 0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48/);
  t.regex(p, /Amount: 1\.5 USDC/);
  t.regex(p, /Spender: 0x1111111254EEB25477B68fb85Ed929f73A960582/);
  t.regex(p, /Until: 2026-01-01 00:00 UTC/);
  t.regex(pages(permit(MAX256)).join('\n'), /Amount: UNLIMITED/);
  const unknown = pages(permit('1500000', 1, '0x' + '42'.repeat(20))).join('\n');
  t.regex(unknown, /Amount: 1500000 base units/);
  t.regex(unknown, /does not know: the amount is in its base units/);
  // the fields are still all shown after it
  t.true(shown.some((s) => /^Message: Permit: owner: 0x8232/.test(s)));
});

test('DAI-style permit: all or nothing, expiry 0 is never', (t) => {
  const dai = {
    types: { EIP712Domain: DOMAIN_TYPES, Permit: [{ name: 'holder', type: 'address' }, { name: 'spender', type: 'address' }, { name: 'nonce', type: 'uint256' }, { name: 'expiry', type: 'uint256' }, { name: 'allowed', type: 'bool' }] },
    primaryType: 'Permit',
    domain: { name: 'Dai Stablecoin', version: '1', chainId: 1, verifyingContract: DAI },
    message: { holder: OWNER, spender: SPENDER, nonce: 3, expiry: 0, allowed: true },
  };
  const p = pages(dai).find((s) => s.startsWith('Token permit (DAI-style)'))!;
  t.regex(p, /Amount: UNLIMITED/);
  t.regex(p, /Until: never/);
  const revoke = pages({ ...dai, message: { ...dai.message, allowed: false, expiry: 1_800_000_000 } }).find((s) => s.startsWith('Token permit'))!;
  t.regex(revoke, /Amount: none \(takes an approval back\)/);
  t.regex(revoke, /Until: 2027-01-15 08:00 UTC/);
});

const PERMIT2_DOMAIN_TYPES = [{ name: 'name', type: 'string' }, { name: 'chainId', type: 'uint256' }, { name: 'verifyingContract', type: 'address' }];
const details = [{ name: 'token', type: 'address' }, { name: 'amount', type: 'uint160' }, { name: 'expiration', type: 'uint48' }, { name: 'nonce', type: 'uint48' }];
const permissions = [{ name: 'token', type: 'address' }, { name: 'amount', type: 'uint256' }];

test('Uniswap Permit2: PermitSingle, PermitBatch, PermitTransferFrom, and a Permit2 shape for another contract', (t) => {
  const domain = { name: 'Permit2', chainId: '0x1', verifyingContract: PERMIT2 };
  const single = pages({
    types: { EIP712Domain: PERMIT2_DOMAIN_TYPES, PermitDetails: details, PermitSingle: [{ name: 'details', type: 'PermitDetails' }, { name: 'spender', type: 'address' }, { name: 'sigDeadline', type: 'uint256' }] },
    primaryType: 'PermitSingle', domain,
    message: { details: { token: USDC, amount: MAX160, expiration: 1_767_225_600, nonce: 0 }, spender: SPENDER, sigDeadline: 1_767_225_600 },
  }).find((s) => s.startsWith('Permit2 allowance'))!;
  t.regex(single, /Token: USDC .*Amount: UNLIMITED .*Allowance until: 2026-01-01 00:00 UTC .*Spender: 0x1111111254EEB25477B68fb85Ed929f73A960582 .*Signature valid until: 2026-01-01 00:00 UTC/);
  t.notRegex(single, /not Uniswap's Permit2/);
  const batch = pages({
    types: { EIP712Domain: PERMIT2_DOMAIN_TYPES, PermitDetails: details, PermitBatch: [{ name: 'details', type: 'PermitDetails[]' }, { name: 'spender', type: 'address' }, { name: 'sigDeadline', type: 'uint256' }] },
    primaryType: 'PermitBatch', domain,
    message: { details: [{ token: USDC, amount: '2500000', expiration: 0, nonce: 1 }, { token: DAI, amount: (10n ** 18n).toString(), expiration: 1_767_225_600, nonce: 2 }], spender: SPENDER, sigDeadline: 1_767_225_600 },
  }).find((s) => s.startsWith('Permit2 allowance, 2 tokens'))!;
  t.regex(batch, /1 of 2: \| Token: USDC .*Amount: 2\.5 USDC \| Allowance until: the end of the block it is used in \| 2 of 2: \| Token: DAI .*Amount: 1 DAI/);
  const transfer = pages({
    types: { EIP712Domain: PERMIT2_DOMAIN_TYPES, TokenPermissions: permissions, PermitTransferFrom: [{ name: 'permitted', type: 'TokenPermissions' }, { name: 'spender', type: 'address' }, { name: 'nonce', type: 'uint256' }, { name: 'deadline', type: 'uint256' }] },
    primaryType: 'PermitTransferFrom', domain: { ...domain, verifyingContract: '0x' + '99'.repeat(20) },
    message: { permitted: { token: USDC, amount: '1000000' }, spender: SPENDER, nonce: 7, deadline: 1_767_225_600 },
  }).find((s) => s.startsWith('Permit2 transfer'))!;
  t.regex(transfer, /take these tokens once/);
  t.regex(transfer, /Signed for 0x9999999999999999999999999999999999999999, not Uniswap's Permit2 contract\./);
  t.regex(transfer, /Amount: 1 USDC .*Until: 2026-01-01 00:00 UTC/);
});

test('a near miss is not a permit: only the fields are shown', (t) => {
  const renamed = permit('1');
  renamed.types.Permit[2] = { name: 'amount', type: 'uint256' };
  (renamed.message as Record<string, unknown>).amount = '1';
  t.false(pages(renamed).some((p) => /permit/i.test(p.split(':')[0])));
});

test('dates: Unix seconds as UTC, the maximum is never, beyond the calendar said plainly', (t) => {
  t.is(when(0n), '1970-01-01 00:00 UTC');
  t.is(when(1_767_225_599n), '2025-12-31 23:59 UTC');
  t.is(when((1n << 256n) - 1n), 'never');
  t.regex(when(10n ** 20n), /past any calendar date/);
});

test('contract creation shows the code\'s size and hash, and no selector', (t) => {
  const tx = { type: 'eip1559' as const, chainId: 1n, nonce: 0n, maxPriorityFeePerGas: 1n, maxFeePerGas: 2n, gasLimit: 100_000n, value: 0n, data: Uint8Array.of(0x60, 0x80, 0x60, 0x40, 0x52), accessList: [] };
  const r = txReview(tx, decodeCall(tx.data), OWNER, [0x8000002c, 0x8000003c, 0x80000000, 0, 0], true);
  const text = r.pages.map((p) => `${p.title}: ${p.lines.map((l) => l.text).join(' | ')}`).join('\n');
  t.regex(text, /New contract: Contract creation/);
  t.regex(text, /Contract code: .*Size: 5 bytes \| Keccak-256: 0x/);
  t.notRegex(text, /Selector/);
});

test('the typed-data line-break attack: a string cannot fake a spender or verifyingContract line on the LCD', (t) => {
  const rig = deviceRig({ wallet: true, unlocked: true });
  const app = bindApp(rig, 'linebreak', 'Wallet app');
  const fake = '0x2222222222222222222222222222222222222222';
  const data = {
    types: {
      EIP712Domain: [{ name: 'name', type: 'string' }, { name: 'chainId', type: 'uint256' }],
      Order: [{ name: 'note', type: 'string' }, { name: 'spender', type: 'address' }],
    },
    primaryType: 'Order',
    domain: { name: `Shop\nverifyingContract: ${fake}`, chainId: 1 },
    message: { note: `Thanks!\nspender: ${fake}`, spender: SPENDER },
  };
  app.sendCbor(encode({ id: 1, method: 'eth_sign_typed_data', params: { data } }));
  const drawn = rig.b.canvas.frames.length;
  rig.readReview(20);
  // every row the LCD drew during the review, with where it starts
  const rows = rig.b.canvas.frames.slice(drawn - 1).flatMap((f) => f.filter((c) => c[0] === 'text').map((c) => ({ text: c[1] as string, x: c[2] as number })));
  // lines as the owner reads them: a row at the margin begins one, an indented row continues it
  const lines: string[] = [];
  for (const r of rows) {
    if (r.x === MARGIN || !lines.length) lines.push(r.text);
    else lines[lines.length - 1] += ` ${r.text}`;
  }
  const startsALine = (prefix: string) => [...new Set(lines.filter((l) => l.startsWith(prefix)))];
  t.deepEqual(startsALine('spender:'), ['spender: 0x1111111254EEB25477B68fb85Ed929f73A960582'], 'only the real spender begins a line');
  t.deepEqual(startsALine('verifyingContract:'), [], 'the domain declares no verifyingContract');
  t.true(lines.some((l) => l.startsWith('note: "Thanks!\\nspender:') && l.includes(fake)), 'the fake is part of the note');
  t.true(rows.some((r) => r.text.includes('Thanks!\\n')), 'the line break is shown as \\n');
  t.true(lines.some((l) => l.startsWith('name: "Shop\\nverifyingContract:') && l.includes(fake)), 'the fake is part of the domain name');
});
