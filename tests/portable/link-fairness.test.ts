// Link fairness (link-handler.ts): a stranger holding the link cannot keep the bound app out (issue 18, finding 1),
// nor make the device hold or work on a big message before a session.
import test from 'ava';
import { ErrorCode, Kind, message } from '../../modules/protocol/messages.js';
import { LINK_GRACE_MS, LINK_IDLE_MS, LINK_PRESUMED_OFFER_MS, LINK_STRANGER_MS, MAX_PRE_SESSION_MESSAGE } from '../../modules/protocol/link-handler.js';
import { fragment, MAX_MESSAGE } from '../../modules/transport/framing.js';
import { AppPeer } from './support/app-peer.js';
import { walletWithApp, type DeviceRig } from './support/device-rig.js';

/** The rig's link port drops connections as a real one does, counting them. */
function countDrops(rig: DeviceRig): { dropped: number } {
  const counter = { dropped: 0 };
  rig.b.ports.link.disconnect = () => { counter.dropped++; rig.b.link().disconnected(); };
  return counter;
}

/** One complete message of junk (an unknown kind): what the stranger of finding 1 sent every 20 s. */
const JUNK = message(0x7e, Uint8Array.of(1, 2, 3));

test('a stranger sending a junk message every 20 s is dropped after LINK_STRANGER_MS, not kept for hours', (t) => {
  const { rig, app } = walletWithApp('owner', 'Owner phone');
  app.disconnect();
  const drops = countDrops(rig);
  const stranger = new AppPeer(rig.b, 247, 'stranger');
  stranger.connect();
  let elapsed = 0;
  while (drops.dropped === 0 && elapsed < 6 * 3600_000) {
    const [reply] = stranger.send(JUNK);
    t.is(reply?.error?.code, ErrorCode.unknownKind);
    rig.b.advance(20_000);
    elapsed += 20_000;
    rig.b.tick();
  }
  t.is(drops.dropped, 1);
  t.true(elapsed >= LINK_STRANGER_MS && elapsed < LINK_STRANGER_MS + 20_000, `dropped after ${elapsed / 1000} s`);
  t.regex(stranger.collect().pop()?.error?.message ?? '', /no session after 150 s/);
  t.true(LINK_IDLE_MS < LINK_STRANGER_MS, 'the idle rule still applies inside the budget');
});

test('the owner connecting beside a stranger takes its place and freezes at once', (t) => {
  const { rig, app } = walletWithApp('owner', 'Owner phone');
  app.disconnect();
  const stranger = new AppPeer(rig.b, 247, 'stranger');
  stranger.connect();
  stranger.send(JUNK);
  rig.b.advance(LINK_GRACE_MS);
  const offered = rig.b.link().offered!;
  t.true(offered(), 'a connection without a session past its grace gives up its place');
  t.regex(stranger.collect().pop()?.error?.message ?? '', /another app asked for the link/);
  app.collect();
  app.connect();
  t.truthy(app.openSession().find((r) => r.kind === Kind.sessionAccept));
  t.like(app.call('freeze'), { result: { frozen: true } });
  // Now the owner has a session: a stranger reconnecting is refused, however long it waits.
  rig.b.advance(10 * 60_000 - 1);
  t.false(offered(), 'an open session never gives up its place');
});

test('a stranger reconnecting in a loop cannot push out a connection in its first LINK_GRACE_MS', (t) => {
  const { rig, app } = walletWithApp('owner', 'Owner phone');
  app.disconnect();
  app.connect();
  const offered = rig.b.link().offered!;
  rig.b.advance(LINK_GRACE_MS - 1);
  t.false(offered(), 'the newcomer is refused while the connection opens its session');
  app.collect();
  t.truthy(app.openSession().find((r) => r.kind === Kind.sessionAccept));
  t.deepEqual(app.call('ping').result, { pong: true });
});

