/**
 * The catalogue's signing flow: Ethereum addresses, transactions, messages and typed data, Bitcoin, and the screens
 * that ask for a verification code over a limit. One wallet for all of it: deriving its keys is the slow part on XS.
 */
import { encodeCbor as encode } from '../../modules/protocol/cbor.js';
import { PERMIT2 } from '../../modules/ethereum/permits.js';
import { NETWORKS } from '../../modules/bitcoin/networks.js';
import { totp } from '../../modules/guard/otp.js';
import { fromHex } from '../../modules/bytes.js';
import type { AppPeer } from '../portable/support/app-peer.js';
import { PIN, enrolCodes, menuItem, walletWithApp, type DeviceRig } from '../portable/support/device-rig.js';
import { buildPsbt } from '../portable/support/psbt-builder.js';
import type { Camera } from './camera.js';
import { ETH, LABEL32, MAX256, SPENDER, T0, TO, USDC, ethTx, review, sign, word, type Flow, codeRefused } from './scene-kit.js';

const PERMIT2_DOMAIN = [{ name: 'name', type: 'string' }, { name: 'chainId', type: 'uint256' }, { name: 'verifyingContract', type: 'address' }];

function ethereum(cam: Camera, rig: DeviceRig, app: AppPeer): void {
    app.sendCbor(encode({ id: 900, method: 'eth_get_address', params: { index: 2, show: true } }));
    cam.shot(rig, 'eth-address');
    rig.waitArmed();
    rig.press('c');
    app.ask('eth_sign_tx', { tx: ethTx() });
    review(cam, rig);
    sign(cam, rig, 'eth-tx');
    // 2^256-1 wei, the largest value a transaction holds
    app.ask('eth_sign_tx', { tx: ethTx({ value: MAX256, chainId: 8453n }) });
    review(cam, rig, 'max-value');
    rig.decide('b', false);
    const usdt = '0xdac17f958d2ee523a2206206994597c13d831ec7';
    app.ask('eth_sign_tx', { tx: ethTx({ to: usdt, value: 0n, data: fromHex(`095ea7b3${word(SPENDER.slice(2))}${'f'.repeat(64)}`) }) });
    review(cam, rig, 'unlimited-approval');
    rig.decide('b', false);
    app.ask('eth_sign_tx', { tx: ethTx({ to: '0x' + '42'.repeat(20), value: 0n, data: fromHex(`a9059cbb${word(TO.slice(2))}${MAX256.toString(16)}`) }) });
    review(cam, rig, 'unknown-token');
    rig.decide('b', false);
    app.call('eth_sign_tx', { tx: ethTx({ data: Uint8Array.of(0x12, 0x34, 0x56, 0x78, 9) }) });
    cam.shot(rig, 'blind-refused');
    rig.waitArmed();
    rig.press('b');
    rig.d.vault.setPreferences({ ...rig.d.vault.preferences, blindSigning: true });
    app.ask('eth_sign_tx', { tx: ethTx({ data: Uint8Array.from({ length: 300 }, (_, i) => i & 0xff), type: 'eip2930', gasPrice: 20_000_000_000n, accessList: [[TO, []]] }) });
    review(cam, rig, 'blind');
    rig.decide('b', false);
    app.ask('eth_sign_tx', { tx: ethTx({ to: undefined, value: 0n, data: Uint8Array.from({ length: 400 }, (_, i) => (i * 7) & 0xff), type: 'legacy', gasPrice: 20_000_000_000n }) });
    review(cam, rig, 'contract-creation');
    rig.decide('b', false);
    // a request the policy refuses by the time the owner approves: "Not signed"
    app.ask('eth_sign_tx', { tx: ethTx() });
    rig.readReview(20);
    rig.d.guard.apply({ rules: [{ asset: 'eth:1', daily: 1n }], overLimitWithCode: false });
    sign(cam, rig, 'eth-tx', 'refused');
    rig.d.guard.apply({ rules: [], overLimitWithCode: false });
    const siwe = 'example.com wants you to sign in with your Ethereum account:\n0x8232f538F70A22B2886C3D00eBC482A68dA0398F\n\nSign in to Example.\n\nURI: https://example.com/login\nVersion: 1\nChain ID: 1\nNonce: 32891756\nIssued At: 2026-01-01T00:00:00.000Z';
    app.ask('eth_sign_message', { message: siwe });
    review(cam, rig);
    sign(cam, rig, 'eth-message');
    app.ask('eth_sign_message', { message: 'Za\u017c\u00f3\u0142\u0107 g\u0119\u015bl\u0105 ja\u017a\u0144 \u202etxet\u202c' });
    review(cam, rig, 'escaped');
    rig.decide('b', false);
    app.ask('eth_sign_message', { message: Uint8Array.from({ length: 32 }, (_, i) => (i * 37) & 0xff) });
    review(cam, rig, 'hex');
    rig.decide('b', false);
}

