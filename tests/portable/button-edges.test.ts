// The board-side button logic (modules/ui/button-edges.ts, which drivers/buttons.ts feeds with the M5Stack's and
// Moddable's simulator's edges): presses carry how long they were held, so a hold that began before a screen
// appeared never acts on it. Played against the whole device on both engines.
import test from 'ava';
import { ButtonEdges, LONG_PRESS_MS } from '../../modules/ui/button-edges.js';
import type { ButtonEvent } from '../../modules/ports.js';
import { GUARD_MS } from '../../modules/app/navigator.js';
import { AppPeer } from './support/app-peer.js';
import { deviceRig } from './support/device-rig.js';

test('edges become presses on release, with the time held on the board clock', (t) => {
  let now = 1000;
  const seen: ButtonEvent[] = [];
  const edges = new ButtonEdges(() => now, (e) => seen.push(e));
  edges.edge('a', false); // released without a press we saw (held at boot): nothing
  edges.edge('b', true);
  now += 120;
  edges.edge('b', true); // a bounce: the press still began at 1000
  now += 30;
  edges.edge('b', false);
  edges.edge('c', true);
  now += LONG_PRESS_MS;
  edges.edge('c', false);
  t.deepEqual(seen, [{ button: 'b', long: false, heldMs: 150 }, { button: 'c', long: true, heldMs: LONG_PRESS_MS }]);
});

test('a hold of C that began before "Allow this app?" appeared does not allow, however long it lasts', (t) => {
  const rig = deviceRig({ wallet: true, unlocked: true });
  const edges = new ButtonEdges(() => rig.b.ports.clock.now(), (e) => rig.b.press(e));
  const app = new AppPeer(rig.b, 247, 'early-hold');
  app.connect();
  edges.edge('c', true); // the owner (or a thief) holds C on the home screen
  rig.b.advance(200);
  app.bindUntilAllow(rig.d, 'Held app', rig.d.vault.bindingCode() ?? undefined);
  t.is(rig.d.screen.id, 'bind-allow');
  rig.b.advance(GUARD_MS + 2000); // long after the screen armed
  edges.edge('c', false); // the release: a long press, but it began before the screen appeared
  t.is(rig.d.screen.id, 'bind-allow', 'not allowed');
  t.is(rig.d.vault.appBinding(), undefined);
  t.true(rig.b.logs.some((l) => /press c ignored on bind-allow: it began \d+ ms before the screen appeared/.test(l)));
  // a hold that begins on the armed screen allows
  edges.edge('c', true);
  rig.b.advance(LONG_PRESS_MS);
  edges.edge('c', false);
  t.is(rig.d.screen.id, 'bound');
  t.is(rig.d.vault.appBinding()?.label, 'Held app');
});

test('a press under the finger when a screen changes never lands on the new one, on any screen', (t) => {
  const rig = deviceRig({ wallet: true, unlocked: true });
  const edges = new ButtonEdges(() => rig.b.ports.clock.now(), (e) => rig.b.press(e));
  edges.edge('b', true); // B down on the unlocked home (B: Menu)
  rig.b.advance(100);
  rig.d.vault.lock(); // the screen changes under the finger (here: the owner's wallet locks)
  rig.d.returnHome();
  t.is(rig.d.screen.id, 'locked');
  rig.b.advance(100);
  edges.edge('b', false); // B is "Unlock" here: the press began before, so it does nothing
  t.is(rig.d.screen.id, 'locked');
  edges.edge('b', true);
  rig.b.advance(50);
  edges.edge('b', false);
  t.is(rig.d.screen.id, 'pin-unlock', 'a press that began on this screen works at once (it is no decision)');
});
