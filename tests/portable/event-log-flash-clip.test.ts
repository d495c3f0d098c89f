/**
 * The flash-clip attacker (issue 17) against the event log's guarantees (issue 18): between power cycles it
 * retires, programs back or forges the acknowledgement record (RecordKey.eventsAcked, plaintext) so the ring would
 * overwrite a security event the owner's app never read, or hide how many were lost. The vault head covers the
 * record (modules/vault/head.ts), so each edit either changes nothing or the device reports its storage tampered;
 * never does it sign, or let lesser events overwrite the unread signature, past the edit. A whole rollback to an
 * image of the same counter generation (issue 17's bound: nothing since the last bit burned) takes the log with
 * it, and the owner's app, which pinned a later head, says the storage was rolled back.
 */
import test from 'ava';
import { EVENT_SLOTS } from '../../modules/guard/event-log.js';
import { decodeEvent } from '../../modules/guard/event-format.js';
import { verifyEvents, type KnownHead } from '../../modules/guard/event-verify.js';
import { RecordLog } from '../../modules/storage/record-log.js';
import { encodeMs } from '../../modules/vault/device-clock.js';
import { RecordKey } from '../../modules/vault/records.js';
import { memoryFlash } from './support/fake-ports.js';
import { mixSector, retire } from './support/flash-clip.js';
import { PIN, walletWithApp, type DeviceRig } from './support/device-rig.js';

/** `image` with a record written through a keyless record log, as a clip that knows the format can */
function forge(image: Uint8Array, sectorSize: number, key: number, value: Uint8Array): Uint8Array {
  const flash = memoryFlash(image.length, sectorSize);
  flash.bytes.set(image);
  const log = new RecordLog(flash);
  log.mount();
  log.set(key, value);
  return flash.bytes.slice();
}

function ackRecord(seq: number, lost = 0): Uint8Array {
  const out = new Uint8Array(12);
  out.set(encodeMs(seq));
  out.set([lost >>> 24, (lost >>> 16) & 0xff, (lost >>> 8) & 0xff, lost & 0xff], 8);
  return out;
}

/**
 * The owner's app read and acknowledged everything, then the device signed (a security event the app has not
 * read yet: the owner was not there). Images at each step, as the clip reads them.
 */
function scene() {
  const { rig, app } = walletWithApp('owner', 'Owner phone');
  const empty = rig.b.flash.bytes.slice(); // no acknowledgement record yet
  const firstAck = rig.d.events.head.seq;
  app.call('events_ack', { seq: firstAck });
  const acked = rig.b.flash.bytes.slice();
  rig.d.events.record('sign-requested', { test: 1 });
  app.call('events_ack', { seq: rig.d.events.head.seq });
  const last: KnownHead = { ...rig.d.events.head }; // the head the app verified and pinned
  const signed = rig.d.events.record('signed', { asset: 'ETH', amount: '3' })!.seq;
  app.disconnect();
  return { rig, signed, last, acked: rig.d.events.since(signed, 1).acked ?? 0, older: [empty, acked], now: rig.b.flash.bytes.slice() };
}

type Outcome = 'tampered' | 'rolled back' | 'same' | 'more cautious';

/**
 * After an edit of `now`: tampered (and nothing opens); or the whole log older than the head the app pinned (the
 * app says so); or the unread signature kept, never acknowledged past, never pushed out by lesser events.
 */
function check(t: any, rig: DeviceRig, what: string, edited: Uint8Array, signed: number, acked: number, last: KnownHead): Outcome {
  rig.b.flash.bytes.set(edited);
  const d = rig.reboot();
  if (d.vault.storage === 'tampered') {
    t.false(d.vault.hasWallet, `${what}: a tampered vault has no wallet`);
    t.throws(() => d.vault.unlock(PIN), { code: 'no-wallet' }, `${what}: the right PIN opens nothing`);
    return 'tampered';
  }
  t.is(d.vault.storage, 'ok', what);
  if (d.events.head.seq < last.seq) {
    const seen = verifyEvents(d.events.since(last.seq), { deviceId: d.vault.deviceIdBytesNow(), since: last.seq, last, key: d.events.publicKey() });
    t.false(seen.ok, `${what}: the app refuses a log older than the head it pinned`);
    t.regex(seen.problems.join(' '), /rolled back/, what);
    return 'rolled back';
  }
  const answer = d.events.since(signed, 1);
  t.true((answer.acked ?? 0) <= acked, `${what}: never acknowledged past what the app acknowledged (${answer.acked})`);
  t.is(answer.lostUnread, 0, what);
  // the attack the edit was for: lesser events up to a full ring must not push the unread signature out
  for (let i = 0; i < EVENT_SLOTS + 4; i++) d.events.record('sign-requested', { flood: i });
  const kept = d.events.since(signed, 1);
  t.is(kept.events.length, 1, `${what}: the unread signature is still in the log`);
  t.is(decodeEvent(kept.events[0]).kind, 'signed', what);
  t.truthy(d.events.mustReadFirst(), `${what}: signing waits for the app to read the log`);
  return answer.acked === acked ? 'same' : 'more cautious';
}

