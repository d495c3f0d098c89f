// Spending rules per wallet (issue 23), on both engines. Rules without a wallet bind every wallet; a wallet's own
// rules bind it IN ADDITION (a request must pass both), so adding one only tightens and removing one waits 24 h.
// The attacker holds the device and knows the PIN: switching wallets must get him past neither scope.
import test from 'ava';
import { isLoosening } from '../../modules/guard/coverage.js';
import { DAY_MS, SpendLedger } from '../../modules/guard/ledger.js';
import { parsePolicy, policyToPlain } from '../../modules/guard/policy.js';
import { walletWithApp } from './support/device-rig.js';
import { dismiss, ETH, sign, switchTo } from './support/wallet-steps.js';

const T0 = 1_800_000_000;
const W = '1a2b3c4d';

/** A device with a global 0.1 ETH/day rule and, for the passphrase wallet "hidden", its own 0.05 ETH/day. */
function ready() {
  const { rig, app } = walletWithApp('per-wallet', 'Alice phone', T0);
  dismiss(rig);
  rig.d.vault.setPreferences({ ...rig.d.vault.preferences, appPassphrase: true }); // he knows the PIN: he can allow it
  app.collect();
  const standard = app.call('get_info').result.fingerprint;
  const hidden = switchTo(rig, app, 'hidden');
  switchTo(rig, app, '');
  const policy = { rules: [{ asset: 'eth:1', daily: (ETH / 10n).toString() }, { asset: 'eth:1', daily: (ETH / 20n).toString(), wallet: hidden }] };
  app.ask('policy_set', { policy });
  const review = rig.readReview(40);
  rig.decide('c');
  const set = app.answer();
  dismiss(rig);
  return { rig, app, standard, hidden, policy, review, set };
}

test('a wallet rule tightens only that wallet, is shown on the review, and applies at once', (t) => {
  const { rig, app, standard, hidden, review, set } = ready();
  t.not(standard, hidden);
  t.is(set.result?.status, 'applied', 'a wallet rule added only tightens');
  t.true(review.some((l) => l.includes(`wallet ${hidden}`)), `the review names the wallet: ${review.join(' / ')}`);
  t.truthy(sign(rig, app, 6n * ETH / 100n).result?.signedTx, 'the standard wallet is not bound by the hidden wallet\'s 0.05');
  const got = app.call('policy_get').result;
  t.like(got.policy.rules[1], { asset: 'eth:1', wallet: hidden });
  t.like(got.spent.find((s: any) => s.wallet === hidden), { spent: '0' }, 'the hidden wallet\'s own limit counts only its signatures');
  const bad = app.call('policy_set', { policy: { rules: [{ asset: 'eth:1', daily: '1', wallet: hidden.toUpperCase() + '0' }] } });
  t.is(bad.error?.code, 'bad-params', 'a bad fingerprint is refused on the link');
  t.regex(bad.error.message, /rule 1: "wallet" must be a master fingerprint of 8 lowercase hex digits/);
  t.deepEqual(app.call('policy_get').result.policy.rules, got.policy.rules, 'and loses nothing');
});

test('the rules for every wallet still bind a passphrase wallet with rules of its own; its own rule binds too', (t) => {
  const { rig, app, hidden } = ready();
  t.truthy(sign(rig, app, 6n * ETH / 100n).result?.signedTx, 'standard: 0.06 of the global 0.1');
  switchTo(rig, app, 'hidden');
  const overGlobal = sign(rig, app, 5n * ETH / 100n);
  t.is(overGlobal.error?.code, 'policy', 'within its own 0.05 but over what the global rule has left');
  t.notRegex(overGlobal.error.message, /own rules/);
  t.truthy(sign(rig, app, 3n * ETH / 100n).result?.signedTx, 'within both');
  switchTo(rig, app, '');
  // a fresh day: only the hidden wallet's own rule is short now
  rig.b.advance(DAY_MS + 1000);
  rig.b.tick();
  rig.unlock(); // the device locked itself meanwhile; the idle session ended
  app.connect();
  app.openSession();
  dismiss(rig);
  switchTo(rig, app, 'hidden');
  t.truthy(sign(rig, app, 4n * ETH / 100n).result?.signedTx);
  const overOwn = sign(rig, app, 2n * ETH / 100n);
  t.is(overOwn.error?.code, 'policy');
  t.regex(overOwn.error.message, new RegExp(`wallet ${hidden}'s own rules: limit reached`));
});

test('the PIN holder who switches wallets escapes neither scope', (t) => {
  const { rig, app, hidden } = ready();
  switchTo(rig, app, 'hidden');
  t.truthy(sign(rig, app, 49n * ETH / 1000n).result?.signedTx, 'the hidden wallet spends its own limit');
  for (const p of ['', 'hidden', 'another', 'hidden']) {
    const fp = switchTo(rig, app, p);
    const r = sign(rig, app, 2n * ETH / 100n);
    if (fp === hidden) t.is(r.error?.code, 'policy', `nothing left for ${hidden} after switching back`);
    else t.truthy(r.result?.signedTx, `another wallet (${p || 'standard'}) signs within the global rule`);
  }
  // the global 0.1: 0.049 + 0.02 + 0.02 (and fees) spent; another 0.02 would pass 0.1 in any wallet
  for (const p of ['', 'another', 'third']) {
    switchTo(rig, app, p);
    t.is(sign(rig, app, 2n * ETH / 100n).error?.code, 'policy', `the global limit binds "${p || 'standard'}" too`);
  }
});

