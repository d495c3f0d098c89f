// Hostile session input, idle links and sessions, auto-lock, and key hygiene: the review's findings 4 and 5.
import test from 'ava';
import fc from 'fast-check';
import { checkCbor, decodePeerCbor, encodeCbor } from '../../modules/protocol/cbor.js';
import { ErrorCode } from '../../modules/protocol/messages.js';
import { LINK_IDLE_MS } from '../../modules/protocol/link-handler.js';
import { SESSION_IDLE_MS } from '../../modules/protocol/session-responder.js';
import { NoiseKK, keyPair } from '../../modules/session/noise-kk.js';
import { AppPeer } from './support/app-peer.js';
import { PIN, deviceRig } from './support/device-rig.js';

/** A blank device bound to a test app with an open session. */
function session() {
  const rig = deviceRig();
  const app = new AppPeer(rig.b, 247, 'hostile');
  app.connect();
  app.bindUntilAllow(rig.d, 'Hostile');
  rig.decide('c');
  app.openSession();
  return { rig, app };
}

/** `depth` containers, each opened by `open` (e.g. 0x81: an array of one; 0xa1 0x61 0x6b: a map {"k": ...}), around 0. */
function nested(depth: number, ...open: number[]): Uint8Array {
  // Built without spreading: XS pushes spread elements on its stack, and 15,000 of them overflow it.
  const out = new Uint8Array(depth * open.length + 1);
  for (let i = 0; i < depth; i++) out.set(open, i * open.length);
  return out;
}

test('CBOR nested 10,000 deep is refused before any recursion, and the device still answers', (t) => {
  const { app } = session();
  for (const [what, bytes] of [
    ['arrays', nested(10_000, 0x81)],
    ['maps', nested(5_000, 0xa1, 0x61, 0x6b)],
    ['17 levels', nested(17, 0x81)],
  ] as const) {
    const [answer] = app.sendCbor(bytes);
    t.like(answer, { id: null, error: { code: 'bad-request' } }, what);
    t.regex((answer as any).error.message, /nested deeper than 16/, what);
    t.deepEqual(app.call('ping').result, { pong: true }, `${what}: still serving`);
  }
  t.notThrows(() => checkCbor(nested(16, 0x81)), '16 levels are fine');
});

test('indefinite lengths, huge declared lengths, tags, duplicate keys and trailing bytes are refused', (t) => {
  const { app } = session();
  const cases: [string, number[], RegExp][] = [
    ['indefinite array', [0x9f, 0x01, 0xff], /indefinite/],
    ['indefinite text', [0x7f, 0x61, 0x61, 0xff], /indefinite/],
    ['a 4 GiB string', [0x5a, 0xff, 0xff, 0xff, 0xff, 0x00], /declares 4294967295 bytes/],
    ['an array of 2^64-1', [0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], /declares/],
    ['a map of 2^32-1', [0xba, 0xff, 0xff, 0xff, 0xff, 0x01], /declares/],
    ['a tag', [0xc1, 0x00], /tags/],
    ['undefined', [0xf7], /simple value 23/],
    ['reserved', [0x1c], /reserved/],
    ['truncated', [0x82, 0x01], /too short/],
    ['truncated length', [0x19, 0x01], /ends in the middle of a length/],
    ['trailing bytes', [0x01, 0x02], /1 bytes follow/],
    ['duplicate keys', [...encodeCbor({ id: 1 }).subarray(0, 1).map(() => 0xa2), 0x62, 0x69, 0x64, 0x01, 0x62, 0x69, 0x64, 0x02], /malformed CBOR/],
  ];
  for (const [what, bytes, message] of cases) {
    const [answer] = app.sendCbor(Uint8Array.from(bytes));
    t.like(answer, { error: { code: 'bad-request' } }, what);
    t.regex((answer as any).error.message, message, what);
  }
  t.deepEqual(app.call('ping', { echo: 'still here' }).result, { pong: true, echo: 'still here' });
});

test('big strings and byte strings near the message limit decode without exhausting the stack', (t) => {
  const { app } = session();
  const text = 'é'.repeat(6000); // 12,000 bytes of 2-byte UTF-8
  t.like(app.call('ping', { echo: text }), { error: { code: 'bad-params' } });
  t.like(app.call('ping', { echo: new Uint8Array(15_000) }), { error: { code: 'bad-params' } });
  t.like(app.call('x'.repeat(14_000)), { error: { code: 'unknown-method' } });
  t.deepEqual(app.call('ping').result, { pong: true });
});

test('random CBOR through a real session: every message is answered and ping still works (fast-check)', (t) => {
  const { app } = session();
  let answered = 0;
  fc.assert(fc.property(
    fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 200 }),
      fc.anything({ maxDepth: 6 }).map((v) => { try { return encodeCbor(v); } catch { return Uint8Array.of(0xf6); } }),
      fc.array(fc.constantFrom(0x81, 0xa1, 0x9f, 0x5b, 0xbf, 0xff, 0x00, 0x18, 0xc6), { minLength: 1, maxLength: 60 }).map((a) => Uint8Array.from(a)),
    ),
    (bytes) => {
      const answers = app.sendCbor(bytes);
      if (answers.length !== 1) return false;
      answered++;
      return true;
    },
  ), { numRuns: 150 });
  t.is(answered, 150);
  t.deepEqual(app.call('ping').result, { pong: true });
});

