// The hardening review's findings on binding and the screen, replayed against the whole device: each test runs
// the attack that worked before and shows it no longer does.
import test from 'ava';
import { ErrorCode, Kind } from '../../modules/protocol/messages.js';
import { GUARD_MS, PROMPT_WAIT_MS } from '../../modules/app/navigator.js';
import { MAX_BIND_DELAY_MS } from '../../modules/vault/vault.js';
import { RESET_REQUEST_TTL_MS } from '../../modules/app/reset.js';
import { AppPeer, screenCode } from './support/app-peer.js';
import { PIN, bindApp, deviceRig, walletWithApp } from './support/device-rig.js';
import { ButtonEdges } from '../../modules/ui/button-edges.js';
import { encodeCbor } from '../../modules/protocol/cbor.js';

test('a thief with a locked device cannot bind: no code on the screen, "unlock the device" for the app', (t) => {
  const rig = deviceRig({ wallet: true });
  t.is(rig.d.screen.id, 'locked');
  const thief = new AppPeer(rig.b, 247, 'thief');
  thief.connect();
  const { replies } = thief.bindUntilAllow(rig.d, 'Owner phone', 'AAAAAAAA');
  t.is(replies.length, 1);
  t.is(replies[0].error?.code, ErrorCode.locked);
  t.regex(replies[0].error!.message, /unlock the device with its PIN to bind a new app/);
  t.is(rig.d.screen.id, 'locked', 'the screen did not change');
  t.false(/[2-9A-HJ-NP-Z]{4} [2-9A-HJ-NP-Z]{4}/.test(rig.text()), 'no code shown');
  t.is(rig.d.vault.bindFailures, 0, 'nothing was even attempted');
  t.is(rig.d.vault.appBinding(), undefined);
});

test('a bind request never interrupts the PIN pad: the app hears busy, the half-typed PIN stays', (t) => {
  const rig = deviceRig({ wallet: true });
  rig.press('b'); // Unlock -> PIN pad
  rig.enterDigits('123'); // half the PIN
  const before = rig.d.screen;
  t.is(before.id, 'pin-unlock');
  const stranger = new AppPeer(rig.b, 247, 'stranger');
  stranger.connect();
  const { replies } = stranger.bindUntilAllow(rig.d, 'Latch Firmware Update', 'AAAAAAAA');
  t.is(replies[0].error?.code, ErrorCode.locked);
  t.deepEqual(rig.d.screen, before, 'the PIN pad is untouched');
  rig.enterPin('456');
  t.is(rig.d.screen.id, 'unlocked', 'the owner finishes typing the PIN as if nothing happened');
});

test('a stranger who knows the code cannot turn the owner\'s presses into Allow', (t) => {
  const rig = deviceRig({ wallet: true, unlocked: true });
  rig.press('b'); // Menu
  t.is(rig.d.screen.id, 'menu');
  const stranger = new AppPeer(rig.b, 247, 'stranger');
  stranger.connect();
  const code = rig.d.vault.bindingCode() ?? undefined;
  const { replies } = stranger.bindUntilAllow(rig.d, 'Latch Firmware Update', code);
  t.deepEqual(replies, [], 'CPace done, the device now asks its owner');
  t.is(rig.d.screen.id, 'bind-allow');
  t.regex(rig.text(), /app named "Latch Firmware Update"/, 'the label is shown as the app\'s claim');
  rig.press('c'); // the owner meant "Down" in the menu
  rig.press('c', true); // and even a hold, within the first 0.7 s
  rig.b.advance(GUARD_MS - 1);
  rig.press('c', true);
  t.is(rig.d.screen.id, 'bind-allow', 'presses in the first 0.7 s are ignored');
  rig.b.advance(1);
  rig.press('c', true, 500); // a hold that began before the screen was armed
  t.is(rig.d.screen.id, 'bind-allow');
  rig.press('c'); // a short C is not the Allow gesture
  t.is(rig.d.screen.id, 'bind-allow');
  t.is(rig.d.vault.appBinding(), undefined);
  rig.press('a'); // the owner refuses
  t.deepEqual(stranger.collect().map((r) => [r.kind, ...r.body]), [[Kind.bindResult, 1]]);
  t.is(rig.d.vault.appBinding(), undefined);
});

