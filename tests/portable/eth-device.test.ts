// Ethereum through the whole device on both engines: a bound app's session asks, the owner reads the review on
// the screen and holds C (or rejects), and the answer is checked against the key. Refusals, blind data, locks,
// expiry, cancel, and hostile transactions and typed data.
import test from 'ava';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import * as rlp from 'micro-eth-signer/core/rlp.js';
import { fromHex, toHex } from '../../modules/bytes.js';
import { serializeUnsigned, signingHash, type EthTx } from '../../modules/ethereum/tx.js';
import { REQUEST_TTL_MS } from '../../modules/signing/approval.js';
import { encodeCbor as encode } from '../../modules/protocol/cbor.js';
import { bindApp, deviceRig } from './support/device-rig.js';

const TO = '0x1d1c328764a41bda0492b66baa30c4a339ff85ef';

function unlockedWithApp() {
  const rig = deviceRig({ wallet: true, unlocked: true });
  return { rig, app: bindApp(rig, 'eth-app', 'Wallet app') };
}

function tx(over: Partial<EthTx> = {}): EthTx {
  return { type: 'eip1559', chainId: 1n, nonce: 3n, maxPriorityFeePerGas: 1_000_000_000n, maxFeePerGas: 30_000_000_000n, gasLimit: 21_000n, to: TO, value: 150_000_000_000_000_000n, data: new Uint8Array(0), accessList: [], ...over };
}

test('eth_get_address: the default account, and any path; xpub of the account', (t) => {
  const { app } = unlockedWithApp();
  const a = app.call('eth_get_address');
  t.regex(a.result.address, /^0x[0-9a-fA-F]{40}$/);
  t.is(a.result.path, "m/44'/60'/0'/0/0");
  t.is(app.call('eth_get_address', { index: 7 }).result.path, "m/44'/60'/0'/0/7");
  t.is(app.call('eth_get_address', { path: "m/44'/60'/0'/0/0" }).result.address, a.result.address);
  t.regex(app.call('eth_get_xpub').result.xpub, /^xpub/);
  t.like(app.call('eth_get_address', { path: 'm/x' }), { error: { code: 'bad-params' } });
  t.like(app.call('eth_get_address', { path: "m/44'/60'", index: 1 }), { error: { code: 'bad-params' } });
});

test('eth_get_address with show: text and QR on the screen; the owner answers Match or Mismatch', (t) => {
  const { rig, app } = unlockedWithApp();
  const address = app.call('eth_get_address', { index: 2 }).result.address;
  t.deepEqual(app.sendCbor(encode({ id: 90, method: 'eth_get_address', params: { index: 2, show: true } })), [{ notify: 'confirm-on-device', data: { request: 'eth-address' } }], 'the answer waits for the owner');
  t.is(rig.d.screen.id, 'eth-address');
  t.is(rig.d.screen.qr, address, 'the QR code holds the address');
  t.true(rig.d.screen.lines.some((l) => l === `0x ${address.slice(2).match(/.{4}/g)!.join(' ')}`), 'the address in groups of four');
  rig.press('c'); // at once: the screen the link put up ignores it
  t.is(rig.d.screen.id, 'eth-address');
  rig.waitArmed();
  rig.press('c'); // Match
  const [answer] = app.decode(app.collect()) as any[];
  t.deepEqual(answer, { id: 90, result: { address, path: "m/44'/60'/0'/0/2", confirmed: true } });
  app.sendCbor(encode({ id: 91, method: 'eth_get_address', params: { show: true } }));
  rig.waitArmed();
  rig.press('a'); // Mismatch
  t.false((app.decode(app.collect())[0] as any).result.confirmed);
});

