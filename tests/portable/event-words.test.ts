// Event details in the owner's words (guard/event-words.ts): what History shows on the device and `latch events`
// prints. Amounts in their units, chains named, strings escaped. Both engines.
import test from 'ava';
import { eventDetailWords } from '../../modules/guard/event-words.js';
import { describeEvent } from '../../modules/app/history.js';

const words = (d: Record<string, unknown>) => Object.fromEntries(eventDetailWords(d));

test('an Ethereum signature: value and maximum fee in the chain\'s coin, the chain by name', (t) => {
  t.deepEqual(words({ app: 'Phone', chain: '1', to: '0x1d1c', value: '150000000000000000', maxFee: '630000000000000' }), {
    app: 'Phone', chain: 'Ethereum (chain 1)', to: '0x1d1c', value: '0.15 ETH', maxFee: '0.00063 ETH',
  });
  t.is(words({ chain: '137', value: '2000000000000000000' }).value, '2 POL');
  t.is(words({ chain: '999999', value: '1' }).value, '0.000000000000000001 native coin');
});

test('token transfers and approvals: decimals and symbol for known tokens, base units otherwise, UNLIMITED', (t) => {
  const usdt = '0xdac17f958d2ee523a2206206994597c13d831ec7';
  t.is(words({ chain: '1', token: usdt, transfer: { to: '0xabc', amount: '1500000' } }).transfer, '1.5 USDT to 0xabc');
  t.is(words({ chain: '1', token: usdt, approve: { spender: '0xdef', amount: 'unlimited' } }).approve, 'UNLIMITED for 0xdef');
  t.is(words({ chain: '1', token: '0x' + '42'.repeat(20), transfer: { to: '0xabc', amount: '7' } }).transfer, '7 base units to 0xabc');
});

test('a Bitcoin signature: fee and outputs in BTC of its network', (t) => {
  t.deepEqual(words({ network: 'testnet', fee: '1500', outputs: [{ to: 'tb1qxyz', amount: '70000' }, { to: 'tb1qabc', amount: '100000000' }] }), {
    network: 'testnet', fee: '0.000015 tBTC', outputs: '0.0007 tBTC to tb1qxyz; 1 tBTC to tb1qabc',
  });
  t.is(words({ network: 'mainnet', fee: '250' }).fee, '0.0000025 BTC');
});

test('limits in their units; durations in words; strings from outside escaped', (t) => {
  const policy = { rules: [{ asset: 'eth:1', daily: '100000000000000000' }, { asset: 'btc:mainnet', perTx: '50000' }], overLimitWithCode: true };
  t.is(words({ policy }).policy, 'eth:1, 0.1 ETH per 24 h; btc:mainnet, at most 0.0005 BTC a transaction; over a limit with a code');
  t.deepEqual(eventDetailWords({ inMs: 86_400_000 }), [['in', '24 h']]);
  t.is(words({ name: 'evil\nname' }).name, 'evil\\nname');
});

test('History shows an event in those words', (t) => {
  const d = describeEvent({ seq: 7, at: 0, kind: 'signed', details: { chain: '1', value: '1000000000000000000' } }, 120_000);
  t.is(d.title, '#7 Signed, 2 min ago');
  t.is(d.detail, 'chain Ethereum (chain 1), value 1 ETH');
});
