// What the device does when its vault head catches a flash edit (issue 17): says so on the LCD, unlocks, binds
// and signs nothing, and offers only a factory reset, whose first event says what was found.
import test from 'ava';
import { RecordLog } from '../../modules/storage/record-log.js';
import { RecordKey } from '../../modules/vault/records.js';
import { deviceRig } from './support/device-rig.js';

test('a retired PIN record: "Storage tampered with", nothing opens, a reset records why and starts over', (t) => {
  const rig = deviceRig({ wallet: true });
  const log = new RecordLog(rig.b.flash);
  log.mount();
  log.delete(RecordKey.pin); // the clip clears the record's state byte (and its data, as a retire does)
  rig.reboot();
  t.is(rig.d.state, 'tampered');
  t.is(rig.d.screen.id, 'storage-tampered');
  t.regex(rig.text(), /unlocks and signs nothing/);
  t.deepEqual(rig.d.screen.buttons, { a: 'Reset', b: null, c: 'About' });
  t.true(rig.b.logs.some((l) => /STORAGE TAMPERED: a guarded record was removed/.test(l)), 'the log says why');
  t.false(rig.d.vault.hasWallet);
  t.throws(() => rig.d.vault.unlock('123456'), { code: 'no-wallet' });
  t.throws(() => rig.d.vault.ensureIdentity(), { code: 'storage-tampered' });
  rig.press('b');
  t.is(rig.d.screen.id, 'storage-tampered', 'B does nothing: there is no way in but a reset');
  rig.press('a');
  t.is(rig.d.screen.id, 'reset-confirm-1');
  rig.waitArmed();
  rig.press('c');
  rig.decide('c');
  t.is(rig.d.state, 'blank');
  const first = rig.d.events.latest(1)[0];
  t.is(first.kind, 'reset-done');
  t.regex(JSON.stringify(first.details), /factory reset of storage found tampered with \(a guarded record/, "the new log's first event says so (cut to fit, as every detail)");
  t.is(rig.reboot().state, 'blank', 'the reset storage is not tampered');
});