test('sign an EIP-1559 transaction: review in order, hold C, and the signature is the account key\'s', (t) => {
  const { rig, app } = unlockedWithApp();
  const from = app.call('eth_get_address').result.address;
  const raw = serializeUnsigned(tx());
  t.deepEqual(app.sendCbor(encode({ id: 50, method: 'eth_sign_tx', params: { tx: raw } })), [{ notify: 'confirm-on-device', data: { request: 'eth-tx' } }]);
  const pages = rig.readReview(40);
  t.regex(pages[0], /^Network: Ethereum/);
  t.regex(pages[1], /^Recipient: 0x1D1C328764A41BdA0492b66bAA30C4A339FF85EF/, 'EIP-55');
  t.regex(pages[2], /^Amount: 0\.15 ETH/);
  t.regex(pages[3], /^Maximum fee: 0\.00063 ETH/);
  t.regex(pages[4], /^Details: From: .*Nonce: 3 \| Gas limit: 21000 \| Max fee per gas: 30 gwei \| Priority fee: 1 gwei/);
  t.is(rig.d.screen.id, 'eth-tx-confirm');
  rig.press('c', true); // too soon: the guard
  t.deepEqual(app.collect(), []);
  rig.decide('c');
  const [answer] = app.decode(app.collect()) as any[];
  t.is(answer.id, 50);
  const sig = secp256k1.Signature.fromBytes(new Uint8Array([...answer.result.r, ...answer.result.s]), 'compact').addRecoveryBit(Number(answer.result.v));
  const pub = sig.recoverPublicKey(signingHash(raw)).toBytes(true);
  t.is(toHex(pub), toHex(rig.d.keyring.derive([0x8000002c, 0x8000003c, 0x80000000, 0, 0]).publicKey!));
  t.is(from, app.call('eth_get_address').result.address);
  t.is(answer.result.signedTx[0], 2);
  t.is(rig.d.screen.id, 'eth-tx-done');
});

test('reject anywhere: "refused on the device"', (t) => {
  const { rig, app } = unlockedWithApp();
  app.sendCbor(encode({ id: 1, method: 'eth_sign_tx', params: { tx: serializeUnsigned(tx()) } }));
  rig.waitArmed();
  rig.press('c');
  rig.press('b'); // Reject on page 2
  const [answer] = app.decode(app.collect()) as any[];
  t.deepEqual(answer, { id: 1, error: { code: 'refused', message: 'refused on the device' } });
  t.is(rig.d.screen.id, 'unlocked');
});

test('ERC-20 transfer and unlimited approval are decoded; unknown data needs blind signing', (t) => {
  const { rig, app } = unlockedWithApp();
  const usdt = '0xdac17f958d2ee523a2206206994597c13d831ec7';
  const word = (hex: string) => hex.padStart(64, '0');
  const transfer = fromHex(`a9059cbb${word(TO.slice(2))}${word((1_500_000n).toString(16))}`);
  app.sendCbor(encode({ id: 2, method: 'eth_sign_tx', params: { tx: serializeUnsigned(tx({ to: usdt, value: 0n, data: transfer })) } }));
  const pages = rig.readReview(40);
  t.true(pages.some((p) => /^Token: USDT token contract/.test(p)));
  t.true(pages.some((p) => /^Token amount: 1\.5 USDT/.test(p)));
  rig.decide('b', false); // Reject (the last page is a decision: guarded too)
  app.collect();
  const approve = fromHex(`095ea7b3${word(TO.slice(2))}${'f'.repeat(64)}`);
  app.sendCbor(encode({ id: 3, method: 'eth_sign_tx', params: { tx: serializeUnsigned(tx({ to: usdt, value: 0n, data: approve })) } }));
  const approvePages = rig.readReview(40);
  t.true(approvePages.some((p) => /^Approval amount: UNLIMITED/.test(p)), approvePages.join('\n'));
  rig.decide('b', false);
  app.collect();
  const blind = tx({ data: Uint8Array.of(0x12, 0x34, 0x56, 0x78, 9) });
  const refused = app.call('eth_sign_tx', { tx: serializeUnsigned(blind) });
  t.like(refused, { error: { code: 'blind-signing-off' } });
  t.regex(refused.error.message, /Menu > Blind signing/, 'the error names the menu item the owner turns on');
  t.true(rig.d.screen.lines.some((l) => l.includes('Menu > Blind signing')));
  t.is(rig.d.screen.id, 'blind-refused');
  rig.press('b');
  rig.d.vault.setPreferences({ ...rig.d.vault.preferences, blindSigning: true });
  app.sendCbor(encode({ id: 4, method: 'eth_sign_tx', params: { tx: serializeUnsigned(blind) } }));
  const blindPages = rig.readReview(40);
  t.true(blindPages.some((p) => /^Blind data: .*Size: 5 bytes \| Selector: 0x12345678 \| Keccak-256: 0x/.test(p)));
  rig.decide('c');
  t.truthy((app.decode(app.collect())[0] as any).result.signedTx);
});

