// The vault tied to the chip: a dump moved to another board, old formats, PIN changes with a new data key,
// and the record log finishing the zeroing of records a power cut left half retired.
import test from 'ava';
import { softwareChipKey } from '../../modules/vault/chip-keys.js';
import { RecordKey } from '../../modules/vault/records.js';
import { RecordLog } from '../../modules/storage/record-log.js';
import { decodePinRecord, unwrapWithPin } from '../../modules/vault/pin-kdf.js';
import { open } from '../../modules/vault/seal.js';
import { NorFlash, PowerCutError, seededRandom } from '../../hosts/sim/nor-flash.js';
import { contains, vaultRig } from './support/vault-rig.js';
import { TEST_CHIP_KEY } from './support/fake-ports.js';

const ENTROPY = Uint8Array.from({ length: 32 }, (_, i) => 0x50 + i);
const chipA = () => softwareChipKey(TEST_CHIP_KEY);
const chipB = () => softwareChipKey(new Uint8Array(32).fill(0xbb));

test('a vault moved to a board with another chip key is foreign: no code, no app, no PIN, only a reset', (t) => {
  const a = vaultRig();
  a.vault.createWallet('123456', ENTROPY);
  a.vault.setBindingCode('ABCD2345');
  a.vault.setAppBinding({ publicKey: new Uint8Array(32).fill(3), label: 'Phone' });
  const flash = new NorFlash({ size: a.flash.size, sectorSize: 4096, random: seededRandom(2) });
  flash.bytes.set(a.flash.bytes);
  const b = vaultRig(undefined, 1, flash, chipB());
  const report = b.vault.open();
  t.is(report.storage, 'foreign');
  t.is(b.vault.storage, 'foreign');
  t.false(b.vault.hasWallet);
  t.is(b.vault.bindingCode(), undefined);
  t.is(b.vault.appBinding(), undefined);
  t.is(b.vault.deviceId, undefined);
  t.throws(() => b.vault.unlock('123456'), { code: 'no-wallet' });
  t.throws(() => b.vault.ensureIdentity(), { code: 'foreign-storage' });
  t.throws(() => b.vault.createWallet('123456', ENTROPY), { code: 'foreign-storage' });
  t.deepEqual(flash.bytes, a.flash.bytes, 'foreign storage is not touched by booting');
  b.vault.wipe();
  t.is(b.vault.storage, 'ok');
  t.truthy(b.vault.ensureIdentity(), 'after a reset the board makes its own identity');
  // And the original board still opens it (the same image, its own chip).
  const back = vaultRig(undefined, 1, (() => { const f = new NorFlash({ size: a.flash.size, sectorSize: 4096, random: seededRandom(3) }); f.bytes.set(a.flash.bytes); return f; })(), chipA());
  // (a new rig has a new counter; the board's own counter goes with its own chip)
  back.counter!.value = a.counter!.value;
  back.reboot();
  t.is(back.vault.storage, 'ok');
  t.deepEqual(back.vault.unlock('123456'), { ok: true });
});

test('a vault of the previous format (identity version 1) is recognised, not misread', (t) => {
  const rig = vaultRig();
  rig.vault.log.set(RecordKey.identity, Uint8Array.from({ length: 49 }, (_, i) => (i === 0 ? 1 : i)));
  const report = rig.vault.open();
  t.is(report.storage, 'old-format');
  t.false(rig.vault.hasWallet);
  t.throws(() => rig.vault.ensureIdentity(), { code: 'old-format' });
  rig.vault.wipe();
  t.is(rig.vault.storage, 'ok');
});

test('changing the PIN makes a new data key: the old PIN record opens nothing that is current', (t) => {
  const rig = vaultRig();
  rig.vault.createWallet('111111', ENTROPY);
  const oldPin = rig.vault.log.get(RecordKey.pin)!;
  const oldSeed = rig.vault.log.get(RecordKey.seed)!;
  rig.vault.changePin('22222222');
  const newSeed = rig.vault.log.get(RecordKey.seed)!;
  const oldDek = unwrapWithPin(chipA(), decodePinRecord(oldPin), '111111', RecordKey.pin)!;
  t.deepEqual(open(oldDek, RecordKey.seed, oldSeed), ENTROPY, 'the old pair was a working pair');
  t.throws(() => open(oldDek, RecordKey.seed, newSeed), { code: 'record-damaged' }, 'the old DEK cannot open the new seed record');
  t.false(contains(rig.flash.bytes, oldPin.subarray(21)), 'the old PIN record is zeroed');
  t.false(contains(rig.flash.bytes, oldSeed.subarray(12)), 'the old sealed seed is zeroed');
  const v = rig.reboot();
  t.deepEqual(v.unlock('22222222'), { ok: true });
  t.deepEqual(v.seedEntropy(), ENTROPY);
});

