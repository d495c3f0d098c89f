// The spending policy on its own (both engines): rules as an app sends them, what counts as loosening, what a
// transaction spends, the verdicts in words, pending changes on the device clock, and the property the whole
// feature exists for: whatever the sequence of requests and clock moves, the device never signs more than a
// daily limit in any 24 hours of device time (a model of every signed spend checks each window).
import test from 'ava';
import fc from 'fast-check';
import { parsePolicy, policyToPlain, type Policy } from '../../modules/guard/policy.js';
import { isLoosening } from '../../modules/guard/coverage.js';
import { DAY_MS, MAX_ENTRIES, SpendLedger } from '../../modules/guard/ledger.js';
import { ethTxOutflows, judge } from '../../modules/guard/spending.js';
import type { EthTx } from '../../modules/ethereum/tx.js';
import { decodeCall } from '../../modules/ethereum/calldata.js';
import { fromHex } from '../../modules/bytes.js';
import { guardRig } from './support/guard-rig.js';

const ETH = 10n ** 18n;
const USDC = 'eth:1:0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48';
const ALICE = '0x1d1c328764a41bda0492b66baa30c4a339ff85ef';
const policy = (rules: unknown[], overLimitWithCode = false): Policy => parsePolicy({ rules, overLimitWithCode });

function tx(value: bigint, bytes: Uint8Array = new Uint8Array(0), to = ALICE, chainId = 1n): EthTx {
  const data = new Uint8Array(bytes);
  return { type: 'eip1559', chainId, nonce: 0n, gasLimit: 21_000n, maxFeePerGas: 10n ** 9n, maxPriorityFeePerGas: 1n, to, value, data, accessList: [] };
}
const transfer = (to: string, amount: bigint) => fromHex(`a9059cbb${to.slice(2).padStart(64, '0')}${amount.toString(16).padStart(64, '0')}`);
const approve = (to: string, amount: bigint) => fromHex(`095ea7b3${to.slice(2).padStart(64, '0')}${amount.toString(16).padStart(64, '0')}`);

test('policies from the app: checked field by field, with the reason', (t) => {
  const p = policy([{ asset: 'eth:1', daily: (ETH / 10n).toString(), perTx: '50000000000000000', allow: [ALICE.toUpperCase().replace('0X', '0x')] }, { asset: 'btc:mainnet', daily: 1_000_000 }], true);
  t.deepEqual(policyToPlain(p), { rules: [{ asset: 'eth:1', daily: '100000000000000000', perTx: '50000000000000000', allow: [ALICE] }, { asset: 'btc:mainnet', daily: '1000000' }], overLimitWithCode: true });
  const bad: [unknown, RegExp][] = [
    [[], /a policy is a map/],
    [{ rules: [], extra: 1 }, /unknown policy field "extra"/],
    [{ rules: [{ asset: 'eth:0', daily: 1 }] }, /is not an asset/],
    [{ rules: [{ asset: 'doge:1', daily: 1 }] }, /is not an asset/],
    [{ rules: [{ asset: 'eth:1', daily: 1 }, { asset: 'ETH:1', perTx: 1 }] }, /eth:1 has two rules/],
    [{ rules: [{ asset: 'eth:1' }] }, /set "daily", "perTx" or "allow"/],
    [{ rules: [{ asset: 'eth:1', daily: -1 }] }, /"daily" is out of range/],
    [{ rules: [{ asset: 'eth:1', daily: 1.5 }] }, /"daily" must be a whole number/],
    [{ rules: [{ asset: 'eth:1', daily: '1'.repeat(79) }] }, /"daily" must be a whole number/],
    [{ rules: [{ asset: 'eth:1', daily: (1n << 256n).toString() }] }, /out of range/],
    [{ rules: [{ asset: 'eth:1', allow: ['0x12'] }] }, /not an Ethereum address/],
    [{ rules: [{ asset: 'eth:1', allow: [] }] }, /1 to 16 addresses/],
    [{ rules: Array.from({ length: 17 }, (_, i) => ({ asset: `eth:${i + 1}`, daily: 1 })) }, /at most 16 rules/],
    [{ rules: [], overLimitWithCode: 'yes' }, /true or false/],
    [{ rules: Array.from({ length: 4 }, (_, i) => ({ asset: `eth:${i + 1}`, allow: Array.from({ length: 16 }, (_, k) => `0x${(i * 16 + k).toString(16).padStart(40, '0')}`) })) }, /the policy takes \d+ bytes; the device keeps at most 2048/],
  ];
  for (const [v, why] of bad) t.throws(() => parsePolicy(v), { code: 'bad-policy', message: why }, JSON.stringify(v).slice(0, 80));
});