test('a locked device signs nothing; locking withdraws a request under review', (t) => {
  const { rig, app } = unlockedWithApp();
  rig.d.vault.setPreferences({ ...rig.d.vault.preferences, autoLockMinutes: 1 });
  app.sendCbor(encode({ id: 5, method: 'eth_sign_tx', params: { tx: serializeUnsigned(tx()) } }));
  t.is(rig.d.screen.id, 'eth-tx-review');
  rig.b.advance(60_000); // nobody touches it: auto-lock
  rig.b.tick();
  const answers = app.decode(app.collect()) as any[];
  t.like(answers.find((a) => a.id === 5), { error: { code: 'locked' } });
  t.false(rig.d.keyring.loaded, 'the keys are wiped');
  t.like(app.call('eth_sign_tx', { tx: serializeUnsigned(tx()) }), { error: { code: 'locked' } });
  t.like(app.call('eth_get_address'), { error: { code: 'locked' } });
});

test('a bound device without a wallet says so: not "locked" (there is no PIN to unlock it with yet)', (t) => {
  const rig = deviceRig();
  const app = bindApp(rig, 'first-use', 'First app');
  t.is(rig.d.state, 'bound');
  for (const [method, params] of [['eth_get_address', {}], ['eth_sign_message', { message: 'hi' }], ['btc_get_xpub', {}], ['policy_set', { policy: { rules: [] } }], ['authenticator_list', {}]] as const) {
    t.like(app.call(method, params), { error: { code: 'no-wallet', message: 'the device has no wallet yet: set one up on the device (Set up), then ask again' } }, method);
  }
});

test('a request expires after three minutes; the app can cancel one; one at a time', (t) => {
  const { rig, app } = unlockedWithApp();
  rig.d.vault.setPreferences({ ...rig.d.vault.preferences, autoLockMinutes: 30 });
  app.sendCbor(encode({ id: 6, method: 'eth_sign_message', params: { message: 'hello' } }));
  t.like(app.call('eth_sign_tx', { tx: serializeUnsigned(tx()) }), { error: { code: 'busy' } });
  rig.b.advance(REQUEST_TTL_MS);
  rig.b.tick();
  t.like(app.decode(app.collect()).find((a: any) => a.id === 6), { error: { code: 'timeout' } });
  t.is(rig.d.screen.id, 'unlocked');
  app.sendCbor(encode({ id: 7, method: 'eth_sign_message', params: { message: 'hello again' } }));
  t.is(rig.d.screen.id, 'eth-message-review');
  const out = app.sendCbor(encode({ id: 8, method: 'cancel' }));
  t.like(out[0], { id: 7, error: { code: 'cancelled' } });
  t.is(rig.d.screen.id, 'unlocked');
});

test('a message is shown as text (non-ASCII as codes) or hex, and signed as EIP-191', (t) => {
  const { rig, app } = unlockedWithApp();
  app.sendCbor(encode({ id: 9, method: 'eth_sign_message', params: { message: 'Zażółć gęślą jaźń' } }));
  const pages = rig.readReview(40);
  t.true(pages.some((p) => p.includes('Za\\u{17c}\\u{f3}\\u{142}\\u{107} g\\u{119}')), pages.join('\n'));
  rig.decide('c');
  const [a] = app.decode(app.collect()) as any[];
  t.is(a.result.signature.length, 65);
  app.sendCbor(encode({ id: 10, method: 'eth_sign_message', params: { message: Uint8Array.of(0, 1, 0xff) } }));
  t.true(rig.readReview(40).some((p) => p.includes('0001ff')));
  rig.press('b');
});