function typedData(cam: Camera, rig: DeviceRig, app: AppPeer): void {
    const details = [{ name: 'token', type: 'address' }, { name: 'amount', type: 'uint160' }, { name: 'expiration', type: 'uint48' }, { name: 'nonce', type: 'uint48' }];
    app.ask('eth_sign_typed_data', { data: {
      types: { EIP712Domain: PERMIT2_DOMAIN, PermitDetails: details, PermitBatch: [{ name: 'details', type: 'PermitDetails[]' }, { name: 'spender', type: 'address' }, { name: 'sigDeadline', type: 'uint256' }] },
      primaryType: 'PermitBatch', domain: { name: 'Permit2', chainId: '0x1', verifyingContract: PERMIT2 },
      message: { details: [{ token: USDC, amount: ((1n << 160n) - 1n).toString(), expiration: 1_767_225_600, nonce: 0 }, { token: '0x6b175474e89094c44da98b954eedeac495271d0f', amount: (25n * ETH).toString(), expiration: 0, nonce: 1 }], spender: SPENDER, sigDeadline: 1_767_225_600 },
    } });
    review(cam, rig, 'permit2');
    sign(cam, rig, 'eth-typed');
    // the deepest: structs nested 12 levels (the link's CBOR limit is 16 levels in all)
    const types: Record<string, { name: string; type: string }[]> = { EIP712Domain: [{ name: 'name', type: 'string' }, { name: 'chainId', type: 'uint256' }] };
    let value: Record<string, unknown> = { leaf: 'the innermost value', amount: MAX256.toString() };
    types.L12 = [{ name: 'leaf', type: 'string' }, { name: 'amount', type: 'uint256' }];
    for (let i = 11; i >= 1; i--) {
      types[`L${i}`] = [{ name: 'inner', type: `L${i + 1}` }, { name: 'tag', type: 'string' }];
      value = { inner: value, tag: `level ${i}` };
    }
    app.ask('eth_sign_typed_data', { data: { types, primaryType: 'L1', domain: { name: 'Deep', chainId: 10 }, message: value } });
    review(cam, rig, 'deepest');
    rig.decide('b', false);
    const fake = '0x2222222222222222222222222222222222222222';
    app.ask('eth_sign_typed_data', { data: {
      types: { EIP712Domain: [{ name: 'name', type: 'string' }, { name: 'chainId', type: 'uint256' }], Order: [{ name: 'note', type: 'string' }, { name: 'spender', type: 'address' }] },
      primaryType: 'Order', domain: { name: `Shop\nverifyingContract: ${fake}`, chainId: 1 }, message: { note: `Thanks!\nspender: ${fake}`, spender: SPENDER },
    } });
    review(cam, rig, 'line-break');
    rig.decide('b', false);
    rig.d.vault.setPreferences({ ...rig.d.vault.preferences, blindSigning: true });
    app.ask('eth_sign_typed_data', { data: {
      types: { EIP712Domain: [{ name: 'name', type: 'string' }], Big: [{ name: 'items', type: 'uint8[]' }] },
      primaryType: 'Big', domain: { name: 'Too large' }, message: { items: Array.from({ length: 200 }, (_, i) => i) },
    } });
    review(cam, rig, 'too-large');
    rig.decide('b', false);
}

