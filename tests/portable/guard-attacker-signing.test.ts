// Issue 16, played by its attacker on both engines: he holds the device, knows the PIN and has the bound phone
// (or a malicious app on it), never the owner's authenticator. The signing holes: chains without a rule (2),
// typed data judged on a chain id its hash does not commit to (3), a transaction's hash signed as a personal
// message (5), a testnet limit dodged with regtest, which shares its keys (7). Each test failed on the code before
// the fix (the attack signed) and passes after.
import test from 'ava';
import { serializeUnsigned, type EthTx } from '../../modules/ethereum/tx.js';
import { NETWORKS } from '../../modules/bitcoin/networks.js';
import { fromHex, utf8Encode } from '../../modules/bytes.js';
import { buildPsbt } from './support/psbt-builder.js';
import { setPolicy, walletWithApp, type DeviceRig } from './support/device-rig.js';

const TO = '0x1d1c328764a41bda0492b66baa30c4a339ff85ef';
const ETH = 10n ** 18n;
const T0 = 1_800_000_000;

const tx = (value: bigint, over: Partial<EthTx> = {}): Uint8Array => serializeUnsigned({ type: 'eip1559', chainId: 1n, nonce: 0n, maxPriorityFeePerGas: 1n, maxFeePerGas: 10n ** 9n, gasLimit: 21_000n, to: TO, value, data: new Uint8Array(0), accessList: [], ...over });

function ready(policy: unknown) {
  const { rig, app } = walletWithApp('attack-app', 'Alice phone', T0);
  if (policy) setPolicy(rig, app, policy);
  app.collect();
  return { rig, app };
}

/** Dismiss the "Not signed" notes the refusals left on the screen. */
function dismiss(rig: DeviceRig): void {
  for (let i = 0; i < 10 && ['guard-refused', 'eth-tx-done', 'eth-typed-done', 'eth-message-done', 'btc-psbt-done'].includes(rig.d.screen.id); i++) {
    rig.waitArmed(); // a note the link just put up ignores presses for a moment
    rig.press('b');
  }
}

/** Sign a request the owner approves (reading every page); the answer. */
function approve(rig: DeviceRig, app: ReturnType<typeof ready>['app'], method: string, params: Record<string, unknown>): any {
  const first = app.ask(method, params);
  const now = (first as any[]).find((r) => r.id !== undefined);
  if (now) return now;
  rig.readReview(60);
  rig.decide('c');
  const answer = app.answer();
  dismiss(rig);
  return answer;
}

test('item 2: with eth:1 limited, 5 ETH on chains 10, 137, 8453, 42161 and 56 is refused, saying which chain and how to add a rule', (t) => {
  const { rig, app } = ready({ rules: [{ asset: 'eth:1', daily: (ETH / 10n).toString() }] });
  for (const chainId of [10n, 137n, 8453n, 42161n, 56n]) {
    const r = app.call('eth_sign_tx', { tx: tx(5n * ETH, { chainId }) });
    t.is(r.error?.code, 'policy', `chain ${chainId} must not sign`);
    t.regex(r.error?.message ?? '', new RegExp(`^no spending rule covers .*\\(chain ${chainId}\\): while Ethereum limits are on, a chain without a rule is not signed \\(add a rule for eth:${chainId}, or one for eth:\\* `));
    dismiss(rig);
  }
  t.true(rig.d.events.latest(10).some((e) => e.kind === 'policy-refused' && /chain 8453/.test(String(e.details.reason))));
  // adding a chain is a loosening: without codes it waits, announced
  const add = setPolicy(rig, app, { rules: [{ asset: 'eth:1', daily: (ETH / 10n).toString() }, { asset: 'eth:10', daily: ETH.toString() }] });
  t.is(add.result.status, 'pending');
});

test('item 2: eth:* counts every chain without its own rule in one budget, so hopping chains meets one limit; tokens there still need a rule', (t) => {
  const { rig, app } = ready({ rules: [{ asset: 'eth:1', daily: (ETH / 10n).toString() }, { asset: 'eth:*', daily: ETH.toString() }] });
  t.truthy(approve(rig, app, 'eth_sign_tx', { tx: tx(6n * ETH / 10n, { chainId: 10n }) }).result?.signedTx);
  const hop = app.call('eth_sign_tx', { tx: tx(6n * ETH / 10n, { chainId: 137n }) });
  t.is(hop.error?.code, 'policy');
  t.regex(hop.error.message, /^limit reached: 0\.399979 coin left today; this sends 0\.600021 coin/);
  dismiss(rig);
  t.truthy(approve(rig, app, 'eth_sign_tx', { tx: tx(3n * ETH / 10n, { chainId: 8453n }) }).result?.signedTx, 'within what is left, on a third chain');
  const usdcOnBase = '0x833589fcd6edb6e08f4c7c32d4f71b54bda02913';
  const transfer = fromHex(`a9059cbb${TO.slice(2).padStart(64, '0')}${(5n).toString(16).padStart(64, '0')}`);
  const token = app.call('eth_sign_tx', { tx: tx(0n, { chainId: 8453n, to: usdcOnBase, data: transfer }) });
  t.regex(token.error?.message ?? '', /no spending limit is set for the token 0x833589fcd6edb6e08f4c7c32d4f71b54bda02913 on chain 8453/);
  t.like(app.call('policy_get').result.spent.find((s: any) => s.asset === 'eth:*'), { asset: 'eth:*', spent: '900042000000000000', left: '99958000000000000' });
});

const saltDomain = {
  types: { EIP712Domain: [{ name: 'name', type: 'string' }, { name: 'salt', type: 'bytes32' }], Permit: [{ name: 'spender', type: 'address' }, { name: 'value', type: 'uint256' }] },
  primaryType: 'Permit',
  domain: { name: 'Token', salt: `0x${'11'.repeat(32)}`, chainId: 4242 },
  message: { spender: TO, value: '1000000000000000000000' },
};

