// The event log and the app's check of it (both engines): the chain, the signed head, the ring, and every way a
// reply or the flash can be altered, truncated or rolled back.
import test from 'ava';
import fc from 'fast-check';
import { HealthTestedEntropy } from '../../modules/entropy/health.js';
import { RecordLog } from '../../modules/storage/record-log.js';
import { Vault } from '../../modules/vault/vault.js';
import { boundDetails, EventLog, EVENT_SLOTS, MAX_EVENT_BYTES } from '../../modules/guard/event-log.js';
import { chainHash, decodeEvent, eventBytes, GENESIS, type EventsAnswer } from '../../modules/guard/event-format.js';
import { verifyEvents, type KnownHead } from '../../modules/guard/event-verify.js';
import { encodeCbor } from '../../modules/protocol/cbor.js';
import { RecordKey } from '../../modules/vault/records.js';
import { counterEntropy, fakeBoard, type FakeBoard } from './support/fake-ports.js';
import { deviceRig, PIN } from './support/device-rig.js';

interface LogRig { b: FakeBoard; vault: Vault; log: EventLog; /** power off (the clock kept), `edit` the flash as a clip would while it is off, power on */ reboot(edit?: () => void): void; check(answer: EventsAnswer, since: number, last?: KnownHead, key?: Uint8Array): ReturnType<typeof verifyEvents> }

function logRig(seed = 0): LogRig {
  const b = fakeBoard(counterEntropy(seed), 32768); // 64 events of a few hundred bytes, with the vault's own records
  const entropy = new HealthTestedEntropy(b.ports.entropy);
  entropy.startup();
  const open = () => {
    const vault = new Vault(new RecordLog(b.ports.flash), entropy, b.ports.clock, b.ports.chipKey, { pinIterations: 2 });
    vault.open();
    const log = new EventLog(vault.records, vault.clock, { deviceId: () => vault.deviceIdBytesNow(), signingSeed: () => vault.eventSigningSeed() });
    return { vault, log };
  };
  const rig: LogRig = {
    b, ...open(),
    reboot(edit) { rig.vault.clock.persist(); edit?.(); Object.assign(rig, open()); },
    check: (answer, since, last, key) => verifyEvents(answer, { deviceId: rig.vault.deviceIdBytesNow(), since, last, key }),
  };
  return rig;
}

function recordSome(r: LogRig, n: number): void {
  for (let i = 0; i < n; i++) {
    r.b.advance(1000);
    r.log.record(i % 2 ? 'signed' : 'sign-requested', { app: 'phone', chain: '1', to: '0x' + 'ab'.repeat(20), value: String(i * 1000) });
  }
}

const copy = (a: EventsAnswer): EventsAnswer => ({ ...a, events: a.events.map((e) => e.slice()), head: { ...a.head, hash: a.head.hash.slice(), signature: a.head.signature.slice() }, anchor: a.anchor.slice() });