function bitcoin(cam: Camera, rig: DeviceRig, app: AppPeer): void {
    app.sendCbor(encode({ id: 901, method: 'btc_get_address', params: { type: 'tr', index: 7, show: true } }));
    cam.shot(rig, 'btc-address');
    rig.waitArmed();
    rig.press('c');
    const keys = rig.d.keyring;
    const psbt = buildPsbt(keys, NETWORKS.mainnet, [{ type: 'wpkh', index: 0, amount: 160_000n }, { type: 'tr', index: 1, amount: 40_000n }],
      [{ amount: 70_000n }, { amount: 50_000n, to: 'own-receive', type: 'tr', index: 9 }, { amount: 28_500n, to: 'change', type: 'wpkh', index: 2 }], { lockTime: 850_000 });
    app.ask('btc_sign_psbt', { psbt, network: 'mainnet' });
    review(cam, rig);
    sign(cam, rig, 'btc-psbt');
}

/** Last: codes enrolled and limits set change every review after them. */
function overLimits(cam: Camera, rig: DeviceRig, app: AppPeer): void {
    app.call('ping');
    const secret = enrolCodes(rig);
    rig.press('b', true);
    const limit = { asset: 'eth:1', daily: (ETH / 10n).toString() };
    app.ask('policy_set', { policy: { rules: [limit, { asset: 'btc:testnet', daily: '10000' }] } });
    rig.readReview(20);
    rig.decide('c');
    rig.press('b');
    app.ask('policy_set', { policy: { rules: [limit, { asset: 'btc:testnet', daily: '10000' }], overLimitWithCode: true } });
    rig.readReview(20);
    rig.decide('c');
    codeRefused(cam, rig, 'policy-code');
    rig.press('b');
    rig.b.advance(30_000);
    app.time = T0 + 30;
    app.call('ping');
    app.ask('policy_set', { policy: { rules: [limit, { asset: 'btc:testnet', daily: '10000' }], overLimitWithCode: true } });
    rig.readReview(20);
    rig.decide('c');
    rig.enterPin(totp(secret, rig.d.guard.world.now()!));
    rig.press('b');
    // over the limit with a code
    app.ask('eth_sign_tx', { tx: ethTx({ value: ETH }) });
    review(cam, rig, 'over-limit');
    rig.decide('c');
    codeRefused(cam, rig, 'eth-tx-code');
    rig.press('b');
    const typed = {
      types: { EIP712Domain: [{ name: 'name', type: 'string' }, { name: 'chainId', type: 'uint256' }], Permit: [{ name: 'value', type: 'uint256' }] },
      primaryType: 'Permit', domain: { name: 'Token', chainId: 1 }, message: { value: 5 },
    };
    app.ask('eth_sign_typed_data', { data: typed });
    rig.readReview(20);
    rig.decide('c');
    codeRefused(cam, rig, 'eth-typed-code');
    rig.press('b');
    rig.b.advance(600_000); // past the wrong-code lock-out
    const keys = rig.d.keyring;
    const psbt = buildPsbt(keys, NETWORKS.testnet, [{ type: 'wpkh', index: 0, amount: 60_000n }], [{ amount: 50_000n }, { amount: 9_000n, to: 'change', type: 'wpkh', index: 1 }]);
    app.ask('btc_sign_psbt', { psbt, network: 'testnet' });
    rig.readReview(20);
    rig.decide('c');
    codeRefused(cam, rig, 'btc-psbt-code');
    rig.press('b');
    rig.b.advance(600_000);
    menuItem(rig, 'Freeze now');
    rig.decide('c');
    rig.press('c');
    rig.enterPin(PIN);
    codeRefused(cam, rig, 'unfreeze-code');
}

export const signing: Flow = {
  name: 'signing: Ethereum, typed data, Bitcoin, and over the limits with a code',
  run(cam) {
    const { rig, app } = walletWithApp('cat-signing', LABEL32, T0);
    ethereum(cam, rig, app);
    typedData(cam, rig, app);
    bitcoin(cam, rig, app);
    overLimits(cam, rig, app);
  },
};
