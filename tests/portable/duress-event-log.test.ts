// The event log in duress mode (issue 23): an app bound there reads and acknowledges the events after the alarm
// as on any device, so the decoy signs on for as long as an ordinary device would, past the ring's 64 slots;
// the owner's alarm, kept apart from the ring (guard/event-log.ts: RecordKey.duressAlarm), still reaches the
// owner's app, signed by the device, with the count of the decoy's signatures the ring overwrote unseen.
import test from 'ava';
import { decodeEvent } from '../../modules/guard/event-format.js';
import { verifyEvents, verifyKeptAlarm } from '../../modules/guard/event-verify.js';
import { EVENT_SLOTS } from '../../modules/guard/event-log.js';
import { totp } from '../../modules/guard/otp.js';
import { AppPeer } from './support/app-peer.js';
import { enrolCodes, menuItem, PIN, walletWithApp, type DeviceRig } from './support/device-rig.js';
import { home, setDuress } from './support/duress-steps.js';

const DURESS = '654321';
const T0 = 1_800_000_000;

/** The owner's wallet with a duress PIN; the device then unlocked with it, and the thief's app bound there. */
function thiefInDuress(): { rig: DeviceRig; app: AppPeer; thief: AppPeer } {
  const { rig, app } = walletWithApp('duress-log', 'Alice phone', T0, 64 * 1024); // the device's vault: the ring wraps
  app.call('ping');
  const secret = enrolCodes(rig);
  setDuress(rig, DURESS, PIN);
  home(rig);
  app.disconnect();
  rig.press('a');
  rig.unlock(DURESS);
  const thief = new AppPeer(rig.b, 247, 'thief');
  thief.time = T0 + 60;
  thief.connect();
  thief.bindUntilAllow(rig.d, 'Thief phone', rig.d.vault.bindingCode() ?? undefined);
  rig.decide('c');
  rig.b.advance(30_000);
  rig.enterPin(totp(secret, rig.d.guard.world.now()!));
  rig.press('b');
  thief.openSession();
  return { rig, app, thief };
}

/** What any app does: read the events since the last look, then acknowledge them. */
function readAndAck(thief: AppPeer, since: number): number {
  const r = thief.call('events_since', { since }).result;
  thief.call('events_ack', { seq: r.head.seq });
  return r.head.seq + 1;
}

function signOnce(rig: DeviceRig, thief: AppPeer, i: number): { result?: { signature: Uint8Array }; error?: { code: string } } {
  thief.ask('eth_sign_message', { message: new TextEncoder().encode(`pay ${i}`) });
  if (rig.d.screen.id !== 'unlocked') {
    rig.readReview(10);
    rig.decide('c');
  }
  return thief.answer();
}

test('the decoy signs on past the ring while its app reads the log, as an ordinary device does', (t) => {
  const { rig, thief } = thiefInDuress();
  t.true(rig.d.vault.duressMode);
  let since = readAndAck(thief, 1);
  const rounds = EVENT_SLOTS; // two events each: the ring wraps twice
  for (let i = 0; i < rounds; i++) {
    const answer = signOnce(rig, thief, i);
    if (!answer.result) return t.fail(`signature ${i + 1} refused: ${JSON.stringify(answer.error)}`);
    home(rig);
    since = readAndAck(thief, since);
  }
  const seen = thief.call('events_since', { since: 1 }).result;
  t.is(seen.acked, seen.head.seq, 'its acknowledgement is answered as any device answers it');
  t.false(seen.events.map((e: Uint8Array) => decodeEvent(e).kind).includes('duress-pin-entered'));
  t.is(seen.alarm, undefined, 'the kept alarm is the owner\'s, never shown to the decoy\'s app');
  t.is(seen.dropped, seen.head.seq - EVENT_SLOTS, 'its view is the ring\'s, as on any device');
  // History runs on from the episode's first event, the overwritten ones said as on any device
  const alarm = rig.d.events.keptAlarmSeq!;
  menuItem(rig, 'History');
  t.regex(rig.text(), new RegExp(`#${seen.head.seq - alarm} Signed`), rig.text());
  for (let i = 0; i < 80 && !/Page (\d+) of \1\./.test(rig.text()); i++) { rig.waitArmed(); rig.press('c'); }
  t.regex(rig.text(), new RegExp(`${seen.head.seq - EVENT_SLOTS - alarm} older events are no longer kept`), rig.text());
});

test('the owner\'s app still gets the alarm the ring overwrote, signed by the device, and how many signatures it did not see', (t) => {
  const { rig, app, thief } = thiefInDuress();
  let since = readAndAck(thief, 1);
  const rounds = EVENT_SLOTS;
  for (let i = 0; i < rounds; i++) {
    t.truthy(signOnce(rig, thief, i).result, `signature ${i + 1}`);
    home(rig);
    since = readAndAck(thief, since);
  }
  t.false(rig.d.events.latest(EVENT_SLOTS).some((e) => e.kind === 'duress-pin-entered'), 'the ring no longer holds the alarm');
  thief.disconnect();
  rig.press('a');
  rig.unlock(PIN);
  t.false(rig.d.vault.duressMode);
  (app as unknown as { seen: number }).seen = rig.b.notified.length;
  app.connect();
  app.openSession();
  const answer = app.call('events_since', { since: 1 }).result;
  const deviceId = rig.d.vault.deviceIdBytesNow();
  t.true(verifyEvents(answer, { deviceId, since: 1 }).ok, 'the ring still checks');
  const kept = verifyKeptAlarm(answer.alarm, { deviceId, key: answer.key });
  t.deepEqual(kept.problems, []);
  t.is(kept.event?.kind, 'duress-pin-entered');
  t.true(kept.event!.seq <= answer.dropped, 'the alarm is one the ring overwrote');
  const signedInRing = answer.events.map((e: Uint8Array) => decodeEvent(e)).filter((e: { kind: string; seq: number }) => e.kind === 'signed').length;
  t.is(kept.signedUnseen + signedInRing, rounds, 'every signature of the episode is either in the ring or counted');
  // an altered alarm (its details, or the count's signature) does not verify
  const forged = { ...answer.alarm, event: answer.alarm.event.slice() };
  forged.event[forged.event.length - 1] ^= 1;
  t.false(verifyKeptAlarm(forged, { deviceId, key: answer.key }).ok);
  const recounted = { ...answer.alarm, signedUnseen: 0 };
  t.false(verifyKeptAlarm(recounted, { deviceId, key: answer.key }).ok, 'the count is signed with the alarm');
});