test('the limits hold on their own: structure checks never recurse, valid requests decode', (t) => {
  t.deepEqual(decodePeerCbor(encodeCbor({ id: 3, method: 'ping', params: { echo: 'x' } })), { id: 3, method: 'ping', params: { echo: 'x' } });
  t.throws(() => checkCbor(new Uint8Array(0)), { message: /ends in the middle/ });
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
    try { checkCbor(b); } catch (err) { return (err as { code?: string }).code === 'bad-cbor'; }
    return true;
  }));
});

test('a connection that completes no message for 30 s is dropped', (t) => {
  const rig = deviceRig();
  const app = new AppPeer(rig.b, 247, 'idle');
  let dropped = 0;
  rig.b.ports.link.disconnect = () => { dropped++; rig.b.link().disconnected(); };
  app.connect();
  rig.b.link().received(Uint8Array.of(0x80, 0x01)); // half a message, never finished
  rig.b.advance(LINK_IDLE_MS - 1);
  rig.b.tick();
  t.is(dropped, 0);
  rig.b.advance(1);
  rig.b.tick();
  t.is(dropped, 1);
  const last = app.collect().pop();
  t.is(last?.error?.code, ErrorCode.timeout);
});

test('an idle session closes after 5 minutes; a busy one stays', (t) => {
  const { rig, app } = session();
  rig.b.ports.link.disconnect = () => {}; // keep the connection for this test
  for (let i = 0; i < 4; i++) {
    rig.b.advance(SESSION_IDLE_MS / 5);
    rig.b.tick();
    t.deepEqual(app.call('ping').result, { pong: true }, 'activity keeps it open');
  }
  rig.b.advance(SESSION_IDLE_MS);
  rig.b.tick();
  const closed = app.collect().find((r) => r.error);
  t.is(closed?.error?.code, ErrorCode.timeout);
  t.regex(closed!.error!.message, /idle for 5 minutes/);
  t.like(app.sendCbor(encodeCbor({ id: 99, method: 'ping' }))[0], { linkError: { code: ErrorCode.noSession } });
});

test('an unlocked device left alone locks itself after the owner\'s auto-lock time', (t) => {
  const rig = deviceRig({ wallet: true, unlocked: true });
  t.is(rig.d.state, 'unlocked');
  rig.b.advance(4 * 60_000);
  rig.b.tick();
  t.is(rig.d.state, 'unlocked');
  rig.press('b'); // any press counts as use
  rig.press('b', true); // hold B: back home
  rig.b.advance(5 * 60_000 - 1);
  rig.b.tick();
  t.is(rig.d.state, 'unlocked');
  rig.b.advance(1);
  rig.b.tick();
  t.is(rig.d.state, 'locked');
  t.is(rig.d.screen.id, 'locked');
  // The owner sets 1 minute in the menu.
  rig.unlock();
  rig.press('b'); // Menu
  rig.press('c');
  rig.press('c'); // > Auto-lock
  t.true(rig.d.screen.lines.includes('> Auto-lock: 5 min'));
  rig.press('b'); rig.press('b'); rig.press('b'); // 5 -> 10 -> 30 -> 1
  t.true(rig.d.screen.lines.includes('> Auto-lock: 1 min'));
  rig.b.advance(60_000);
  rig.b.tick();
  t.is(rig.d.state, 'locked');
  t.is(rig.reboot().vault.preferences.autoLockMinutes, 1, 'kept across a reboot');
});

test('changing the PIN asks for the current PIN first, and a wrong one counts', (t) => {
  const rig = deviceRig({ wallet: true, unlocked: true });
  rig.press('b'); // Menu
  rig.press('c'); // > Change PIN
  rig.press('b');
  t.is(rig.d.screen.id, 'pin-current');
  rig.enterPin('654321');
  t.is(rig.d.screen.id, 'pin-wrong');
  t.is(rig.d.vault.pinFailures, 1);
  rig.press('b');
  rig.press('b'); // Menu
  rig.press('c');
  rig.press('b');
  rig.enterPin(PIN);
  t.is(rig.d.screen.id, 'pin-change');
  rig.enterPin('24682468');
  rig.enterPin('24682468');
  t.is(rig.d.screen.id, 'pin-changed');
  const v = rig.reboot().vault;
  t.true(v.unlock('24682468').ok);
});

test('Noise forgets its copy of the static key after the handshake, and everything when it fails', (t) => {
  const device = keyPair(new Uint8Array(32).fill(1));
  const app = keyPair(new Uint8Array(32).fill(2));
  const ok = new NoiseKK('responder', device, app.pub, keyPair(new Uint8Array(32).fill(3)));
  const initiator = new NoiseKK('initiator', app, device.pub, keyPair(new Uint8Array(32).fill(4)));
  ok.readMessage(initiator.writeMessage(new Uint8Array(0)));
  ok.writeMessage(new Uint8Array(0));
  t.true(ok.holdsSecrets);
  ok.split();
  t.false(ok.holdsSecrets, 'split() wipes the static and ephemeral copies');
  t.deepEqual(device.priv, new Uint8Array(32).fill(1), 'the caller\'s own key pair is untouched');
  const failing = new NoiseKK('responder', device, app.pub, keyPair(new Uint8Array(32).fill(5)));
  t.throws(() => failing.readMessage(new Uint8Array(80)));
  failing.wipe();
  t.false(failing.holdsSecrets);
});
