// The duress alarm kept apart from the event ring (guard/event-log.ts, RecordKey.duressAlarm), on both engines:
// a power cut at every flash operation of its writes (the alarm kept, the decoy's acknowledgement, an overwritten
// security event counted) leaves the state before or after, the log still checks, and the count is never lost or
// doubled; the decoy's acknowledgement frees the ring as any app's does, and the owner's stays the owner's.
import test from 'ava';
import { HealthTestedEntropy } from '../../modules/entropy/health.js';
import { RecordLog } from '../../modules/storage/record-log.js';
import { Vault } from '../../modules/vault/vault.js';
import { softwareChipKey } from '../../modules/vault/chip-keys.js';
import { RecordKey } from '../../modules/vault/records.js';
import { EventLog, EVENT_SLOTS, EVENTS_RESERVE } from '../../modules/guard/event-log.js';
import { verifyEvents, verifyKeptAlarm } from '../../modules/guard/event-verify.js';
import { NorFlash, seededRandom } from '../../hosts/sim/nor-flash.js';
import { cutAt } from '../faults/cut-at.js';
import type { EntropyPort } from '../../modules/ports.js';

const CHIP = softwareChipKey(new Uint8Array(32).fill(0x3c));
const SECTOR = 4096;

function boot(flash: NorFlash): { vault: Vault; log: EventLog } {
  const random = seededRandom(9);
  const entropy: EntropyPort = { fill(t) { for (let i = 0; i < t.length; i++) t[i] = Math.floor(random() * 256); return t.length; } };
  const vault = new Vault(new RecordLog(flash), new HealthTestedEntropy(entropy), { now: () => 1000 }, CHIP, { pinIterations: 1 });
  const opened = vault.open();
  if (opened.storage !== 'ok') throw new Error(`storage ${opened.storage}`);
  const log = new EventLog(vault.records, vault.clock, { deviceId: () => vault.deviceIdBytesNow(), signingSeed: () => vault.eventSigningSeed() });
  return { vault, log };
}

function fresh(): { flash: NorFlash; log: EventLog; deviceId: Uint8Array } {
  const flash = new NorFlash({ size: 16 * SECTOR, sectorSize: SECTOR, random: seededRandom(4) });
  const { vault, log } = boot(flash);
  return { flash, log, deviceId: vault.deviceIdBytesNow() };
}

/** A log where the owner's app read up to 3, then the alarm came (at 6) and the decoy signed `signed` times. */
function episode(signed: number): { flash: NorFlash; log: EventLog; deviceId: Uint8Array; alarm: number } {
  const r = fresh();
  for (let i = 0; i < 3; i++) r.log.record('signed', { i });
  r.log.ack(3);
  r.log.record('policy-changed', { by: 'owner' }); // the owner's, unread
  r.log.record('signed', { by: 'owner' });
  const alarm = r.log.record('duress-pin-entered', {})!.seq;
  for (let i = 0; i < signed; i++) {
    r.log.record('signed', { decoy: i });
    r.log.ackDecoy(r.log.head.seq, alarm);
  }
  return { ...r, alarm };
}

test('the decoy\'s acknowledgement frees the ring past the owner\'s unread events; the owner\'s view keeps the alarm and the count', (t) => {
  const { log, deviceId, alarm } = episode(3 * EVENT_SLOTS);
  t.true(log.unreadRoom > EVENTS_RESERVE, 'the decoy may sign on');
  t.is(log.mustReadFirst(), undefined);
  const answer = log.since(1);
  t.true(verifyEvents(answer, { deviceId, since: 1 }).ok);
  const kept = verifyKeptAlarm(answer.alarm, { deviceId, key: answer.key });
  t.true(kept.ok, kept.problems.join('; '));
  t.is(kept.event?.seq, alarm);
  // every signature after the owner's acknowledgement that the ring no longer holds is counted: 1 of the owner's
  // and the decoy's, the policy change among the security events
  const gone = answer.dropped - 3; // events 4..dropped: all security events except the (kept) alarm
  t.is(kept.securityUnseen, gone - 1);
  t.is(kept.signedUnseen, gone - 2);
  t.is(log.decoyAcked, log.head.seq);
  t.is(answer.acked, 3, 'the owner\'s acknowledgement is untouched');
});

test('without a decoy acknowledgement the owner\'s unread events hold the ring as before; an ack for another alarm keeps nothing', (t) => {
  const { log, alarm } = episode(0);
  t.is(log.ackDecoy(log.head.seq, alarm + 1), log.head.seq, 'answered as any device, but not kept');
  t.is(log.decoyAcked, 0);
  while (log.unreadRoom > EVENTS_RESERVE) log.record('signed', {});
  t.truthy(log.mustReadFirst(), 'the owner\'s unread events before the alarm still hold the ring');
  t.throws(() => log.ackDecoy(log.head.seq + 1, alarm), { message: /cannot be acknowledged/ });
});