test('events chain from the start, the head is signed by the device, and the check holds from any head the app saw', (t) => {
  const r = logRig();
  recordSome(r, 10);
  const all = r.log.since(1);
  t.is(all.events.length, 10);
  t.deepEqual(Array.from(all.anchor), Array.from(GENESIS));
  const first = r.check(all, 1);
  t.deepEqual(first.problems, []);
  t.is(first.head.seq, 10);
  t.deepEqual(first.events.map((e) => e.seq), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  t.is(first.events[3].details.value, '3000');
  t.is(first.events[3].at, 4000);
  // the app saw up to 4 earlier: the reply from 5 continues it
  const upTo4 = verifyEvents(r.log.since(1, 4), { deviceId: r.vault.deviceIdBytesNow(), since: 1 });
  t.true(upTo4.ok);
  t.is(upTo4.head.seq, 4);
  t.true(r.log.since(1, 4).more);
  const rest = r.check(r.log.since(5), 5, upTo4.head, first.key);
  t.deepEqual(rest.problems, []);
  t.false(r.log.since(5).more);
  // nothing new: an empty reply still proves the head
  const none = r.check(r.log.since(11), 11, first.head, first.key);
  t.deepEqual(none.problems, []);
  t.is(none.events.length, 0);
  // the head survives a reboot and the chain goes on
  r.reboot();
  recordSome(r, 1);
  const after = r.check(r.log.since(11), 11, first.head, first.key);
  t.deepEqual(after.problems, []);
  t.is(after.head.seq, 11);
});

test(`the ring keeps the newest ${EVENT_SLOTS}: older ones are dropped and counted, and the chain check holds across the wrap`, (t) => {
  const r = logRig();
  recordSome(r, 100);
  const seenAt100 = r.check(r.log.since(1), 1);
  t.deepEqual(seenAt100.problems, []);
  t.is(seenAt100.events[0].seq, 100 - EVENT_SLOTS + 1);
  recordSome(r, 50);
  r.reboot();
  const answer = r.log.since(1);
  t.is(answer.dropped, 150 - EVENT_SLOTS);
  t.is(answer.events.length, EVENT_SLOTS);
  t.is(decodeEvent(answer.events[0]).seq, 150 - EVENT_SLOTS + 1);
  const continued = r.check(r.log.since(101), 101, seenAt100.head, seenAt100.key);
  t.deepEqual(continued.problems, []);
  t.is(continued.unseenOverwritten, 0);
  // an app that last looked at event 20: 66 went by unseen, said as a count, and the rest still checks
  const old = { seq: 20, hash: r.log.since(1).anchor }; // (its hash cannot be compared: it is gone)
  const late = r.check(r.log.since(21), 21, old, seenAt100.key);
  t.deepEqual(late.problems, []);
  t.is(late.unseenOverwritten, 150 - EVENT_SLOTS - 20);
  // the flash holds exactly the ring's records
  const eventKeys = r.vault.records.get(RecordKey.eventsFirst) ? EVENT_SLOTS : 0;
  t.is(eventKeys, EVENT_SLOTS);
});

test('an altered reply is caught, whichever part is altered', (t) => {
  const r = logRig();
  recordSome(r, 12);
  const seen = r.check(r.log.since(1, 6), 1);
  t.true(seen.ok);
  const good = r.log.since(7);
  t.true(r.check(good, 7, seen.head, seen.key).ok);
  const other = logRig(7); // another device (its own device id, so its own event key)
  other.b.advance(5);
  recordSome(other, 12);
  const forged = decodeEvent(good.events[2]);
  forged.details = { ...forged.details, value: '1' };
  const cases: [string, (a: EventsAnswer) => void, RegExp][] = [
    ['a byte of an event', (a) => { a.events[1][a.events[1].length - 2] ^= 1; }, /altered|well-formed/],
    ['an amount, re-encoded', (a) => { a.events[2] = eventBytes(forged); }, /altered/],
    ['an event removed', (a) => { a.events.splice(2, 1); }, /missing/],
    ['the newest removed', (a) => { a.events.pop(); }, /cut short/],
    ['two events swapped', (a) => { [a.events[1], a.events[2]] = [a.events[2], a.events[1]]; }, /out of order|missing/],
    ['the signature', (a) => { a.head.signature[5] ^= 0x40; }, /signature/],
    ['the head hash', (a) => { a.head.hash[0] ^= 1; }, /signature/],
    ['the anchor', (a) => { a.anchor[0] ^= 1; }, /rewritten|altered/],
    ['another device\'s log', (a) => { Object.assign(a, other.log.since(7)); }, /pinned|signature/],
    ['the key swapped with the signature left', (a) => { a.key = other.log.since(7).key; }, /pinned|signature/],
    ['the oldest said dropped', (a) => { a.events.shift(); a.dropped = 7; }, /altered/],
    ['the oldest said dropped, the anchor moved past it', (a) => { a.anchor = chainHash(a.anchor, a.events.shift()!); a.dropped = 7; }, /withheld/],
  ];
  for (const [what, alter, expect] of cases) {
    const a = copy(good);
    alter(a);
    const c = r.check(a, 7, seen.head, seen.key);
    t.false(c.ok, what);
    t.regex(c.problems.join(' '), expect, what);
  }
});

test('a log edited in flash is caught: a damaged event record, and a rolled-back image', (t) => {
  const r = logRig();
  recordSome(r, 10);
  const image = r.b.flash.bytes.slice();
  recordSome(r, 5);
  const seen = r.check(r.log.since(1), 1);
  t.true(seen.ok);
  // rolled back: the image from before the last 5 events
  const now = r.b.flash.bytes.slice();
  r.reboot(() => r.b.flash.bytes.set(image));
  const rolled = r.check(r.log.since(16), 16, seen.head, seen.key);
  t.false(rolled.ok);
  t.regex(rolled.problems.join(' '), /the device's storage was rolled back: its log ends at event 10, before event 15/);
  // a byte of one event record changed in place: it no longer opens, and the app is told
  r.reboot(() => r.b.flash.bytes.set(now));
  const raw = r.vault.records.get(RecordKey.eventsFirst + 12)!;
  let at = -1;
  for (let i = 0; i + raw.length <= r.b.flash.bytes.length && at < 0; i++) {
    let j = 0;
    while (j < raw.length && r.b.flash.bytes[i + j] === raw[j]) j++;
    if (j === raw.length) at = i;
  }
  t.true(at >= 0);
  let k = raw.length - 3;
  while (!(raw[k] & 1)) k--;
  r.b.flash.bytes[at + k] &= 0xfe; // NOR can clear bits in place
  r.reboot();
  const damaged = r.log.since(1);
  t.deepEqual(damaged.damaged, [12]);
  const c = r.check(damaged, 1);
  t.false(c.ok);
  t.regex(c.problems.join(' '), /could not open event 12/);
});

test('details never make an event larger than the bound, and a long transaction keeps its first outputs and a count', (t) => {
  const outputs = Array.from({ length: 50 }, (_, i) => ({ to: `bc1p${'q'.repeat(58)}`, amount: String(i * 1e8) }));
  const big = boundDetails({ app: 'phone', network: 'bitcoin', fee: '1000', outputs });
  t.true(encodeCbor(big).length <= MAX_EVENT_BYTES - 32, `${encodeCbor(big).length} bytes`);
  t.is(big.fee, '1000');
  fc.assert(fc.property(fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 4 })), (details) => {
    const r = logRig();
    const e = r.log.record('signed', details as Record<string, unknown>);
    return eventBytes(e!).length <= MAX_EVENT_BYTES && r.check(r.log.since(1), 1).ok;
  }), { numRuns: 40 });
});