test('a PIN change cut by power at any flash operation: exactly one PIN works, the seed is intact', (t) => {
  const base = vaultRig();
  base.vault.createWallet('111111', ENTROPY);
  const image = base.flash.bytes.slice();
  const start = base.flash.operations;
  base.vault.changePin('333333');
  const n = base.flash.operations - start;
  t.true(n >= 4);
  const outcomes = { old: 0, new: 0 };
  for (let cut = 1; cut <= n; cut++) {
    const rig = vaultRig(undefined, 1, (() => { const f = new NorFlash({ size: base.flash.size, sectorSize: 4096, random: seededRandom(cut) }); f.bytes.set(image); return f; })());
    t.deepEqual(rig.vault.unlock('111111'), { ok: true });
    rig.flash.armPowerCut(cut);
    t.throws(() => rig.vault.changePin('333333'), { instanceOf: PowerCutError });
    rig.flash.powerOn();
    const v = rig.reboot();
    const oldWorks = v.unlock('111111').ok;
    v.lock();
    const newWorks = v.unlock('333333').ok;
    t.true(oldWorks !== newWorks, `cut ${cut}: old ${oldWorks}, new ${newWorks}`);
    t.true(v.unlock(oldWorks ? '111111' : '333333').ok);
    t.deepEqual(v.seedEntropy(), ENTROPY, `cut ${cut}`);
    outcomes[oldWorks ? 'old' : 'new']++;
    if (newWorks) {
      // Committed: every earlier PIN record and seed record was zeroed (by the batch or by the mount after it).
      const pinBefore = new RecordLog((() => { const f = new NorFlash({ size: base.flash.size, sectorSize: 4096, random: seededRandom(9) }); f.bytes.set(image); return f; })());
      pinBefore.mount();
      t.false(contains(rig.flash.bytes, pinBefore.get(RecordKey.pin)!.subarray(21)), `cut ${cut}: the old PIN record survived`);
    }
  }
  t.log(outcomes);
  t.true(outcomes.old > 0 && outcomes.new > 0);
});

test('a retire cut by power leaves the old value half zeroed; the next mount finishes zeroing it', (t) => {
  const secret = Uint8Array.from({ length: 64 }, (_, i) => 0x80 | i);
  let cutsThatLeftBytes = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const flash = new NorFlash({ size: 4 * 4096, sectorSize: 4096, random: seededRandom(seed) });
    const log = new RecordLog(flash);
    log.mount();
    log.set(100, secret);
    flash.armPowerCut(2); // the set is one append (1) and one retire (2)
    t.throws(() => log.set(100, new Uint8Array(64).fill(1)), { instanceOf: PowerCutError });
    flash.powerOn();
    if (contains(flash.bytes, secret.subarray(0, 8)) || contains(flash.bytes, secret.subarray(56))) cutsThatLeftBytes++;
    const again = new RecordLog(flash);
    const report = again.mount();
    t.deepEqual(again.get(100), new Uint8Array(64).fill(1));
    for (let i = 0; i + 4 <= 64; i += 4) t.false(contains(flash.bytes, secret.subarray(i, i + 4)), `seed ${seed}: bytes ${i}.. of the old value remain`);
    t.true(report.zeroedLeftovers + report.retiredStale >= 0);
  }
  t.true(cutsThatLeftBytes > 0, 'some torn retires did leave the old bytes (so the test has teeth)');
});

test('a batch cut after its journal was written is finished at boot', (t) => {
  const rig = vaultRig();
  rig.vault.createWallet('111111', ENTROPY);
  const start = rig.flash.operations;
  rig.flash.armPowerCut(3); // 1 journal written, 2 seed written... cut at the 3rd operation
  t.throws(() => rig.vault.changePin('444444'), { instanceOf: PowerCutError });
  void start;
  rig.flash.powerOn();
  const v = rig.reboot();
  t.false(v.log.has(RecordKey.journal));
  t.true(v.unlock('444444').ok);
  t.deepEqual(v.seedEntropy(), ENTROPY);
});