test('the Allow prompt waits while the owner types a PIN, then shows when they are back home', (t) => {
  const rig = deviceRig({ wallet: true, unlocked: true });
  const app = new AppPeer(rig.b, 247, 'owner-app');
  app.connect();
  rig.press('b'); // Menu
  t.is(app.requestBind('Owner app')[0].kind, Kind.bindChallenge);
  const code = screenCode(rig.d)!;
  t.is(rig.d.screen.id, 'bind-code', 'the code shows over the menu');
  rig.waitArmed(); // a screen the link put up takes presses after 0.7 s
  rig.press('b'); // Hide
  rig.press('b'); // Menu
  rig.press('c'); // Change PIN
  rig.press('b');
  t.is(rig.d.screen.id, 'pin-current');
  rig.enterDigits('12');
  const pad = rig.d.screen;
  t.deepEqual(app.finishBind(code), [], 'CPace done: the device waits for its owner');
  t.deepEqual(rig.d.screen, { ...pad, waiting: 'allow-app' }, 'the PIN pad is untouched; the request waits');
  const other = new AppPeer(rig.b, 247, 'other');
  t.is(other.requestBind('Other')[0].error?.code, ErrorCode.busy, 'meanwhile another bind request hears busy');
  rig.press('a', true); // the owner leaves the PIN pad
  t.is(rig.d.screen.id, 'bind-allow', 'back home, the waiting request shows');
  rig.decide('c');
  t.is(rig.d.screen.id, 'bound');
  // (one link: the busy answer to the other request comes first)
  t.deepEqual(app.collect().filter((r) => r.kind === Kind.bindResult).map((r) => [r.kind, ...r.body]), [[Kind.bindResult, 0]]);
});

test('an Allow prompt waiting behind the owner\'s setup expires, and the app hears so', (t) => {
  const rig = deviceRig(); // blank: binding needs no PIN
  const app = new AppPeer(rig.b, 247, 'slow');
  app.connect();
  t.is(app.requestBind('Slow app')[0].kind, Kind.bindChallenge);
  const code = screenCode(rig.d)!;
  rig.waitArmed();
  rig.press('b'); // Hide
  rig.press('a'); // Set up
  rig.press('a'); // Create
  rig.press('a'); // 12 words
  t.is(rig.d.screen.id, 'show-words');
  const words = rig.d.screen;
  t.deepEqual(app.finishBind(code), []);
  t.is(rig.d.screen.id, 'show-words', 'the recovery words stay on the screen');
  rig.b.advance(PROMPT_WAIT_MS);
  rig.b.tick();
  const replies = app.collect();
  t.is(replies[0].error?.code, ErrorCode.timeout);
  t.regex(replies[0].error!.message, /did not answer on the device in time/);
  t.deepEqual(rig.d.screen, words);
  t.is(rig.d.vault.appBinding(), undefined);
});

test('an app\'s reset request never interrupts the PIN pad, and its erase needs the PIN', (t) => {
  const rig = deviceRig({ wallet: true });
  // bind an app while unlocked, then lock
  rig.unlock();
  const app = new AppPeer(rig.b, 247, 'resetter');
  app.connect();
  app.bindUntilAllow(rig.d, 'Resetter', rig.d.vault.bindingCode() ?? undefined);
  rig.decide('c');
  t.truthy(rig.d.vault.appBinding());
  rig.press('b'); // OK on "App bound"
  rig.press('a'); // Lock
  app.openSession();
  rig.press('b'); // the owner starts unlocking
  rig.press('c');
  t.deepEqual(app.ask('request_factory_reset'), [{ notify: 'waiting-for-owner', data: { request: 'factory-reset' } }]);
  t.is(rig.d.screen.id, 'pin-unlock', 'the PIN pad stays');
  rig.press('c'); // the PIN pad's own gestures do not confirm anything
  rig.press('c', true);
  t.true(rig.d.vault.hasWallet);
  rig.press('a', true); // the owner cancels the PIN pad: home, and the waiting request shows
  t.is(rig.d.screen.id, 'reset-confirm-1');
  t.regex(rig.text(), /The app named "Resetter" asks to erase this device/);
  rig.press('c'); // at once: ignored, the link just put this screen up (the owner meant something else)
  t.is(rig.d.screen.id, 'reset-confirm-1');
  rig.waitArmed();
  rig.press('c');
  t.is(rig.d.screen.id, 'reset-confirm-2');
  rig.press('c', true); // unarmed: ignored
  t.is(rig.d.screen.id, 'reset-confirm-2');
  rig.decide('c');
  t.is(rig.d.screen.id, 'pin-reset', 'an app\'s reset asks for the PIN');
  rig.enterPin('000000');
  t.is(rig.d.screen.id, 'reset-pin-wrong');
  t.true(rig.d.vault.hasWallet, 'a wrong PIN erases nothing');
  t.is(rig.d.vault.pinFailures, 1, 'and it counts like any wrong PIN');
  t.like(app.answer(), { error: { code: 'refused', message: 'a wrong PIN was entered on the device: nothing was erased' } }, 'the app hears it');
});

