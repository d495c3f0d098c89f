// Issue 23's attacker, on both engines: he holds the device and knows the PIN (and maybe the bound phone). A
// passphrase wallet is another set of keys, not another device: the spending policy, its one ledger, the freeze
// and the verification codes apply to every wallet, so switching wallets (once, or back and forth) gets him past
// none of them. A switch never happens under a request made for the other wallet.
import test from 'ava';
import { totp } from '../../modules/guard/otp.js';
import { enrolCodes, setPolicy, walletWithApp } from './support/device-rig.js';
import { dismiss, ETH, sign, switchTo, tx } from './support/wallet-steps.js';

const T0 = 1_800_000_000;
const LIMIT = { rules: [{ asset: 'eth:1', daily: (ETH / 10n).toString() }] };

function ready(policy?: unknown) {
  const { rig, app } = walletWithApp('pp-attacker', 'Alice phone', T0);
  if (policy) setPolicy(rig, app, policy);
  dismiss(rig);
  rig.d.vault.setPreferences({ ...rig.d.vault.preferences, appPassphrase: true }); // he knows the PIN: he can allow it
  app.collect();
  return { rig, app };
}

test('one daily limit for every wallet: spent in the standard wallet, refused in a passphrase wallet, and back again', (t) => {
  const { rig, app } = ready(LIMIT);
  const standard = app.call('get_info').result.fingerprint;
  t.truthy(sign(rig, app, 8n * ETH / 100n).result?.signedTx, '0.08 ETH in the standard wallet');
  const hidden = switchTo(rig, app, 'hidden');
  t.not(hidden, standard);
  t.not(app.call('eth_get_address', {}).result.address, undefined);
  const over = sign(rig, app, 5n * ETH / 100n);
  t.is(over.error?.code, 'policy', 'the passphrase wallet meets the same ledger');
  t.regex(over.error.message, /limit reached/);
  t.truthy(sign(rig, app, 1n * ETH / 100n).result?.signedTx, 'what is left of the one limit');
  for (const p of ['', 'another', 'hidden', '']) {
    switchTo(rig, app, p);
    t.is(sign(rig, app, 2n * ETH / 100n).error?.code, 'policy', `nothing left after switching to "${p || 'standard'}"`);
  }
  t.like(app.call('policy_get').result.spent[0], { asset: 'eth:1', spent: (9n * ETH / 100n + 2n * 21_000n * 10n ** 9n).toString() });
});

test('signatures\' events say which wallet signed; the addresses are the passphrase wallet\'s', (t) => {
  const { rig, app } = ready();
  const standardAddress = app.call('eth_get_address', {}).result.address;
  const standard = app.call('get_info').result.fingerprint;
  t.truthy(sign(rig, app, 1n).result?.signedTx);
  const hidden = switchTo(rig, app, 'hidden');
  t.not(app.call('eth_get_address', {}).result.address, standardAddress);
  app.ask('eth_get_address', { show: true });
  t.true(rig.d.screen.lines.includes(`Passphrase wallet ${hidden}`), 'the address shown says whose it is');
  rig.waitArmed();
  rig.press('c');
  app.answer();
  app.ask('eth_sign_tx', { tx: tx(1n) });
  rig.readReview(60);
  t.is(rig.d.screen.id, 'eth-tx-confirm');
  t.is(rig.d.screen.lines[0], `With passphrase wallet ${hidden}`, 'the decision says which wallet signs');
  rig.decide('c');
  t.truthy(app.answer().result?.signedTx);
  dismiss(rig);
  const signed = rig.d.events.latest(20).filter((e) => e.kind === 'signed').map((e) => e.details.wallet);
  t.deepEqual(signed, [hidden, standard], 'newest first: the passphrase wallet, then the standard one');
  t.true(rig.d.events.latest(20).filter((e) => e.kind === 'sign-requested').every((e) => typeof e.details.wallet === 'string'));
});

test('a freeze holds in every wallet: frozen, unlocked again with the PIN, a passphrase wallet signs nothing', (t) => {
  const { rig, app } = ready();
  app.call('freeze');
  t.is(rig.d.state, 'locked', 'the freeze locks the device: the keys (and the passphrase) are gone');
  t.false(rig.d.keyring.passphraseInUse);
  rig.unlock();
  switchTo(rig, app, 'hidden');
  const r = sign(rig, app, 1n);
  t.is(r.error?.code, 'frozen');
});

test('no switch under a request made for the wallet in use: the owner answers it first', (t) => {
  const { rig, app } = ready();
  // on the passphrase wheel (not interruptible) a signing request waits for the owner
  rig.press('b');
  for (let i = 0; i < 30 && !rig.d.screen.lines.some((l) => l === '> Passphrase wallet'); i++) rig.press('c');
  rig.press('b');
  rig.press('b');
  t.is(rig.d.screen.id, 'passphrase-entry');
  app.ask('eth_sign_tx', { tx: tx(1n) });
  t.truthy(rig.d.screen.waiting);
  rig.press('b');
  rig.press('a', true);
  rig.press('c');
  t.is(rig.d.screen.id, 'passphrase-wallet');
  rig.decide('c', false);
  t.is(rig.d.screen.id, 'error');
  t.regex(rig.text(), /answer it first/);
  t.false(rig.d.wallet.inUse, 'the wallet the request was made for is still in use');
  t.is(rig.d.events.latest(5).filter((e) => e.kind === 'wallet-switched').length, 0);
});

test('over the limit a passphrase wallet still needs the owner\'s verification code: a wrong one signs nothing', (t) => {
  const { rig, app } = ready();
  app.call('ping'); // tells the time
  const secret = enrolCodes(rig);
  setPolicy(rig, app, LIMIT);
  app.ask('policy_set', { policy: { ...LIMIT, overLimitWithCode: true } });
  rig.readReview(40);
  rig.decide('c');
  rig.b.advance(30_000);
  app.time = T0 + 30;
  app.call('ping');
  rig.enterPin(totp(secret, rig.d.guard.world.now()!));
  t.deepEqual(app.answer().result, { status: 'applied' });
  rig.press('b');
  switchTo(rig, app, 'hidden');
  dismiss(rig);
  app.ask('eth_sign_tx', { tx: tx(ETH / 2n) });
  rig.readReview(40);
  rig.decide('c');
  t.is(rig.d.screen.id, 'eth-tx-code', 'the passphrase wallet is over the same limit');
  rig.enterPin('000000' === totp(secret, rig.d.guard.world.now()!) ? '111111' : '000000');
  t.like(app.answer(), { error: { code: 'bad-code' } });
  t.is(rig.d.events.latest(10).filter((e) => e.kind === 'signed').length, 0);
});