test('removing a wallet rule is a loosening: it waits 24 hours, and the rule binds meanwhile', (t) => {
  const { rig, app, hidden, policy } = ready();
  app.collect();
  app.ask('policy_set', { policy: { rules: [policy.rules[0]] } });
  const seen = rig.readReview(40);
  t.true(seen.some((p) => /This loosens the limits\./.test(p)), seen.join('\n'));
  rig.decide('c');
  const replies = app.decode(app.collect()) as any[];
  t.like(replies.find((r) => r.id !== undefined).result, { status: 'pending', inMs: DAY_MS });
  dismiss(rig);
  t.is(app.call('policy_get').result.policy.rules.length, 2, 'still in force');
  switchTo(rig, app, 'hidden');
  t.is(sign(rig, app, 6n * ETH / 100n).error?.code, 'policy', 'the wallet rule still binds while the removal waits');
  t.is(hidden.length, 8);
});

test('policy: the wallet field is 8 lowercase hex digits, checked with a clear message; it round-trips', (t) => {
  for (const bad of ['1A2B3C4D', '1a2b3c4', '1a2b3c4d5', 'xyzxyzxy', 12345678]) {
    const e = t.throws(() => parsePolicy({ rules: [{ asset: 'eth:1', daily: 1, wallet: bad }] }));
    t.is((e as any).code, 'bad-policy');
    t.regex(e!.message, /"wallet" must be a master fingerprint of 8 lowercase hex digits/);
  }
  const p = parsePolicy({ rules: [{ asset: 'eth:1', daily: 5 }, { asset: 'eth:1', daily: 1, wallet: W }] });
  t.deepEqual(parsePolicy(policyToPlain(p)), p);
  t.throws(() => parsePolicy({ rules: [{ asset: 'eth:1', daily: 1, wallet: W }, { asset: 'eth:1', daily: 2, wallet: W }] }), { message: /two rules for wallet 1a2b3c4d/ });
  t.throws(() => parsePolicy({ rules: [{ asset: 'btc:testnet', daily: 1, wallet: W }, { asset: 'btc:regtest', daily: 2, wallet: W }] }), { message: /share their keys/ });
});

test('loosening per scope: a wallet rule added tightens; removed, raised or moved to another wallet loosens', (t) => {
  const global = { asset: 'eth:1', daily: 10n };
  const own = { asset: 'eth:1', daily: 5n, wallet: W };
  const p = (...rules: any[]) => ({ rules, overLimitWithCode: false });
  t.false(isLoosening(p(global), p(global, own)), 'added');
  t.true(isLoosening(p(global, own), p(global)), 'removed');
  t.true(isLoosening(p(global, own), p(global, { ...own, daily: 6n })), 'raised');
  t.false(isLoosening(p(global, own), p(global, { ...own, daily: 4n })), 'lowered');
  t.true(isLoosening(p(global, own), p(global, { ...own, wallet: 'deadbeef' })), 'moved to another wallet');
  t.true(isLoosening(p(global), p({ ...global, wallet: W })), 'a rule for every wallet made one wallet\'s');
  t.true(isLoosening(p({ asset: 'btc:mainnet', daily: 1n, wallet: W }), p({ asset: 'eth:1', daily: 1n, wallet: W })), 'a wallet\'s coverage changed');
});

test('ledger: a wallet\'s own limit counts only its signatures; the rules for every wallet count all', (t) => {
  const l = new SpendLedger()
    .with([{ asset: 'eth:1', amount: 3n, scope: { wallet: W, scoped: false } }, { asset: 'eth:1', amount: 3n, scope: { wallet: W, scoped: true } }], 1000, () => true)
    .with([{ asset: 'eth:1', amount: 7n, scope: { wallet: 'deadbeef', scoped: false } }], 2000, () => true);
  t.is(l.scope(undefined).spent('eth:1', 3000), 10n, 'every wallet');
  t.is(l.scope(W).spent('eth:1', 3000), 3n, 'W\'s own');
  t.is(l.scope('deadbeef').spent('eth:1', 3000), 0n, 'deadbeef signed nothing under its own rules');
  const back = SpendLedger.fromPlain(l.toPlain());
  t.deepEqual(back.all, l.all, 'the record round-trips with the wallets');
  t.throws(() => SpendLedger.fromPlain([['eth:1'], [[0, 1, new Uint8Array([1]), 7, 1]]]), { message: /damaged/ });
});

test('ledger: a record from before rules per wallet still reads, and counts for every wallet\'s own rules', (t) => {
  const old = SpendLedger.fromPlain([['eth:1'], [[0, 1000, new Uint8Array([9])]]]);
  t.is(old.scope(undefined).spent('eth:1', 2000), 9n);
  t.is(old.scope(W).spent('eth:1', 2000), 9n, 'conservative: counted for any wallet');
  t.is(old.scope('deadbeef').spent('eth:1', 2000), 9n);
  const next = old.with([{ asset: 'eth:1', amount: 1n, scope: { wallet: W, scoped: true } }], 3000, () => true);
  t.is(next.scope(W).spent('eth:1', 3000), 10n);
  t.is(next.scope('deadbeef').spent('eth:1', 3000), 9n);
});
