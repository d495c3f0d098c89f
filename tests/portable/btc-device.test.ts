// Bitcoin through the whole device on both engines: accounts and addresses for a bound app, PSBTs reviewed on
// the screen (outputs, hidden change, fee warnings) and signed with hold C, and the PSBTs it must refuse.
import test from 'ava';
import { Transaction } from '@scure/btc-signer';
import { encodeCbor as encode } from '../../modules/protocol/cbor.js';
import { NETWORKS } from '../../modules/bitcoin/networks.js';
import { Kind } from '../../modules/protocol/messages.js';
import { walletWithApp, type DeviceRig } from './support/device-rig.js';
import { buildPsbt } from './support/psbt-builder.js';

const net = NETWORKS.testnet;

function ready() {
  const { rig, app } = walletWithApp('btc-app', 'Bitcoin app');
  return { rig, app, keys: rig.d.keyring };
}

test('xpub (with zpub/vpub and a descriptor) and addresses of both account types', (t) => {
  const { app } = ready();
  const x = app.call('btc_get_xpub', { network: 'testnet' }).result;
  t.regex(x.xpub, /^tpub/);
  t.regex(x.slip132, /^vpub/);
  t.regex(x.descriptor, /^wpkh\(\[[0-9a-f]{8}\/84h\/1h\/0h\]tpub.*\/<0;1>\/\*\)#[a-z0-9]{8}$/);
  const tr = app.call('btc_get_xpub', { type: 'tr', account: 1 }).result;
  t.is(tr.path, "m/86'/0'/1'");
  t.is(tr.slip132, undefined);
  t.regex(app.call('btc_get_address', { network: 'regtest' }).result.address, /^bcrt1q/);
  t.regex(app.call('btc_get_address', { type: 'tr', change: true, index: 4 }).result.address, /^bc1p/);
  t.is(app.call('btc_get_address', { type: 'tr', change: true, index: 4 }).result.path, "m/86'/0'/0'/1/4");
  t.like(app.call('btc_get_address', { type: 'p2pkh' }), { error: { code: 'bad-params' } });
  t.like(app.call('btc_get_address', { network: 'signet' }), { error: { code: 'bad-params' } });
});

test('address --show: text and QR on the screen, the owner confirms', (t) => {
  const { rig, app } = ready();
  const address = app.call('btc_get_address', { index: 3 }).result.address;
  app.sendCbor(encode({ id: 40, method: 'btc_get_address', params: { index: 3, show: true } }));
  t.is(rig.d.screen.id, 'btc-address');
  t.is(rig.d.screen.qr, address);
  rig.waitArmed();
  rig.press('c');
  t.true((app.decode(app.collect()).find((a: any) => a.id === 40) as any).result.confirmed);
});

test('sign a P2WPKH + P2TR PSBT: outputs shown, change hidden, fee shown; both inputs signed', (t) => {
  const { rig, app, keys } = ready();
  const psbt = buildPsbt(keys, net, [{ type: 'wpkh', index: 0, amount: 60_000n }, { type: 'tr', index: 1, amount: 40_000n }],
    [{ amount: 70_000n }, { amount: 28_500n, to: 'change', type: 'wpkh', index: 2 }]);
  t.deepEqual(app.sendCbor(encode({ id: 1, method: 'btc_sign_psbt', params: { psbt, network: 'testnet' } })), [{ notify: 'confirm-on-device', data: { request: 'btc-psbt' } }]);
  const seen = rig.readReview(60);
  t.regex(seen[0], /Signs 2 inputs of this wallet\..*1 change output back to this wallet is not shown\./);
  t.regex(seen[1], /^Output 1 of 1: To: \| tb1q.* \| 0\.0007 tBTC/);
  t.regex(seen[2], /^Fee: 0\.000015 tBTC( \||$)/);
  // BIP84 and BIP86 account 0 are two accounts: the owner is told
  t.regex(seen[3], /^Warning: The inputs come from more than one account\./);
  t.regex(seen[4], /^Send\?: Send 0\.0007 tBTC\? \| plus a fee of 0\.000015 tBTC/);
  const drawn = rig.b.canvas.frames.length;
  rig.decide('c');
  // While it signs, the screen says so, input by input (a PSBT of many inputs takes a while on the board).
  const texts = rig.b.canvas.frames.slice(drawn).map((f) => f.filter((c) => c[0] === 'text').map((c) => c[1]).join(' | '));
  t.true(texts.some((x) => x.includes('Signing...') && x.includes('1 of 2')), texts.join('\n'));
  t.true(texts.some((x) => x.includes('2 of 2')));
  t.is(rig.d.screen.title, 'Signed');
  const [a] = app.decode(app.collect()) as any[];
  t.is(a.result.signedInputs, 2);
  const signed = Transaction.fromPSBT(a.result.psbt);
  t.is(signed.getInput(0).partialSig?.length, 1);
  t.is(signed.getInput(1).tapKeySig?.length, 64);
  signed.finalize();
  t.true(signed.isFinal);
});

test('fee warnings: 10% or more of the amount sent, and more than the amount sent', (t) => {
  const { rig, app, keys } = ready();
  const high = buildPsbt(keys, net, [{ type: 'wpkh', index: 0, amount: 100_000n }], [{ amount: 90_000n }]);
  app.sendCbor(encode({ id: 2, method: 'btc_sign_psbt', params: { psbt: high, network: 'testnet' } }));
  t.true(rig.readReview(60).some((p) => /^Fee: 0\.0001 tBTC \| The fee is 10% or more of the amount sent\./.test(p)));
  rig.decide('b', false);
  app.collect();
  const absurd = buildPsbt(keys, net, [{ type: 'tr', index: 0, amount: 100_000n }], [{ amount: 10_000n }]);
  app.sendCbor(encode({ id: 3, method: 'btc_sign_psbt', params: { psbt: absurd, network: 'testnet' } }));
  t.true(rig.readReview(60).some((p) => /The fee is more than the amount sent\./.test(p)));
  rig.decide('b', false);
  t.like(app.decode(app.collect())[0], { id: 3, error: { code: 'refused' } });
});

test('a change output with a foreign key is shown as a payment, with a warning', (t) => {
  const { rig, app, keys } = ready();
  const psbt = buildPsbt(keys, net, [{ type: 'wpkh', index: 0, amount: 100_000n }], [{ amount: 50_000n }, { amount: 49_000n, to: 'foreign-change', index: 0 }]);
  app.sendCbor(encode({ id: 4, method: 'btc_sign_psbt', params: { psbt, network: 'testnet' } }));
  const seen = rig.readReview(60);
  t.true(seen.some((p) => /^Output 2 of 2: .*0\.00049 tBTC \| It claims to be this wallet's change but is not\./.test(p)), seen.join('\n'));
  t.true(seen.some((p) => /An output claims to be this wallet's but is not/.test(p)));
  t.true(seen[seen.length - 1].includes('Send 0.00099 tBTC?'));
});

test('a PSBT with someone else\'s input (a payjoin or coinjoin): the owner is told, only ours is signed', (t) => {
  const { rig, app, keys } = ready();
  const psbt = buildPsbt(keys, net, [{ type: 'wpkh', index: 0, amount: 100_000n, foreign: true }, { type: 'tr', index: 0, amount: 50_000n }], [{ amount: 149_000n }]);
  app.sendCbor(encode({ id: 5, method: 'btc_sign_psbt', params: { psbt, network: 'testnet' } }));
  const seen = rig.readReview(60);
  t.regex(seen[0], /Signs 1 input of this wallet\. \| 1 other input is not this wallet's: not signed here\./);
  t.regex(seen[seen.length - 1], /Send 0\.00149 tBTC\? \| plus a fee of 0\.00001 tBTC/);
  rig.decide('c');
  const [a] = app.decode(app.collect()) as any[];
  t.is(a.result.signedInputs, 1);
  const signed = Transaction.fromPSBT(a.result.psbt);
  t.is(signed.getInput(0).partialSig, undefined);
  t.is(signed.getInput(1).tapKeySig?.length, 64);
});

test('segwit v0 without its previous transaction, odd sighashes and foreign inputs', (t) => {
  const { app, keys } = ready();
  const noPrev = buildPsbt(keys, net, [{ type: 'wpkh', index: 0, amount: 100_000n }], [{ amount: 90_000n }], { dropPrevTx: 0 });
  t.regex(app.call('btc_sign_psbt', { psbt: noPrev, network: 'testnet' }).error.message, /segwit v0 input without its previous transaction/);
  const none = buildPsbt(keys, net, [{ type: 'wpkh', index: 0, amount: 100_000n }], [{ amount: 90_000n }], { sighash: 0x82 });
  t.regex(app.call('btc_sign_psbt', { psbt: none, network: 'testnet' }).error.message, /sighash 130: only DEFAULT and ALL/);
  const wrongNet = buildPsbt(keys, net, [{ type: 'wpkh', index: 0, amount: 100_000n }], [{ amount: 90_000n }]);
  t.regex(app.call('btc_sign_psbt', { psbt: wrongNet, network: 'mainnet' }).error.message, /coin type 1' is not mainnet's/);
});

test('hostile PSBTs: truncated, garbage, duplicate keys, a wrong key under our fingerprint, amount overflow, too many inputs or outputs', (t) => {
  const { app, keys } = ready();
  const good = buildPsbt(keys, net, [{ type: 'wpkh', index: 0, amount: 100_000n }], [{ amount: 90_000n }]);
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty', new Uint8Array(0), /does not parse/],
    ['truncated', good.subarray(0, good.length - 10), /does not parse/],
    ['garbage', Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 255), /does not parse/],
    ['duplicate key', duplicateGlobal(good), /does not parse/],
    ['wrong key', wrongKey(keys), /a key this wallet does not have at that path|the script it spends is not/],
    ['overflow', buildPsbt(keys, net, [{ type: 'tr', index: 0, amount: 2_100_000_000_000_000n }], [{ amount: 2_100_000_000_000_001n }]), /out of range|more than 21 million/],
    // foreign inputs keep it small enough for one message (16 KiB); the count is checked before anything else
    ['51 inputs', buildPsbt(keys, net, Array.from({ length: 51 }, (_, i) => ({ type: 'tr' as const, index: i, amount: 1000n, foreign: true })), [{ amount: 1000n }]), /51 inputs; the device signs at most 50 in one go/],
    ['51 outputs', buildPsbt(keys, net, [{ type: 'tr', index: 0, amount: 100_000n }], Array.from({ length: 51 }, () => ({ amount: 1000n }))), /51 outputs; the device shows at most 50/],
    ['no input of ours', buildPsbt(keys, net, [{ type: 'wpkh', index: 0, amount: 5000n, foreign: true }], [{ amount: 4000n }]), /no input of this PSBT belongs to this wallet/],
  ];
  for (const [what, psbt, pattern] of cases) {
    const r = app.call('btc_sign_psbt', { psbt, network: 'testnet' });
    t.is(r.error?.code, 'bad-psbt', what);
    t.regex(r.error?.message ?? '', pattern, what);
  }
  t.deepEqual(app.call('ping').result, { pong: true });
});

test('a 500-input PSBT (38 KB) is refused at the link as too large, and the device keeps serving the same session', (t) => {
  const { rig, app, keys } = ready();
  const psbt = buildPsbt(keys, net, Array.from({ length: 500 }, (_, i) => ({ type: 'wpkh' as const, index: i, amount: 1000n, foreign: true })), [{ amount: 1000n }]);
  t.true(psbt.length > 30_000, `${psbt.length} bytes`);
  // What a client that ignores the limit would send: a session message of that size, in MTU-sized packets.
  const body = new Uint8Array(1 + psbt.length + 64);
  body[0] = Kind.sessionData;
  body.set(psbt, 1);
  const room = 247 - 4;
  for (let at = 0, seq = 0; at < body.length; at += room, seq++) {
    const chunk = body.subarray(at, Math.min(at + room, body.length));
    rig.b.link().received(Uint8Array.of((at === 0 ? 0x80 : 0) | (at + room >= body.length ? 0x40 : 0) | (seq & 63), ...chunk));
  }
  const [answer] = app.collect();
  t.is(answer.error?.name, 'badFrame', JSON.stringify(answer.error));
  t.regex(answer.error?.message ?? '', /16384/);
  t.deepEqual(app.call('ping').result, { pong: true }, 'the session goes on');
  t.is(rig.d.screen.id, 'unlocked');
});

/** The PSBT with its unsigned-tx global key repeated. */
function duplicateGlobal(psbt: Uint8Array): Uint8Array {
  // magic(5) | 0x01 0x00 (key: unsigned tx) | varint len | tx ... : repeat that pair right after itself
  const keyAt = 5;
  const len = psbt[keyAt + 2];
  const pair = psbt.subarray(keyAt, keyAt + 3 + len);
  const out = new Uint8Array(psbt.length + pair.length);
  out.set(psbt.subarray(0, keyAt + pair.length));
  out.set(pair, keyAt + pair.length);
  out.set(psbt.subarray(keyAt + pair.length), keyAt + 2 * pair.length);
  return out;
}

/** An input whose derivation names our fingerprint and a real path, but another key and script. */
function wrongKey(keys: ReturnType<typeof ready>['keys']): Uint8Array {
  const psbt = buildPsbt(keys, net, [{ type: 'tr', index: 0, amount: 100_000n }], [{ amount: 90_000n }]);
  const tx = Transaction.fromPSBT(psbt);
  const other = keys.derive([0x80000056, 0x80000001, 0x80000000, 0, 9]).publicKey!.subarray(1);
  const input = tx.getInput(0);
  tx.updateInput(0, { tapBip32Derivation: [[other, input.tapBip32Derivation![0][1]]] }, true);
  return tx.toPSBT(0);
}
