/**
 * The vault head's version 2 (modules/vault/head.ts) also covers the event log's acknowledgement record
 * (issue 18). A device whose head was written by firmware before it (version 1, main's issue-17 head, made here
 * byte for byte as that firmware made it) must boot without a false tamper alarm, be upgraded once with a counter
 * bit burned, and from then on the version 1 head is an older image. A clip's edits made before the upgrade are
 * still judged by the version 1 digest.
 */
import test from 'ava';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8Encode } from '../../modules/bytes.js';
import { deviceKey, softwareChipKey } from '../../modules/vault/chip-keys.js';
import { RecordKey } from '../../modules/vault/records.js';
import { TEST_CHIP_KEY } from './support/fake-ports.js';
import { retire } from './support/flash-clip.js';
import { vaultRig, type Rig } from './support/vault-rig.js';

const PIN = '123456';
const ENTROPY = Uint8Array.from({ length: 16 }, (_, i) => 0x50 + i);
const SECTOR = 4096;

/** what firmware before issue 18 committed its head to, in its order */
const V1_KEYS = [
  RecordKey.bindingCode, RecordKey.appKey, RecordKey.pin, RecordKey.bindFailures, RecordKey.preferences, RecordKey.freeze,
  RecordKey.otpSecret, RecordKey.otpState, RecordKey.policy, RecordKey.pendingChanges, RecordKey.spendLedger,
];

/** The head that firmware wrote for the records as they stand: version 1 | generation | failures | digest | MAC. */
function v1Head(rig: Rig): Uint8Array {
  const log = rig.vault.log;
  const h = sha256.create();
  for (const k of V1_KEYS) {
    const value = log.get(k);
    h.update(Uint8Array.of(k >> 8, k & 0xff, value ? 1 : 0, value ? value.length >> 8 : 0, value ? value.length & 0xff : 0));
    if (value) h.update(value);
  }
  const g = rig.vault.head.generation;
  const body = concatBytes(Uint8Array.of(1, g >>> 24, (g >>> 16) & 0xff, (g >>> 8) & 0xff, g & 0xff, rig.vault.pinFailures), h.digest());
  const key = deviceKey(softwareChipKey(TEST_CHIP_KEY), log.get(RecordKey.identity)!.slice(1, 17));
  return concatBytes(body, hmac(sha256, key, concatBytes(utf8Encode('latch/v2/vault-head'), body)));
}

/** A wallet as the earlier firmware left it: guarded records, one wrong PIN, its version 1 head. */
function earlierDevice(): Rig {
  const rig = vaultRig();
  rig.vault.createWallet(PIN, ENTROPY);
  rig.vault.records.setSealed(RecordKey.policy, Uint8Array.of(1, 2, 3), 'policy');
  rig.vault.records.set(RecordKey.freeze, Uint8Array.of(1, 1), 'freeze');
  rig.vault.lock();
  rig.vault.unlock('999999');
  rig.vault.log.set(RecordKey.head, v1Head(rig));
  return rig;
}

test('a version 1 head boots without a false alarm, is rewritten as version 2 once, and cannot be put back', (t) => {
  const rig = earlierDevice();
  const counter = rig.counter!.value;
  const before = rig.flash.bytes.slice();
  const v = rig.reboot();
  t.is(v.storage, 'ok');
  t.is(v.pinFailures, 1, 'the failure count carried over');
  t.is(v.log.get(RecordKey.head)![0], 2, 'rewritten as version 2');
  t.is(rig.counter!.value, counter + 1, 'one bit burned');
  t.true(v.hasWallet);
  t.is(rig.reboot().storage, 'ok', 'and again');
  t.is(rig.counter!.value, counter + 1, 'only once');
  t.like(rig.vault.unlock(PIN), { ok: true });
  rig.flash.bytes.set(before);
  t.is(rig.reboot().storage, 'tampered', 'the version 1 image programmed back after the upgrade is an older image');
});

test('a power cut at every write of the upgrade: before or after, never a false alarm', (t) => {
  let cuts = 0;
  for (let cut = 1; cut < 20; cut++) {
    const rig = earlierDevice();
    rig.flash.armPowerCut(cut);
    let done = false;
    try { rig.reboot(); done = true; } catch { /* the cut */ }
    rig.flash.disarmPowerCut();
    rig.flash.powerOn();
    const v = rig.reboot();
    t.is(v.storage, 'ok', `cut ${cut}`);
    t.is(v.log.get(RecordKey.head)![0], 2, `cut ${cut}`);
    t.is(v.pinFailures, 1, `cut ${cut}`);
    if (done) break;
    cuts++;
  }
  t.true(cuts >= 1, `${cuts} cuts`);
});

test('before the upgrade, a clip is judged by the version 1 digest; an acknowledgement or mark record beside it is dropped', (t) => {
  const retired = earlierDevice();
  retired.flash.bytes.set(retire(retired.flash.bytes, SECTOR, RecordKey.freeze));
  t.is(retired.reboot().storage, 'tampered', 'the freeze retired under a version 1 head');

  const forged = earlierDevice();
  forged.vault.log.set(RecordKey.eventsAcked, new Uint8Array(12).fill(0x7f)); // firmware before issue 18 wrote neither
  forged.vault.log.set(RecordKey.eventsMark, new Uint8Array(40).fill(0x7f));
  const v = forged.reboot();
  t.is(v.storage, 'ok');
  t.false(v.log.has(RecordKey.eventsAcked), 'dropped in the upgrade');
  t.false(v.log.has(RecordKey.eventsMark), 'dropped in the upgrade');
  t.is(forged.reboot().storage, 'ok');
});