test('a factory reset keeps one last event, continuing the chain the app saw; too many wrong PINs say so too', (t) => {
  const rig = deviceRig({ wallet: true, unlocked: true });
  rig.d.events.record('frozen', { by: 'test' });
  const before = rig.d.events.since(1);
  const seen = verifyEvents(before, { deviceId: rig.d.vault.deviceIdBytesNow(), since: 1 });
  t.true(seen.ok, seen.problems.join('; '));
  rig.d.vault.wipe(undefined, 'factory reset');
  const after = rig.d.events.since(1);
  t.is(after.dropped, seen.head.seq);
  t.is(after.events.length, 1);
  const last = decodeEvent(after.events[0]);
  t.is(last.kind, 'reset-done');
  t.is(last.details.erasedEvents, seen.head.seq);
  // a new device id (and event key) after the reset; the chain still continues the head the app saw
  const check = verifyEvents(after, { deviceId: rig.d.vault.deviceIdBytesNow(), since: seen.head.seq + 1, last: seen.head });
  t.deepEqual(check.problems, []);
  rig.reboot();
  t.is(rig.d.events.head.seq, seen.head.seq + 1);

  // 10 wrong PINs on a fresh wallet: the wipe records "wiped"
  const w = deviceRig({ wallet: true });
  for (let i = 0; i < 10; i++) {
    w.b.advance(3_600_000);
    if (w.d.screen.id !== 'locked') w.press('b');
    w.unlock('999999');
  }
  const events = w.d.events.latest(3).map((e) => e.kind);
  t.is(events[0], 'wiped');
  t.is(w.d.vault.hasWallet, false);
  void PIN;
});
