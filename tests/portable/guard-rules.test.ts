// The guard's rules read on their own (both engines): which rule covers a chain, token or network once any rule of
// its kind exists, and what counts as loosening then (a new chain, a chain taken out of eth:*'s shared budget, a
// renamed network); what a message to sign is (text, hash-shaped, binary); the chain id typed data commits to;
// the world time bounded within a power-on; HMAC keys that give the same codes.
import test from 'ava';
import { parsePolicy, type Policy } from '../../modules/guard/policy.js';
import { coverage, isLoosening } from '../../modules/guard/coverage.js';
import { messageShape } from '../../modules/ethereum/message.js';
import { checkTypedData, summarizeTypedData } from '../../modules/ethereum/typed-data.js';
import { utf8Encode } from '../../modules/bytes.js';
import { MAX_AHEAD_S, WorldTime, utcText } from '../../modules/guard/world-time.js';
import { sameHmacKey } from '../../modules/guard/codes.js';

const policy = (rules: unknown[]): Policy => parsePolicy({ rules });
const T0 = 1_800_000_000;

test('coverage: a chain is covered by its own rule or eth:*, a token only by its own, a network by any sharing its keys', (t) => {
  const p = policy([{ asset: 'eth:1', daily: 5 }, { asset: 'eth:*', daily: 7 }, { asset: 'eth:1:0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48', daily: 9 }, { asset: 'btc:regtest', daily: 3 }]);
  const rule = (asset: string) => { const c = coverage(p, asset); return c.kind === 'rule' ? c.rule.asset : c.kind; };
  t.is(rule('eth:1'), 'eth:1');
  t.is(rule('eth:137'), 'eth:*');
  t.is(rule('eth:1:0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48'), 'eth:1:0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48');
  t.is(rule('eth:137:0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48'), 'refused', 'eth:* does not cover tokens');
  t.is(rule('btc:testnet'), 'btc:regtest', 'regtest and testnet share coin type 1');
  t.is(rule('btc:mainnet'), 'refused');
  t.is(coverage(policy([{ asset: 'btc:mainnet', daily: 1 }]), 'eth:1').kind, 'free', 'only Bitcoin rules: Ethereum is not limited');
  t.is(coverage(policy([{ asset: 'eth:1', daily: 1 }]), 'btc:testnet').kind, 'free', 'only Ethereum rules: Bitcoin is not limited');
  const tokenOnly = coverage(policy([{ asset: 'eth:1:0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48', daily: 1 }]), 'eth:1');
  t.is(tokenOnly.kind, 'refused', 'a token rule alone leaves the chain\'s coin (its fees too) without a rule');
  t.throws(() => parsePolicy({ rules: [{ asset: 'eth:*:0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48', daily: 1 }] }), { code: 'bad-policy' });
});

test('loosening, read as coverage: new chains, tokens and networks, eth:* budgets, renamed networks', (t) => {
  const base = policy([{ asset: 'eth:1', daily: 100 }, { asset: 'eth:*', daily: 50 }, { asset: 'btc:testnet', daily: 10 }]);
  const looser: [unknown[], string][] = [
    [[{ asset: 'eth:1', daily: 100 }, { asset: 'eth:*', daily: 50 }, { asset: 'eth:10', daily: 50 }, { asset: 'btc:testnet', daily: 10 }], 'a chain taken out of eth:* gets a budget of its own'],
    [[{ asset: 'eth:*', daily: 50 }, { asset: 'btc:testnet', daily: 10 }], 'eth:1 removed: eth:* covers it with another budget'],
    [[{ asset: 'eth:1', daily: 100 }, { asset: 'eth:*', daily: 51 }, { asset: 'btc:testnet', daily: 10 }], 'eth:* raised'],
    [[{ asset: 'eth:1', daily: 100 }, { asset: 'eth:*', daily: 50 }, { asset: 'btc:regtest', daily: 10 }], 'the testnet rule renamed: a new budget'],
    [[{ asset: 'eth:1', daily: 100 }, { asset: 'eth:*', daily: 50 }, { asset: 'btc:testnet', daily: 10 }, { asset: 'btc:mainnet', daily: 1 }], 'mainnet was refused, now covered'],
    [[{ asset: 'eth:1', daily: 100 }, { asset: 'btc:testnet', daily: 10 }, { asset: 'eth:*', daily: 50 }, { asset: 'eth:5:0x0000000000000000000000000000000000000001', daily: 1 }], 'a token that was refused'],
  ];
  for (const [rules, why] of looser) t.true(isLoosening(base, policy(rules)), why);
  const onlyEth1 = policy([{ asset: 'eth:1', daily: 100 }]);
  t.true(isLoosening(onlyEth1, policy([{ asset: 'eth:1', daily: 100 }, { asset: 'eth:*', daily: 1 }])), 'eth:* opens every other chain');
  t.true(isLoosening(onlyEth1, policy([{ asset: 'eth:1', daily: 100 }, { asset: 'eth:137', daily: 1 }])), 'a new chain was refused');
  t.false(isLoosening(base, policy([{ asset: 'eth:1', daily: 99 }, { asset: 'eth:*', daily: 50 }, { asset: 'btc:testnet', daily: 10 }])), 'lower');
  t.false(isLoosening(base, policy([{ asset: 'eth:1', daily: 100 }, { asset: 'btc:testnet', daily: 10 }])), 'eth:* removed: every other chain refused');
  t.true(isLoosening(base, policy([{ asset: 'eth:1', daily: 100 }, { asset: 'eth:*', daily: 50 }])), 'the last Bitcoin rule removed: Bitcoin is free again, looser');
  t.false(isLoosening(policy([]), policy([{ asset: 'eth:1:0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48', daily: 1 }])), 'the first rule only restricts');
});

