// The app-side client (hosts/client/events.ts) and `latch events` with a duress alarm the device kept apart from
// its ring (guard/event-log.ts): the owner's app shows the alarm the ring overwrote, verified, with the count of
// what it did not see; an altered one fails the check. Served by an EventLog in process (no simulator needed).
import test from 'ava';
import { HealthTestedEntropy } from '../../modules/entropy/health.js';
import { RecordLog } from '../../modules/storage/record-log.js';
import { Vault } from '../../modules/vault/vault.js';
import { softwareChipKey } from '../../modules/vault/chip-keys.js';
import { EventLog, EVENT_SLOTS } from '../../modules/guard/event-log.js';
import type { EventsAnswer } from '../../modules/guard/event-format.js';
import { NorFlash, seededRandom } from '../../hosts/sim/nor-flash.js';
import { EventsApp, memoryEventsStore } from '../../hosts/client/events.js';
import type { RpcSession } from '../../hosts/client/client.js';

function device(): { log: EventLog; deviceId: Uint8Array; session: RpcSession } {
  const flash = new NorFlash({ size: 16 * 4096, sectorSize: 4096, random: seededRandom(2) });
  const random = seededRandom(5);
  const vault = new Vault(new RecordLog(flash), new HealthTestedEntropy({ fill(t) { for (let i = 0; i < t.length; i++) t[i] = Math.floor(random() * 256); return t.length; } }), { now: () => 5000 }, softwareChipKey(new Uint8Array(32).fill(7)), { pinIterations: 1 });
  vault.open();
  const log = new EventLog(vault.records, vault.clock, { deviceId: () => vault.deviceIdBytesNow(), signingSeed: () => vault.eventSigningSeed() });
  const session = {
    call: async (method: string, params: { since?: number; seq?: number } = {}) => {
      if (method === 'events_since') return log.since(params.since ?? 1);
      if (method === 'events_ack') return { acked: log.ack(params.seq!) };
      throw new Error(`unexpected ${method}`);
    },
  } as unknown as RpcSession;
  return { log, deviceId: vault.deviceIdBytesNow(), session };
}

test('the owner\'s app shows the kept alarm the ring overwrote, with the count of what it did not see', async (t) => {
  const { log, deviceId, session } = device();
  const store = memoryEventsStore();
  log.record('signed', {});
  t.true((await new EventsApp(session, deviceId, store).sync()).ok);
  const alarm = log.record('duress-pin-entered', {})!.seq;
  for (let i = 0; i < 2 * EVENT_SLOTS; i++) {
    log.record('signed', { decoy: i });
    log.ackDecoy(log.head.seq, alarm);
  }
  const report = await new EventsApp(session, deviceId, store).sync();
  t.deepEqual(report.problems, []);
  t.is(report.events[0].kind, 'duress-pin-entered');
  t.is(report.events[0].seq, alarm);
  t.like(report.duress, { alarm, securityUnseen: 2 * EVENT_SLOTS - EVENT_SLOTS, signedUnseen: EVENT_SLOTS });
  t.true(report.unseenOverwritten > 0, 'the gap is still said');
  // once read, the alarm is not shown again
  const again = await new EventsApp(session, deviceId, store).sync();
  t.false(again.events.some((e) => e.kind === 'duress-pin-entered'));
});

test('a kept alarm altered on the way (its count lowered) fails the owner\'s check', async (t) => {
  const { log, deviceId, session } = device();
  const alarm = log.record('duress-pin-entered', {})!.seq;
  for (let i = 0; i < EVENT_SLOTS + 4; i++) {
    log.record('signed', {});
    log.ackDecoy(log.head.seq, alarm);
  }
  const lowered = (a: EventsAnswer): EventsAnswer => (a.alarm ? { ...a, alarm: { ...a.alarm, signedUnseen: 0 } } : a);
  const report = await new EventsApp(session, deviceId, memoryEventsStore(), lowered).sync();
  t.false(report.ok);
  t.regex(report.problems.join(' '), /kept duress alarm's signature does not verify/);
});
