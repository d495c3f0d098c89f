// The event log keeps what matters (issue 18, finding 2): bind requests are coalesced (guard/stranger-tally.ts),
// security events are never overwritten unread, and a stranger's flood stays inside the flash-wear budget.
import test from 'ava';
import { EVENT_SLOTS, EVENTS_RESERVE } from '../../modules/guard/event-log.js';
import { decodeEvent } from '../../modules/guard/event-format.js';
import { TALLY_INTERVAL_MS } from '../../modules/guard/stranger-tally.js';
import { AppPeer } from './support/app-peer.js';
import { walletWithApp, type DeviceRig } from './support/device-rig.js';

/** NOR flash is rated for this many erases per sector */
const ERASE_CYCLES = 100_000;

function countErases(rig: DeviceRig): { erases: number } {
  const c = { erases: 0 };
  const flash = rig.b.ports.flash;
  const erase = flash.eraseSector.bind(flash);
  flash.eraseSector = (s: number) => { c.erases++; erase(s); };
  return c;
}

const kinds = (rig: DeviceRig) => rig.d.events.latest(EVENT_SLOTS).map((e) => e.kind);

test('3,000 bind requests do not push a freeze out of the log: they are one event with their count', (t) => {
  const { rig, app } = walletWithApp('owner', 'Owner phone');
  t.like(app.call('freeze'), { result: { frozen: true } });
  app.disconnect();
  const before = rig.d.events.head.seq;
  const wear = countErases(rig);
  const stranger = new AppPeer(rig.b, 247, 'stranger');
  for (let i = 0; i < 3000; i++) {
    if (i % 100 === 0) stranger.connect();
    const [reply] = stranger.requestBind(`flood ${i}`);
    if (i === 0) t.regex(reply?.error?.message ?? '', /frozen/);
  }
  t.is(rig.d.events.head.seq, before, 'nothing written during the flood');
  rig.b.advance(TALLY_INTERVAL_MS);
  rig.b.tick();
  t.is(rig.d.events.head.seq, before + 1, 'one tally');
  const [tally] = rig.d.events.latest(1);
  t.is(tally.kind, 'bind-requested');
  t.like(tally.details, { count: 3000, app: 'flood 2999', refused: { frozen: 3000 } });
  t.true(kinds(rig).includes('frozen'), 'the freeze is still in the log');
  t.true(wear.erases <= 1, `${wear.erases} sector erases`);
});

test('a day of the worst a stranger can do stays inside the wear budget (at least 10 years)', (t) => {
  const { rig, app } = walletWithApp('owner', 'Owner phone');
  t.is(app.call('events_ack', { seq: rig.d.events.head.seq }).result?.acked, rig.d.events.head.seq); // nothing unread: every tally is written
  app.disconnect();
  const wear = countErases(rig);
  const before = rig.d.events.head.seq;
  const stranger = new AppPeer(rig.b, 247, 'stranger');
  const DAY = 24 * 3600_000;
  const STEP = 10_000;
  for (let at = 0; at < DAY; at += STEP) {
    if (at % 60_000 === 0) stranger.connect();
    stranger.requestBind('flood');
    rig.b.advance(STEP);
    rig.b.tick();
    rig.press('b', true); // the owner is not there: back home, the code screen goes
  }
  const written = rig.d.events.head.seq - before;
  t.true(written <= DAY / TALLY_INTERVAL_MS + 1, `${written} events in a day`);
  t.true(written >= DAY / TALLY_INTERVAL_MS - 1, `${written} events in a day: the tallies were written`);
  const sectors = rig.b.ports.flash.size / rig.b.ports.flash.sectorSize;
  const years = ERASE_CYCLES / (wear.erases / sectors) / 365;
  t.log(`a day of bind requests every ${STEP / 1000} s: ${written} events, ${wear.erases} erases over ${sectors} sectors: ${Math.round(years)} years to ${ERASE_CYCLES} cycles`);
  t.true(years >= 10, `${years} years`);
});

test('signing waits for the app to read the log when unread security events would be overwritten', (t) => {
  const { rig, app } = walletWithApp('owner', 'Owner phone');
  const log = rig.d.events;
  const start = log.head.seq;
  // security events the app does not read (policy changes made on the device, say)
  while (log.unreadRoom > EVENTS_RESERVE) log.record('policy-changed', { by: 'test' });
  t.true(log.head.seq - start <= EVENT_SLOTS);
  const refused = app.call('eth_sign_message', { message: 'hello' });
  t.like(refused, { error: { code: 'events-unread' } });
  t.regex(refused.error.message, /read the log/);
  // the reserve still takes the owner's own security events
  t.like(app.call('freeze'), { result: { frozen: true } });
  const unread = app.call('events_since', { since: log.head.seq - 1 });
  t.is(unread.result.acked, 0);
  t.like(app.call('events_ack', { seq: log.head.seq + 1 }), { error: { code: 'bad-params' } });
  t.deepEqual(app.call('events_ack', { seq: log.head.seq }).result, { acked: log.head.seq });
  t.is(log.mustReadFirst(), undefined);
  t.is(rig.reboot().events.unreadRoom, Infinity, 'the acknowledgement survives a reboot');
});

test('lesser events never overwrite unread security events; a security event past the reserve is counted lost', (t) => {
  const { rig } = walletWithApp('owner', 'Owner phone');
  const log = rig.d.events;
  const first = log.record('signed', { test: 1 })!.seq;
  while (log.unreadRoom > 0) log.record('sign-requested', { test: 2 });
  t.is(log.record('sign-refused', {}), undefined, 'held, not written');
  t.is(log.since(first, 1).held, 1);
  t.is(decodeEvent(log.since(first, 1).events[0]).kind, 'signed', 'the unread signature is still there');
  log.record('frozen', { by: 'owner' });
  t.is(log.since(1).lostUnread, 1);
});