test('a waiting reset request expires if the owner never comes back to a home screen', (t) => {
  const rig = deviceRig({ wallet: true, unlocked: true });
  const app = bindApp(rig, 'expiry', 'Expiry');
  rig.press('b'); // Menu
  rig.press('c'); // Change PIN
  rig.press('b'); // -> current PIN pad
  t.deepEqual(app.ask('request_factory_reset'), [{ notify: 'waiting-for-owner', data: { request: 'factory-reset' } }]);
  t.is(rig.d.screen.waiting, 'factory-reset');
  t.like(app.call('request_factory_reset'), { error: { code: 'busy' } });
  rig.b.advance(PROMPT_WAIT_MS);
  rig.b.tick();
  t.is(rig.d.screen.waiting, null);
  t.like(app.answer(), { error: { code: 'timeout' } }, 'the app hears that it expired');
  rig.press('a', true); // back home: nothing pops up
  t.is(rig.d.screen.id, 'unlocked');
});

test('an app\'s reset request is answered with what the owner did: erased, refused, timed out; cancel takes it off the screen', (t) => {
  const cases: { name: string; act: (rig: ReturnType<typeof deviceRig>) => void; reply: Record<string, unknown>; screen: string }[] = [
    { name: 'Cancel on the first screen', act: (rig) => rig.press('a'), reply: { error: { code: 'refused', message: 'the owner refused the reset on the device: nothing was erased' } }, screen: 'unlocked' },
    { name: 'Cancel on the second', act: (rig) => { rig.press('c'); rig.decide('a', false); }, reply: { error: { code: 'refused' } }, screen: 'unlocked' },
    { name: 'the PIN pad cancelled', act: (rig) => { rig.press('c'); rig.decide('c'); rig.press('a', true); }, reply: { error: { code: 'refused' } }, screen: 'unlocked' },
    { name: 'nobody answers for 3 minutes', act: (rig) => { rig.b.advance(RESET_REQUEST_TTL_MS); rig.b.tick(); }, reply: { error: { code: 'timeout', message: 'nobody confirmed the reset on the device in time: nothing was erased' } }, screen: 'unlocked' },
    { name: 'confirmed with the PIN', act: (rig) => { rig.press('c'); rig.decide('c'); rig.enterPin('123456'); }, reply: { result: { status: 'erased' } }, screen: 'reset-done' },
  ];
  for (const c of cases) {
    const rig = deviceRig({ wallet: true, unlocked: true });
    rig.d.vault.setPreferences({ ...rig.d.vault.preferences, autoLockMinutes: 30 });
    const app = bindApp(rig, `reset-${c.name}`, 'Resetter');
    t.deepEqual(app.ask('request_factory_reset'), [{ notify: 'confirm-on-device', data: { request: 'factory-reset' } }], c.name);
    t.is(rig.d.screen.id, 'reset-confirm-1');
    rig.waitArmed(); // the confirmation the link put up ignores presses for a moment
    c.act(rig);
    t.like(app.answer(), c.reply, c.name);
    t.is(rig.d.screen.id, c.screen, c.name);
    t.is(rig.d.vault.hasWallet, c.screen !== 'reset-done', c.name);
  }
  const rig = deviceRig({ wallet: true, unlocked: true });
  const app = bindApp(rig, 'reset-cancel', 'Resetter');
  app.ask('request_factory_reset');
  const [withdrawn, cancel] = app.ask('cancel') as any[];
  t.like(withdrawn, { error: { code: 'cancelled' } });
  t.like(cancel, { result: { cancelled: 'request_factory_reset' } });
  t.is(rig.d.screen.id, 'unlocked', 'the app\'s cancel takes the confirmation off the screen');
});