test('loosening and tightening', (t) => {
  const base = policy([{ asset: 'eth:1', daily: 100, perTx: 50, allow: [ALICE] }]);
  const looser = [
    policy([]),
    policy([{ asset: 'eth:1', daily: 101, perTx: 50, allow: [ALICE] }]),
    policy([{ asset: 'eth:1', daily: 100, allow: [ALICE] }]),
    policy([{ asset: 'eth:1', daily: 100, perTx: 50 }]),
    policy([{ asset: 'eth:1', daily: 100, perTx: 50, allow: [ALICE, '0x000000000000000000000000000000000000dead'] }]),
    policy([{ asset: 'eth:1', daily: 100, perTx: 50, allow: [ALICE] }], true),
    policy([{ asset: 'eth:1', daily: 100, perTx: 50, allow: [ALICE] }, { asset: USDC, daily: 5 }]),
  ];
  for (const l of looser) t.true(isLoosening(base, l), JSON.stringify(policyToPlain(l)));
  const tighter = [
    policy([{ asset: 'eth:1', daily: 99, perTx: 50, allow: [ALICE] }]),
    policy([{ asset: 'eth:1', daily: 100, perTx: 1, allow: [ALICE] }]),
    policy([{ asset: 'eth:1', daily: 100, perTx: 50, allow: [ALICE] }, { asset: 'btc:mainnet', daily: 5 }]),
  ];
  for (const s of tighter) t.false(isLoosening(base, s), JSON.stringify(policyToPlain(s)));
});

test('what an Ethereum transaction spends while limits are on for its chain', (t) => {
  const p = policy([{ asset: 'eth:1', daily: (ETH / 10n).toString() }, { asset: USDC, daily: 1_000_000_000 }]);
  const plain = ethTxOutflows(p, tx(ETH / 100n), decodeCall(new Uint8Array(0)));
  t.deepEqual(plain, { outflows: [{ asset: 'eth:1', amount: ETH / 100n + 21_000n * 10n ** 9n, to: [ALICE] }] });
  const usdc = USDC.split(':')[2];
  t.deepEqual(ethTxOutflows(p, tx(0n, transfer(ALICE, 5_000_000n), usdc), decodeCall(transfer(ALICE, 5_000_000n))), {
    outflows: [{ asset: 'eth:1', amount: 21_000n * 10n ** 9n, to: [] }, { asset: USDC, amount: 5_000_000n, to: [ALICE] }],
  });
  const dai = '0x6b175474e89094c44da98b954eedeac495271d0f';
  t.regex((ethTxOutflows(p, tx(0n, transfer(ALICE, 1n), dai), decodeCall(transfer(ALICE, 1n))) as any).refuse, /no spending limit is set for the token 0x6b17.* on chain 1/);
  t.regex((ethTxOutflows(p, tx(0n, approve(ALICE, (1n << 256n) - 1n), usdc), decodeCall(approve(ALICE, (1n << 256n) - 1n))) as any).refuse, /unlimited token approval/);
  t.deepEqual((ethTxOutflows(p, tx(0n, approve(ALICE, 7n), usdc), decodeCall(approve(ALICE, 7n))) as any).outflows[1], { asset: USDC, amount: 7n, to: [ALICE] });
  t.regex((ethTxOutflows(p, tx(0n, fromHex('deadbeef00')), decodeCall(fromHex('deadbeef00'))) as any).refuse, /cannot decode is not signed while Ethereum spending limits are on \(chain 1\)/);
  // the same key signs on every chain: a chain without a rule is refused, not unlimited (issue 16, item 2)
  t.regex((ethTxOutflows(p, tx(ETH, new Uint8Array(0), ALICE, 10n), decodeCall(new Uint8Array(0))) as any).refuse, /^no spending rule covers OP Mainnet \(chain 10\): while Ethereum limits are on, a chain without a rule is not signed \(add a rule for eth:10, or one for eth:\* that covers every chain without its own\)$/);
  t.deepEqual(ethTxOutflows(policy([{ asset: 'btc:mainnet', daily: 1 }]), tx(ETH, fromHex('deadbeef00'), ALICE, 10n), decodeCall(fromHex('deadbeef00'))), { outflows: [] }, 'only Bitcoin rules: Ethereum is not limited');
});

test('verdicts in words: left today, per transaction, allow-list, code override', (t) => {
  const p = policy([{ asset: 'eth:1', daily: (ETH / 10n).toString(), perTx: (ETH / 20n).toString() }, { asset: 'btc:mainnet', allow: ['bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu'] }]);
  const ledger = new SpendLedger().with([{ asset: 'eth:1', amount: 8n * ETH / 100n }], 1000, () => true);
  const over = judge(p, ledger, 2000, [{ asset: 'eth:1', amount: 4n * ETH / 100n, to: [ALICE] }], false);
  t.deepEqual(over, { kind: 'refuse', why: 'limit reached: 0.02 ETH left today; this sends 0.04 ETH (more frees up in 24 h of device time)' });
  const ok = judge(p, ledger, 2000, [{ asset: 'eth:1', amount: ETH / 100n, to: [ALICE] }], false);
  t.deepEqual(ok, { kind: 'allow', outflows: [{ asset: 'eth:1', amount: ETH / 100n, to: [ALICE] }], notes: ['0.01 ETH left of today\'s 0.1 ETH after this.'] });
  t.regex((judge(p, new SpendLedger(), 0, [{ asset: 'eth:1', amount: 6n * ETH / 100n, to: [] }], false) as any).why, /over the 0.05 ETH allowed in one transaction/);
  t.regex((judge(p, new SpendLedger(), 0, [{ asset: 'btc:mainnet', amount: 1n, to: ['bc1qstranger'] }], false) as any).why, /bc1qstranger is not on the allow-list for BTC/);
  t.is(judge(p, new SpendLedger(), 0, [{ asset: 'btc:mainnet', amount: 1n, to: ['bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu'] }], false).kind, 'allow');
  const withCode = parsePolicy({ ...policyToPlain(p), overLimitWithCode: true });
  t.is(judge(withCode, ledger, 2000, [{ asset: 'eth:1', amount: 4n * ETH / 100n, to: [] }], true).kind, 'code');
  t.is(judge(withCode, ledger, 2000, [{ asset: 'eth:1', amount: 4n * ETH / 100n, to: [] }], false).kind, 'refuse', 'no codes enrolled: the override cannot be used');
  t.is(judge(p, ledger, 1000 + DAY_MS, [{ asset: 'eth:1', amount: 4n * ETH / 100n, to: [] }], false).kind, 'allow', 'the spend left the window');
});