test('failed messages do not extend a stranger\'s time, and the owner deciding on Allow stops the clock', (t) => {
  const { rig, app } = walletWithApp('owner', 'Owner phone');
  app.disconnect();
  const drops = countDrops(rig);
  const newcomer = new AppPeer(rig.b, 247, 'tablet');
  newcomer.connect();
  for (let at = 0; at < LINK_STRANGER_MS - 20_000; at += 20_000) {
    t.is(newcomer.send(JUNK)[0]?.error?.code, ErrorCode.unknownKind);
    rig.b.advance(20_000);
    rig.b.tick();
  }
  t.is(drops.dropped, 0);
  newcomer.bindUntilAllow(rig.d, 'Tablet', rig.d.vault.bindingCode() ?? undefined);
  t.is(rig.d.screen.id, 'bind-allow');
  rig.b.advance(20_000);
  rig.b.tick();
  t.is(drops.dropped, 0, 'the code was proved and the owner is deciding: not dropped');
  t.false(rig.b.link().offered!(), 'nor pushed out by another central');
});

test('before a session, a message over 256 bytes closes the connection at the packet that passes the limit', (t) => {
  const { rig, app } = walletWithApp('owner', 'Owner phone');
  app.disconnect();
  const drops = countDrops(rig);
  const screen = rig.d.screen.id;
  const stranger = new AppPeer(rig.b, 23, 'stranger');
  stranger.connect();
  // at the limit: taken and answered (a bind request of the wrong size), not dropped
  t.is(stranger.send(message(Kind.bindRequest, new Uint8Array(MAX_PRE_SESSION_MESSAGE - 1).fill(0x41)))[0]?.error?.code, ErrorCode.badMessage);
  t.is(drops.dropped, 0);
  // one byte over, at MTU 23 (19 bytes a packet): the 14th packet takes it to 266 bytes and closes the link
  const packets = fragment(message(Kind.bindRequest, new Uint8Array(MAX_PRE_SESSION_MESSAGE).fill(0x41)), 23);
  let sent = 0;
  for (const p of packets) {
    if (drops.dropped) break;
    rig.b.link().received(p);
    sent++;
  }
  t.is(drops.dropped, 1);
  t.is(sent, Math.floor(MAX_PRE_SESSION_MESSAGE / 19) + 1, `closed at packet ${sent} of ${packets.length}`);
  const [reply] = stranger.collect();
  t.is(reply?.error?.code, ErrorCode.badFrame);
  t.regex(reply?.error?.message ?? '', /over 256 bytes before a session/);
  t.is(rig.d.screen.id, screen, 'no binding code shown: the device did no work on it');
  // a bigger one in one packet (MTU 512) is closed just the same
  const big = new AppPeer(rig.b, 512, 'stranger 2');
  big.connect();
  big.send(message(Kind.sessionInit, new Uint8Array(400)));
  t.is(drops.dropped, 2);
  // the owner's session takes messages up to MAX_MESSAGE
  app.connect();
  app.collect();
  t.truthy(app.openSession().find((r) => r.kind === Kind.sessionAccept));
  t.deepEqual(app.call('ping', { echo: 'x'.repeat(1000) }).result, { pong: true, echo: 'x'.repeat(1000) });
  t.is(drops.dropped, 2, 'a 1 KB request in a session is not a stranger\'s');
  t.true(MAX_MESSAGE > 1000);
});

test('a port that cannot see newcomers offers on a schedule: a stranger gives way, a binding in progress keeps its place', (t) => {
  const { rig, app } = walletWithApp('owner', 'Owner phone');
  app.disconnect();
  const offered = rig.b.link().offered!;
  const stranger = new AppPeer(rig.b, 247, 'stranger');
  stranger.connect();
  stranger.send(JUNK);
  t.false(offered(true), 'inside its grace');
  rig.b.advance(LINK_GRACE_MS);
  t.true(offered(true), 'junk only: it gives way to the app that may be waiting');
  t.regex(stranger.collect().pop()?.error?.message ?? '', /another app asked for the link/);
  const binder = new AppPeer(rig.b, 247, 'tablet');
  binder.connect();
  binder.requestBind('Tablet');
  t.is(rig.d.screen.id, 'bind-code');
  rig.b.advance(LINK_PRESUMED_OFFER_MS);
  t.false(offered(true), 'its code is on the screen: a presumed newcomer does not push it out');
  t.true(offered(), 'a real newcomer (the bound app) still does');
});