test('labels that are not printable ASCII are refused before anything is shown', (t) => {
  const rig = deviceRig();
  const app = new AppPeer(rig.b, 247, 'label');
  app.connect();
  for (const label of ['Wallet\u202eetadpU', 'Ph\u00f6ne', 'Tab\there', '   ']) {
    const r = app.send(new Uint8Array([Kind.bindRequest, ...new Uint8Array(16), ...app.key.pub, ...new TextEncoder().encode(label)]));
    t.is(r[0].error?.code, ErrorCode.badMessage, label);
    t.regex(r[0].error!.message, /printable ASCII|blank/);
  }
  t.is(rig.d.screen.id, 'blank');
});

test('binding lock-out: capped at an hour, and the owner clears it from the menu', (t) => {
  const rig = deviceRig({ wallet: true, unlocked: true });
  for (let i = 0; i < 18; i++) rig.d.vault.countBindAttempt();
  const app = new AppPeer(rig.b, 247, 'locked-out');
  app.connect();
  const r = app.bindUntilAllow(rig.d, 'Me', 'AAAAAAAA').replies[0];
  t.is(r.error?.code, ErrorCode.bindLocked);
  t.regex(r.error!.message, new RegExp(`locked for ${MAX_BIND_DELAY_MS / 1000} s`));
  rig.waitArmed();
  rig.press('b'); // OK on bind-failed
  rig.press('b'); // Menu
  for (let i = 0; i < 10 && !rig.d.screen.lines.some((l) => l.startsWith('> Clear binding lock-out')); i++) rig.press('c');
  rig.press('b');
  t.is(rig.d.screen.id, 'bind-lock-cleared');
  t.is(rig.d.vault.bindWaitMs, 0);
  rig.press('b'); // OK: back to the menu
  t.is(app.bindUntilAllow(rig.d, 'Me').replies.length, 0, 'binding works again: the device asks its owner');
  t.is(rig.d.screen.id, 'bind-allow');
  void PIN;
});

test('a press meant for OK on "Signed" never lands on the next review\'s Reject, under the finger or just after', (t) => {
  const { rig, app } = walletWithApp('race', 'Racing app');
  const edges = new ButtonEdges(() => rig.b.ports.clock.now(), (e) => rig.b.press(e));
  const sign = (id: number) => app.sendCbor(encodeCbor({ id, method: 'eth_sign_message', params: { message: `hello ${id}` } }));
  sign(1);
  rig.readReview(10);
  rig.decide('c');
  t.is(rig.d.screen.title, 'Signed');
  app.collect();
  // the owner's finger goes down on OK; the app's next request arrives before it comes up
  edges.edge('b', true);
  rig.b.advance(80);
  sign(2);
  t.is(rig.d.screen.id, 'eth-message-review', 'the next review takes the screen');
  rig.b.advance(40);
  edges.edge('b', false);
  t.is(rig.d.screen.id, 'eth-message-review', 'the OK press did not reject it');
  // a press that begins just after the review appeared was meant for OK too: the review takes presses after 0.7 s
  t.true(rig.d.screen.armsInMs > 0);
  edges.edge('b', true);
  rig.b.advance(60);
  edges.edge('b', false);
  t.is(rig.d.screen.id, 'eth-message-review');
  t.deepEqual(app.collect(), [], 'no answer: the request still waits for the owner');
  rig.waitArmed();
  rig.press('b'); // now a deliberate Reject
  t.like(app.answer(), { id: 2, error: { code: 'refused' } });
});