test('a loosening waits 24 hours of device time, is announced, survives a reboot, and can be cancelled', (t) => {
  const r = guardRig();
  r.guard.apply(policy([{ asset: 'eth:1', daily: 100 }]));
  const raised = policy([{ asset: 'eth:1', daily: 1000 }]);
  t.is(r.guard.compare(raised), 'looser');
  t.is(r.guard.compare(policy([{ asset: 'eth:1', daily: 10 }])), 'tighter');
  t.is(r.guard.compare(policy([{ asset: 'eth:1', daily: 100 }])), 'same');
  r.guard.schedule({ kind: 'policy', policy: raised });
  t.like(r.notices.at(-1), { notice: 'change-pending', data: { kind: 'policy', inMs: DAY_MS } });
  t.throws(() => r.guard.schedule({ kind: 'policy', policy: raised }), { code: 'change-pending' });
  r.advance(DAY_MS - 60_000);
  r.reboot();
  r.guard.tick();
  t.is(r.guard.policy.rules[0].daily, 100n, 'not yet');
  r.advance(60_000);
  r.guard.tick();
  t.is(r.guard.policy.rules[0].daily, 1000n);
  t.is(r.guard.pendingPolicy, undefined);
  t.true(r.notices.slice(-2).some((n) => n.notice === 'policy-changed'));
  r.guard.schedule({ kind: 'policy', policy: policy([]) });
  t.true(r.guard.cancelKind('policy', 'device'));
  r.advance(2 * DAY_MS);
  r.guard.tick();
  t.is(r.guard.policy.rules.length, 1, 'a cancelled change never applies');
});

test('the ledger is bounded, and merging never lets more through', (t) => {
  let l = new SpendLedger();
  for (let i = 0; i < 200; i++) l = l.with([{ asset: i % 3 ? 'eth:1' : 'btc:mainnet', amount: 1n }], i * 1000, () => true);
  t.true(l.all.length <= MAX_ENTRIES);
  t.is(l.spent('eth:1', 200_000) + l.spent('btc:mainnet', 200_000), 200n, 'every unit still counted');
  t.is(l.with([], DAY_MS + 300_000, () => true).all.length, 0, 'all older than a day: dropped');
  t.is(l.with([], 200_000, (e) => e.asset === 'eth:1').spent('btc:mainnet', 200_000), 0n, 'assets no rule limits any more are dropped');
});

test('property: never more than the daily limit in any 24 hours of device time, whatever the requests and clock moves', (t) => {
  const LIMIT = 1000n;
  let refused = 0;
  let allowed = 0;
  fc.assert(fc.property(
    fc.array(fc.record({ wait: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3_600_000 }), fc.integer({ min: DAY_MS - 60_000, max: DAY_MS + 60_000 })), amount: fc.bigInt({ min: 1n, max: 700n }), reboot: fc.boolean() }), { minLength: 1, maxLength: 40 }),
    (steps) => {
      const r = guardRig();
      r.guard.apply(policy([{ asset: 'eth:1', daily: LIMIT.toString() }]));
      const signed: { at: number; amount: bigint }[] = [];
      for (const s of steps) {
        r.advance(s.wait);
        if (s.reboot) r.reboot();
        const now = r.vault.clock.now();
        const v = judge(r.guard.policy, r.guard.ledger, now, [{ asset: 'eth:1', amount: s.amount, to: [] }], false);
        if (v.kind === 'allow') {
          r.guard.record(v.outflows);
          signed.push({ at: now, amount: s.amount });
          allowed++;
        } else refused++;
      }
      // every window (a, a + 24 h] that could hold the most: those ending at a signing time
      return signed.every((end) => signed.filter((x) => x.at > end.at - DAY_MS && x.at <= end.at).reduce((n, x) => n + x.amount, 0n) <= LIMIT);
    },
  ), { numRuns: 30 });
  t.true(allowed > 30 && refused > 10, `${allowed} signed, ${refused} refused: both sides exercised`);
});