test('what a message is: text, hash-shaped (32 bytes whatever they are, or all hex of 32+ bytes), or binary', (t) => {
  const cases: [Uint8Array, ReturnType<typeof messageShape>][] = [
    [utf8Encode('Sign in to example.com\nNonce: 0x1234abcd'), 'text'],
    [utf8Encode(''), 'text'],
    [utf8Encode('Grüße \u{1F600}'), 'text'],
    [new Uint8Array(32), 'hash'],
    [utf8Encode('abcdefghijklmnopqrstuvwxyz012345'), 'hash'],
    [utf8Encode(`0x${'ab'.repeat(32)}`), 'hash'],
    [utf8Encode(` ${'AB'.repeat(40)}\n`), 'hash'],
    [utf8Encode(`0x${'ab'.repeat(31)}`), 'text'],
    [Uint8Array.of(0xc3, 0x28), 'binary'],
    [utf8Encode('tab\there'), 'binary'],
    [utf8Encode('a\r\nb'), 'binary'],
    [utf8Encode('zero\u200bwidth'), 'binary'],
  ];
  for (const [m, shape] of cases) t.is(messageShape(m), shape, JSON.stringify(Array.from(m.slice(0, 12))));
});

test('typed data: the chain id judged is the one the hash commits to (declared, an integer type)', (t) => {
  const base = { types: { EIP712Domain: [{ name: 'name', type: 'string' }, { name: 'chainId', type: 'uint256' }], M: [{ name: 'x', type: 'uint8' }] }, primaryType: 'M', message: { x: 1 } };
  const chainOf = (types: unknown, domain: unknown) => summarizeTypedData(checkTypedData({ ...base, types, domain })).chainId;
  t.is(chainOf(base.types, { name: 'a', chainId: 10 }), 10n);
  t.is(chainOf(base.types, { name: 'a', chainId: '0x89' }), 137n);
  t.is(chainOf({ ...base.types, EIP712Domain: [{ name: 'name', type: 'string' }] }, { name: 'a', chainId: 10 }), undefined, 'undeclared: not signed');
  t.is(chainOf({ ...base.types, EIP712Domain: [{ name: 'chainId', type: 'string' }] }, { chainId: '10' }), undefined, 'declared as text: no chain id');
  const s = summarizeTypedData(checkTypedData({ ...base, types: { ...base.types, EIP712Domain: [{ name: 'name', type: 'string' }] }, domain: { name: 'a', chainId: 10, salt: 'x' } }));
  t.deepEqual(s.droppedNames, ['domain.chainId', 'domain.salt']);
});

test('world time: the first claim of a power-on sets it; later ones may run at most two minutes ahead of it plus the device clock', (t) => {
  let now = 0;
  const events: [string, Record<string, unknown>][] = [];
  const w = new WorldTime({ now: () => now } as any, (k, d) => void events.push([k, d]));
  t.is(w.now(), undefined);
  t.true(w.tell(T0));
  t.deepEqual(events.shift(), ['world-time-set', { unix: T0, utc: '2027-01-15 08:00:00 UTC', from: 'the bound app' }]);
  now = 60_000;
  t.true(w.tell(T0 + 60 + MAX_AHEAD_S), 'at the bound');
  t.false(w.tell(T0 + 61 + MAX_AHEAD_S + 1), 'past it');
  t.false(w.tell(T0 + 86_400));
  t.is(events.length, 1, 'refusals are recorded at most every ten minutes');
  t.is(events[0][0], 'world-time-refused');
  t.true(w.tell(T0 - 3600), 'behind is taken (the last-step rule stops replays)');
  now += 10 * 60_000;
  t.false(w.tell(T0 + 86_400));
  t.is(events.length, 2);
  const fixed = w.fixed()!;
  w.tell(T0);
  now += 1000;
  t.is(Math.round(fixed()), T0 - 3600 + 600 + 1, 'a fixed time moves with the device clock only');
  t.is(utcText(951_782_400), '2000-02-29 00:00:00 UTC');
});

test('HMAC keys that give the same codes compare equal: trailing zeros within the block; anything else does not', (t) => {
  const k = Uint8Array.from({ length: 20 }, (_, i) => i + 1);
  t.true(sameHmacKey(k, Uint8Array.from([...k, 0, 0, 0])));
  t.false(sameHmacKey(k, Uint8Array.from([...k, 1])));
  t.false(sameHmacKey(k, k.slice(0, 19)));
  t.true(sameHmacKey(new Uint8Array(70), new Uint8Array(70)));
});
