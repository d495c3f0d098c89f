// What `latch info` and `latch status` print of get_info (hosts/client/device-info.ts).
import test from 'ava';
import { describeInfo, describeRollbackCounter } from '../../hosts/client/device-info.js';

test('the rollback counter in words: none, plenty (at least), low (exact, move soon), spent', (t) => {
  t.regex(describeRollbackCounter({ counted: false, spent: false, low: false })!, /^rollback counter: none on this board \(.*older flash image programmed back is not\)$/);
  t.is(describeRollbackCounter({ counted: true, spent: false, low: false, bitsLeft: 90 }), 'rollback counter: at least 90 bits left (one per PIN entry)');
  t.is(describeRollbackCounter({ counted: true, spent: false, low: true, bitsLeft: 1 }), 'rollback counter: 1 bit left (one per PIN entry): move the wallet to another device soon');
  t.regex(describeRollbackCounter({ counted: true, spent: true, low: true, bitsLeft: 0 })!, /^rollback counter: spent \(the device takes no PIN: restore the wallet from its recovery words/);
});

test('older firmware (no field) or a malformed one: no counter line made up, nothing thrown', (t) => {
  t.is(describeRollbackCounter(undefined), undefined);
  t.is(describeRollbackCounter('lots'), undefined);
  t.is(describeRollbackCounter({ counted: true, spent: false, low: false }), undefined, 'counted but no count: nothing claimed');
  const old = describeInfo({ firmware: '0.2.0', protocol: 1, state: 'bound' });
  t.is(old, 'firmware: 0.2.0\nprotocol: 1\nstate: bound');
  t.is(describeInfo({ state: 'locked', rollbackCounter: { counted: true, low: false } }), 'state: locked\nrollbackCounter: {"counted":true,"low":false}');
  t.is(describeInfo({ extra: { a: 1 } }), 'extra: {"a":1}', 'an object from newer firmware reads as JSON, never [object Object]');
});
