// The guard through the whole device on both engines, played as the attacker: someone who has the
// device and knows the PIN, sometimes with the bound phone. A daily limit set by the app and confirmed on the
// device; spending within it and over it; a loosening that waits 24 hours of device time (the app hears it);
// the emergency stop from the app (nothing signs, nothing binds, a reboot keeps it); unfreezing on the device
// with the PIN and a verification code enrolled from the screen; over-limit signing with a code; typed data.
import test from 'ava';
import { encodeCbor as encode } from '../../modules/protocol/cbor.js';
import { serializeUnsigned, type EthTx } from '../../modules/ethereum/tx.js';
import { totp } from '../../modules/guard/otp.js';
import { DAY_MS } from '../../modules/guard/ledger.js';
import { AppPeer } from './support/app-peer.js';
import { enrolCodes, PIN, setPolicy, walletWithApp } from './support/device-rig.js';

const TO = '0x1d1c328764a41bda0492b66baa30c4a339ff85ef';
const ETH = 10n ** 18n;
const T0 = 1_800_000_000;
const LIMIT = { rules: [{ asset: 'eth:1', daily: (ETH / 10n).toString() }] };

function ready() {
  return walletWithApp('guard-app', 'Alice phone', T0);
}

const tx = (value: bigint, over: Partial<EthTx> = {}): Uint8Array => serializeUnsigned({ type: 'eip1559', chainId: 1n, nonce: 0n, maxPriorityFeePerGas: 1n, maxFeePerGas: 10n ** 9n, gasLimit: 21_000n, to: TO, value, data: new Uint8Array(0), accessList: [], ...over });