test('hostile transactions: each a clear error, and the device still signs afterwards', (t) => {
  const { rig, app } = unlockedWithApp();
  const good = serializeUnsigned(tx());
  const deep = new Uint8Array(200).fill(0xc1);
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty', new Uint8Array(0), /empty/],
    ['truncated', good.subarray(0, good.length - 3), /malformed RLP/],
    ['trailing bytes', Uint8Array.from([...good, 0]), /malformed RLP|unread/],
    ['unknown type', Uint8Array.of(0x05, 0xc0), /type 0x5 is not supported/],
    ['blob tx (type 3)', Uint8Array.of(0x03, 0xc0), /type 0x3/],
    ['nested 200 deep', Uint8Array.from([0x02, ...deep]), /nested deeper than 4/],
    ['wrong field count', Uint8Array.of(0x02, 0xc3, 0x01, 0x02, 0x03), /has 3 fields; it must have 9/],
    ['chain id 0', serializeUnsigned(tx({ chainId: 0n })), /chain id 0/],
    ['a 33-byte value', withField(6, new Uint8Array(33).fill(1)), /value is 33 bytes/],
    ['a 21-byte recipient', withField(5, new Uint8Array(21).fill(1)), /to must be 20 bytes/],
    ['a list as the nonce', withField(1, []), /nonce must be an integer/],
    ['leading zero', withField(1, Uint8Array.of(0, 1)), /leading zero/],
    ['priority above max fee', serializeUnsigned(tx({ maxPriorityFeePerGas: 10n, maxFeePerGas: 5n })), /higher than maxFeePerGas/],
    ['signed legacy', legacySigned(), /looks signed/],
  ];
  for (const [what, raw, pattern] of cases) {
    const r = app.call('eth_sign_tx', { tx: raw });
    t.like(r, { error: { code: 'bad-params' } }, what);
    t.regex(r.error.message, pattern, what);
    t.is(rig.d.screen.id, 'unlocked', `${what}: nothing on the screen`);
  }
  t.like(app.call('eth_sign_tx', { tx: 'not bytes' }), { error: { code: 'bad-params' } });
  app.sendCbor(encode({ id: 70, method: 'eth_sign_tx', params: { tx: good } }));
  rig.readReview(40);
  rig.decide('c');
  t.truthy((app.decode(app.collect())[0] as any).result.r);
});

test('hostile typed data: undeclared types, cycles, bad values and wrong shapes are refused clearly', (t) => {
  const { app } = unlockedWithApp();
  const domain = { name: 'X', chainId: 1 };
  const dt = [{ name: 'name', type: 'string' }, { name: 'chainId', type: 'uint256' }];
  const cases: [string, unknown, RegExp][] = [
    ['not a map', [1, 2], /typed data is a map/],
    ['undeclared type', { types: { EIP712Domain: dt, A: [{ name: 'b', type: 'Bee' }] }, primaryType: 'A', domain, message: {} }, /"Bee", which is not declared/],
    ['cycle', { types: { EIP712Domain: dt, A: [{ name: 'b', type: 'B' }], B: [{ name: 'a', type: 'A[]' }] }, primaryType: 'A', domain, message: {} }, /cycle: A -> B -> A/],
    ['self cycle', { types: { EIP712Domain: dt, A: [{ name: 'me', type: 'A' }] }, primaryType: 'A', domain, message: {} }, /cycle/],
    ['no domain type', { types: { A: [] }, primaryType: 'A', domain, message: {} }, /EIP712Domain/],
    ['undeclared primary', { types: { EIP712Domain: dt }, primaryType: 'Z', domain, message: {} }, /primary type "Z"/],
    ['bad type syntax', { types: { EIP712Domain: dt, A: [{ name: 'x', type: 'uint256]' }] }, primaryType: 'A', domain, message: {} }, /not an EIP-712 type/],
    ['value too big', { types: { EIP712Domain: dt, A: [{ name: 'x', type: 'uint8' }] }, primaryType: 'A', domain, message: { x: 256 } }, /does not fit in uint8/],
    ['bad address', { types: { EIP712Domain: dt, A: [{ name: 'x', type: 'address' }] }, primaryType: 'A', domain, message: { x: '0x12' } }, /address value/],
    ['fixed array length', { types: { EIP712Domain: dt, A: [{ name: 'x', type: 'uint8[2]' }] }, primaryType: 'A', domain, message: { x: [1] } }, /must have 2 items/],
  ];
  for (const [what, data, pattern] of cases) {
    const r = app.call('eth_sign_typed_data', { data });
    t.like(r, { error: { code: 'bad-params' } }, what);
    t.regex(r.error?.message ?? '', pattern, what);
  }
  t.deepEqual(app.call('ping').result, { pong: true });
});

/** The good EIP-1559 transaction with field `index` (1-based, as in the RLP list after the chain id) replaced. */
function withField(index: number, value: Uint8Array | unknown[]): Uint8Array {
  const { RLP } = rlp;
  const list = RLP.decode(serializeUnsigned(tx()).subarray(1)) as unknown[];
  list[index] = value;
  return Uint8Array.from([2, ...RLP.encode(list as never)]);
}

function legacySigned(): Uint8Array {
  const { RLP } = rlp;
  return RLP.encode([1, 1, 21000, fromHex(TO.slice(2)), 0, new Uint8Array(0), 37, 5, 6] as never);
}