test('a power cut at every flash operation of keeping the alarm, the decoy\'s acknowledgement and a count: before or after, never lost or counted twice', (t) => {
  let cuts = 0;
  const problems: string[] = [];
  // 1. the alarm: its ring record, its mark, then its kept record
  {
    const r = fresh();
    r.log.record('signed', {});
    const image = r.flash.bytes.slice();
    for (let cut = 1; ; cut++) {
      const c = cutAt(image, SECTOR, cut, 100 + cut, (f) => boot(f).log, (v) => v.record('duress-pin-entered', {}));
      if ('error' in c) { problems.push(`alarm cut ${cut}: ${c.error}`); break; }
      cuts++;
      const back = boot(c.flash).log;
      const head = back.head.seq;
      if (head !== 1 && head !== 2) problems.push(`alarm cut ${cut}: head ${head}`);
      if (!verifyEvents(back.since(1), { deviceId: r.deviceId, since: 1 }).ok) problems.push(`alarm cut ${cut}: the log does not check`);
      if (head === 2) {
        back.ackDecoy(2, 2); // keeps the alarm if the cut came before its record
        if (back.keptAlarmSeq !== 2) problems.push(`alarm cut ${cut}: the alarm is in the ring but never kept`);
      } else if (back.keptAlarmSeq !== undefined) problems.push(`alarm cut ${cut}: an alarm kept that the ring never held`);
      if (c.completed) break;
    }
  }
  // 2. the decoy's acknowledgement; 3. a record that overwrites an unread signature (counted first)
  {
    const r = episode(EVENT_SLOTS - 8);
    const before = r.log.since(1).alarm!;
    const image = r.flash.bytes.slice();
    const acked = r.log.decoyAcked;
    r.log.record('signed', {});
    const ackImage = r.flash.bytes.slice();
    for (let cut = 1; ; cut++) {
      const c = cutAt(ackImage, SECTOR, cut, 200 + cut, (f) => boot(f).log, (v) => v.ackDecoy(v.head.seq, r.alarm));
      if ('error' in c) { problems.push(`ack cut ${cut}: ${c.error}`); break; }
      cuts++;
      const now = boot(c.flash).log.decoyAcked;
      if (now !== acked && now !== acked + 1) problems.push(`ack cut ${cut}: the decoy's acknowledgement is ${now}`);
      if (c.completed) break;
    }
    // the next record overwrites the oldest slot: an unread security event of the owner's, counted before
    for (let cut = 1; ; cut++) {
      const c = cutAt(image, SECTOR, cut, 300 + cut, (f) => boot(f).log, (v) => { while (v.head.seq < EVENT_SLOTS + 5) v.record('signed', {}); });
      if ('error' in c) { problems.push(`count cut ${cut}: ${c.error}`); break; }
      cuts++;
      const back = boot(c.flash).log;
      while (back.head.seq < EVENT_SLOTS + 5) back.record('signed', {});
      const answer = back.since(1);
      const kept = verifyKeptAlarm(answer.alarm, { deviceId: r.deviceId, key: answer.key });
      if (!kept.ok) problems.push(`count cut ${cut}: ${kept.problems.join('; ')}`);
      // events 4 and 5 (the owner's unread policy change and signature) are the ones overwritten by then
      if (kept.securityUnseen !== before.securityUnseen + 2 || kept.signedUnseen !== before.signedUnseen + 1) {
        problems.push(`count cut ${cut}: counted ${kept.securityUnseen}/${kept.signedUnseen}, not ${before.securityUnseen + 2}/${before.signedUnseen + 1}`);
      }
      if (!verifyEvents(answer, { deviceId: r.deviceId, since: 1 }).ok) problems.push(`count cut ${cut}: the log does not check`);
      if (c.completed) break;
    }
  }
  t.deepEqual(problems, []);
  t.true(cuts >= 20, `${cuts} cuts`);
  t.log(`${cuts} power cuts: 0 problems`);
});

test('a flash writer who retires the kept alarm or puts back an older one (a lower count, an earlier acknowledgement) finds the storage tampered', (t) => {
  const { flash, log, alarm } = episode(EVENT_SLOTS);
  const { vault } = boot(flash);
  const older = vault.log.get(RecordKey.duressAlarm)!.slice();
  log.record('signed', {});
  log.ackDecoy(log.head.seq, alarm);
  const image = flash.bytes.slice();
  for (const edit of [(v: Vault) => v.log.delete(RecordKey.duressAlarm), (v: Vault) => v.log.set(RecordKey.duressAlarm, older)]) {
    const f = new NorFlash({ size: image.length, sectorSize: SECTOR, random: seededRandom(8) });
    f.bytes.set(image);
    const random = seededRandom(9);
    const v = new Vault(new RecordLog(f), new HealthTestedEntropy({ fill(b) { for (let i = 0; i < b.length; i++) b[i] = Math.floor(random() * 256); return b.length; } }), { now: () => 1000 }, CHIP, { pinIterations: 1 });
    t.is(v.open().storage, 'ok');
    edit(v);
    const again = new Vault(new RecordLog(f), new HealthTestedEntropy({ fill(b) { for (let i = 0; i < b.length; i++) b[i] = Math.floor(random() * 256); return b.length; } }), { now: () => 1000 }, CHIP, { pinIterations: 1 });
    t.is(again.open().storage, 'tampered');
  }
});