test('a daily limit set by the app and confirmed on the device: within it signs, over it is refused in words', (t) => {
  const { rig, app } = ready();
  t.deepEqual(setPolicy(rig, app, LIMIT).result, { status: 'applied' });
  app.ask('eth_sign_tx', { tx: tx(8n * ETH / 100n) });
  const seen = rig.readReview(40);
  t.true(seen.some((p) => /^Spending limit: .*ETH left of today's 0\.1 ETH after this\./.test(p)), seen.join('\n'));
  rig.decide('c');
  t.truthy(app.answer().result.signedTx);
  const second = app.call('eth_sign_tx', { tx: tx(8n * ETH / 100n) });
  t.is(second.error.code, 'policy');
  t.regex(second.error.message, /^limit reached: 0\.019979 ETH left today; this sends 0\.080021 ETH \(more frees up in 24 h of device time\)$/);
  t.is(rig.d.screen.id, 'guard-refused', 'the owner sees it too');
  rig.press('b');
  const status = app.call('policy_get').result;
  t.deepEqual(status.spent, [{ asset: 'eth:1', spent: '80021000000000000', left: '19979000000000000', freesInMs: DAY_MS }]);
  // a day of device time later the window has rolled (the device locked itself meanwhile: unlock)
  rig.b.advance(DAY_MS);
  rig.b.tick();
  rig.unlock();
  app.connect(); // the idle session ended long ago
  app.openSession();
  app.ask('eth_sign_tx', { tx: tx(8n * ETH / 100n) });
  rig.readReview(40);
  rig.decide('c');
  t.truthy(app.answer().result.signedTx);
});

test('raising the limit without codes waits 24 hours of device time; the app hears it; a reboot does not skip it', (t) => {
  const { rig, app } = ready();
  setPolicy(rig, app, LIMIT);
  app.collect();
  app.ask('policy_set', { policy: { rules: [{ asset: 'eth:1', daily: (10n * ETH).toString() }] } });
  const seen = rig.readReview(40);
  t.true(seen.some((p) => /This loosens the limits\./.test(p) && /takes effect after 24 h of device time/.test(p)), seen.join('\n'));
  rig.decide('c');
  const replies = app.decode(app.collect()) as any[];
  t.true(replies.some((r) => r.notify === 'change-pending' && r.data.kind === 'policy' && r.data.inMs === DAY_MS));
  t.deepEqual(replies.find((r) => r.id !== undefined).result, { status: 'pending', inMs: DAY_MS });
  t.is(app.call('eth_sign_tx', { tx: tx(ETH) }).error.code, 'policy', 'still the old limit');
  rig.b.advance(DAY_MS - 60_000);
  rig.b.tick();
  rig.reboot();
  rig.unlock();
  app.connect();
  app.openSession();
  rig.b.advance(60_000);
  rig.b.tick();
  const notices = app.decode(app.collect()) as any[];
  t.true(notices.some((n) => n.notify === 'policy-changed'));
  t.is(app.call('policy_get').result.policy.rules[0].daily, (10n * ETH).toString());
});

test('the app freezes the device: the waiting request ends, keys are forgotten, nothing signs or binds, a reboot keeps it', (t) => {
  const { rig, app } = ready();
  app.ask('eth_sign_tx', { tx: tx(ETH / 100n) });
  t.is(rig.d.screen.id, 'eth-tx-review');
  const replies = app.sendCbor(encode({ id: 7, method: 'freeze', time: T0 })) as any[];
  t.like(replies.find((r) => r.id === 7), { result: { frozen: true, by: 'app', label: 'Alice phone' } });
  t.true(replies.some((r) => r.error?.code === 'frozen'), 'the waiting signature request was answered: frozen');
  t.false(rig.d.vault.isUnlocked, 'the keys are forgotten');
  t.is(rig.d.screen.id, 'locked');
  t.regex(rig.text(), /FROZEN by the app "Alice phone"/);
  rig.reboot();
  t.regex(rig.text(), /FROZEN/, 'a reboot does not unfreeze');
  // the thief knows the PIN: unlocking works, signing and changing the policy do not
  rig.unlock();
  app.connect();
  app.openSession();
  t.like(app.call('eth_sign_tx', { tx: tx(1n) }), { error: { code: 'frozen', message: 'frozen by the app "Alice phone": unfreeze on the device with your PIN (after 24 h of device time, or at once when the bound app asks for it)' } });
  t.like(app.call('eth_sign_message', { message: 'hi' }), { error: { code: 'frozen' } });
  t.like(app.call('policy_set', { policy: { rules: [] } }), { error: { code: 'frozen' } });
  // and a new phone cannot bind
  const thief = new AppPeer(rig.b, 247, 'thief');
  thief.connect();
  const [refusal] = thief.requestBind('Thief');
  t.is(refusal.error?.name, 'frozen');
  // without codes the PIN alone only starts a 24-hour wait (after the "Not signed" notes for the refused requests)
  while (rig.d.screen.id === 'guard-refused') {
    rig.waitArmed(); // a screen the link put up takes presses after 0.7 s
    rig.press('b');
  }
  t.is(rig.d.screen.buttons.c, 'Unfreeze');
  rig.press('c');
  rig.enterPin(PIN);
  t.is(rig.d.screen.id, 'unfreeze-requested');
  rig.press('b');
  t.regex(rig.text(), /FROZEN .*Unfreeze takes effect in 24 h/);
  // the owner's phone vouches: its request and a held C unfreeze at once
  app.connect();
  app.openSession();
  app.ask('unfreeze');
  t.is(rig.d.screen.id, 'unfreeze-ask');
  rig.decide('c');
  t.deepEqual(app.answer().result, { unfrozen: true });
  app.ask('eth_sign_tx', { tx: tx(1n) });
  t.is(rig.d.screen.id, 'eth-tx-review');
});

test('with codes enrolled: loosening needs a code, over-limit signing takes one, unfreezing needs PIN and code', (t) => {
  const { rig, app } = ready();
  app.call('ping'); // tells the time
  const secret = enrolCodes(rig);
  const code = () => totp(secret, rig.d.guard.world.now()!);
  t.deepEqual(app.call('otp_status').result, { enrolled: true });
  setPolicy(rig, app, LIMIT);
  // loosening: allow over-limit signing with a code
  app.ask('policy_set', { policy: { ...LIMIT, overLimitWithCode: true } });
  rig.readReview(40);
  rig.decide('c');
  t.is(rig.d.screen.id, 'policy-code');
  rig.b.advance(30_000); // the next step: the enrolment's step is spent
  app.time = T0 + 30;
  app.call('ping');
  rig.enterPin(code());
  t.deepEqual(app.answer().result, { status: 'applied' });
  rig.press('b');
  // over the limit: the review says so and the device asks for a code
  rig.b.advance(30_000);
  app.time = T0 + 60;
  app.ask('eth_sign_tx', { tx: tx(ETH / 2n) });
  const seen = rig.readReview(40);
  t.true(seen.some((p) => /Over the limit: .*A verification code is needed to sign\./.test(p)), seen.join('\n'));
  rig.decide('c');
  t.is(rig.d.screen.id, 'eth-tx-code');
  rig.enterPin('000000' === code() ? '111111' : '000000');
  t.like(app.answer(), { error: { code: 'bad-code' } });
  rig.press('b');
  app.ask('eth_sign_tx', { tx: tx(ETH / 2n) });
  rig.readReview(40);
  rig.decide('c');
  rig.b.advance(30_000);
  app.time = T0 + 90;
  app.call('ping');
  rig.enterPin(code());
  t.truthy(app.answer().result.signedTx);
  rig.press('b');
  // freeze from the menu, unfreeze with PIN + code
  rig.press('b');
  while (!rig.d.screen.lines.find((l) => l.startsWith('>'))!.includes('Freeze now')) rig.press('c');
  rig.press('b');
  rig.decide('c');
  t.regex(rig.text(), /FROZEN by the owner, on the device/);
  rig.press('c'); // Unfreeze
  rig.enterPin(PIN);
  t.is(rig.d.screen.id, 'unfreeze-code');
  rig.b.advance(30_000);
  app.time = T0 + 120;
  app.connect();
  app.openSession();
  app.call('ping');
  rig.enterPin(code());
  t.is(rig.d.screen.id, 'unfrozen');
});

test('typed data under a limit needs a code (permits can hand over tokens), on a chain without a rule it is refused; text messages are not limited', (t) => {
  const { rig, app } = ready();
  setPolicy(rig, app, LIMIT);
  app.collect();
  rig.press('b');
  const typed = {
    types: { EIP712Domain: [{ name: 'name', type: 'string' }, { name: 'chainId', type: 'uint256' }], Permit: [{ name: 'value', type: 'uint256' }] },
    primaryType: 'Permit', domain: { name: 'Token', chainId: 1 }, message: { value: 5 },
  };
  t.regex(app.call('eth_sign_typed_data', { data: typed }).error.message, /typed data can hand over tokens/);
  const other = { ...typed, domain: { name: 'Token', chainId: 10 } };
  t.regex(app.call('eth_sign_typed_data', { data: other }).error.message, /no spending rule covers OP Mainnet \(chain 10\)/, 'another chain: no rule covers it');
  rig.waitArmed();
  rig.press('b');
  app.collect();
  app.ask('eth_sign_message', { message: 'sign in' });
  t.is(rig.d.screen.id, 'eth-message-review');
});