test('the acknowledgement record retired, programmed back or forged higher: tampered, or nothing changed', (t) => {
  const { rig, signed, acked, last, older, now } = scene();
  const sector = rig.b.flash.sectorSize;
  const outcomes: Record<Outcome, number> = { tampered: 0, 'rolled back': 0, same: 0, 'more cautious': 0 };
  const edits: [string, Uint8Array][] = [
    ['retired', retire(now, sector, RecordKey.eventsAcked)],
    ['forged up to the signature', forge(now, sector, RecordKey.eventsAcked, ackRecord(signed))],
    ['forged far ahead', forge(now, sector, RecordKey.eventsAcked, ackRecord(signed + EVENT_SLOTS))],
    ['forged with no loss', forge(now, sector, RecordKey.eventsAcked, ackRecord(acked, 0))],
  ];
  for (const [i, old] of older.entries()) {
    edits.push([`older image ${i} whole`, old]);
    for (let s = 0; s < now.length / sector; s++) edits.push([`older image ${i}, sector ${s}`, mixSector(now, old, sector, s)]);
  }
  for (const [what, edited] of edits) outcomes[check(t, rig, what, edited, signed, acked, last)]++;
  t.log(outcomes);
  // the edits that would have mattered are caught, not merely harmless
  for (const what of ['retired', 'forged up to the signature', 'forged far ahead']) {
    rig.b.flash.bytes.set(edits.find(([w]) => w === what)![1]);
    t.is(rig.reboot().vault.storage, 'tampered', what);
  }
  // and the clean image still boots with the signature unread
  rig.b.flash.bytes.set(now);
  const d = rig.reboot();
  t.is(d.vault.storage, 'ok');
  t.is(d.events.since(signed, 1).acked, acked);
});

test('an acknowledgement written by the app goes through the head: a reboot after it is not a false alarm', (t) => {
  const { rig, app } = walletWithApp('owner', 'Owner phone');
  for (let i = 0; i < 20; i++) {
    rig.d.events.record('signed', { n: i });
    t.like(app.call('events_ack', { seq: rig.d.events.head.seq }), { result: { acked: rig.d.events.head.seq } });
  }
  const d = rig.reboot();
  t.is(d.vault.storage, 'ok');
  t.is(d.events.unreadRoom, Infinity);
});

test('the newest events retired (the unread signature cut off the ring\'s end): the app is told, never a clean log without it', (t) => {
  const { rig, signed, last, now } = scene();
  const sector = rig.b.flash.sectorSize;
  for (const cut of [[signed], [signed, signed - 1]]) {
    let edited: Uint8Array = now;
    for (const seq of cut) edited = retire(edited, sector, RecordKey.eventsFirst + (seq % EVENT_SLOTS));
    rig.b.flash.bytes.set(edited);
    const d = rig.reboot();
    if (d.vault.storage === 'tampered') { t.pass(); continue; }
    t.is(d.events.head.seq, signed, 'the log continues from the mark (the vault head covers it)');
    d.events.record('sign-requested', { after: 'the clip' }); // the device goes on: the chain must not close over the gap
    const answer = d.events.since(last.seq + 1);
    const seen = verifyEvents(answer, { deviceId: d.vault.deviceIdBytesNow(), since: last.seq + 1, last, key: d.events.publicKey() });
    t.false(seen.ok, `${cut.length} retired: the app's check fails`);
    t.true(answer.damaged.includes(signed), `the signature's place is reported (${answer.damaged})`);
    t.regex(seen.problems.join(' '), /could not open/);
  }
  rig.b.flash.bytes.set(retire(now, sector, RecordKey.eventsMark));
  t.is(rig.reboot().vault.storage, 'tampered', 'and the mark itself cannot be retired');
});