test('item 3: a salt-style domain with an undeclared chainId is judged as signing no chain (every chain): refused without a code', (t) => {
  const { rig, app } = ready({ rules: [{ asset: 'eth:1', daily: (ETH / 10n).toString() }] });
  const r = app.call('eth_sign_typed_data', { data: saltDomain });
  t.is(r.error?.code, 'policy', 'it must not reach the review');
  t.regex(r.error?.message ?? '', /this domain signs no chain id: it is valid on every chain.*no verification codes are set up/);
  dismiss(rig);
  // a chainId declared as text is not a chain id the signature commits to either
  const asText = { ...saltDomain, types: { ...saltDomain.types, EIP712Domain: [...saltDomain.types.EIP712Domain, { name: 'chainId', type: 'string' }] }, domain: { ...saltDomain.domain, chainId: '1' } };
  t.regex(app.call('eth_sign_typed_data', { data: asText }).error?.message ?? '', /signs no chain id/);
});

test('item 3: the review agrees with the hash: undeclared domain fields are named as not signed, and no chain is shown as signed', (t) => {
  const { rig, app } = ready(undefined);
  app.ask('eth_sign_typed_data', { data: saltDomain });
  const pages = rig.readReview(40).join('\n');
  t.regex(pages, /Domain: name: "Token" \| salt: 0x1111.* \| No chain id is signed: valid on every chain\./);
  t.notRegex(pages, /chainId: .*4242/);
  t.regex(pages, /Not signed: 1 field\(s\) the app sent are not in the types: they are not signed, and the device ignores them\. \| not signed: domain\.chainId/);
  rig.decide('c');
  t.truthy(app.answer().result.signature, 'no rules: it signs (what it signs is what was shown)');
});

test('item 5: a Safe transaction\'s hash as personal_sign needs a code while limits are on (refused without codes); sign-in text signs', (t) => {
  const { rig, app } = ready({ rules: [{ asset: 'eth:1', daily: (ETH / 10n).toString() }] });
  const safeTxHash = fromHex('8a6f2b7c1e9d3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3');
  const refusals: [unknown, RegExp][] = [
    [safeTxHash, /the shape of a hash/],
    [`0x${'8a6f2b7c'.repeat(8)}`, /the shape of a hash/],
    [utf8Encode('Tx Hash 8a6f2b7c1e9d3a4b5c6d7e8f'), /the shape of a hash/], // 32 bytes: a hash ground down to printable text
    [Uint8Array.of(0xff, 0xfe, 0x00, 0x41, 0x42), /not printable text/],
    ['line one\r\nline two\u0007', /not printable text/],
    ['hello \u202eevil', /not printable text/],
  ];
  for (const [message, why] of refusals) {
    const r = app.call('eth_sign_message', { message });
    t.is(r.error?.code, 'policy', String(message).slice(0, 30));
    t.regex(r.error?.message ?? '', why);
    t.regex(r.error?.message ?? '', /while spending limits are on it needs a verification code, and no verification codes are set up/);
    dismiss(rig);
  }
  const siwe = 'example.com wants you to sign in with your Ethereum account:\n0x1D1C328764A41bda0492b66baA30C4a339Ff85Ef\n\nSign in.\n\nURI: https://example.com\nVersion: 1\nChain ID: 1\nNonce: 32891756\nIssued At: 2027-01-15T08:00:00Z';
  t.truthy(approve(rig, app, 'eth_sign_message', { message: siwe }).result?.signature, 'printable text signs');
});

test('item 7: a btc:testnet rule also covers regtest (the same keys): a regtest PSBT counts against it; a network without a rule is refused', (t) => {
  const { rig, app } = ready({ rules: [{ asset: 'btc:testnet', daily: 100_000 }] });
  const keys = rig.d.keyring;
  const psbt = (network: 'testnet' | 'regtest', amount: bigint, index: number) => buildPsbt(keys, NETWORKS[network], [{ type: 'wpkh', index, amount: amount + 2_000n }], [{ amount }]);
  const over = app.call('btc_sign_psbt', { psbt: psbt('regtest', 500_000n, 0), network: 'regtest' });
  t.is(over.error?.code, 'policy', 'the attacker\'s "regtest" meets the testnet limit');
  t.regex(over.error.message, /^limit reached: 0\.001 tBTC left today; this sends 0\.00502 tBTC/);
  dismiss(rig);
  t.truthy(approve(rig, app, 'btc_sign_psbt', { psbt: psbt('regtest', 60_000n, 1), network: 'regtest' }).result?.psbt);
  const second = app.call('btc_sign_psbt', { psbt: psbt('testnet', 60_000n, 2), network: 'testnet' });
  t.regex(second.error?.message ?? '', /^limit reached: 0\.00038 tBTC left today/, 'the regtest spend counted against the testnet rule');
  dismiss(rig);
  t.regex(app.call('btc_sign_psbt', { psbt: buildPsbt(keys, NETWORKS.mainnet, [{ type: 'wpkh', index: 0, amount: 10_000n }], [{ amount: 8_000n }]), network: 'mainnet' }).error?.message ?? '',
    /^no spending rule covers bitcoin mainnet: while Bitcoin limits are on, a network without a rule is not signed \(add a rule for btc:mainnet\)/);
  dismiss(rig);
  t.regex(app.call('policy_set', { policy: { rules: [{ asset: 'btc:testnet', daily: 1 }, { asset: 'btc:regtest', daily: 1 }] } }).error?.message ?? '', /btc:testnet and btc:regtest share their keys/);
});
