// The board simulator's control API, with the firmware running on XS, as a QA bench would drive it.
import test from 'ava';
import { WebSocket } from 'ws';
import { DeviceDriver } from './support/device-driver.js';
import { startSim, type RunningSim } from './support/sim.js';
import { connect } from './support/raw-app.js';

let sim: RunningSim;
test.before(async () => { sim = await startSim(); });
test.after.always(async () => { await sim?.stop(); });

test.serial('GET /api/screen shows the blank-device screen', async (t) => {
  const { status, body } = await sim.api('GET', '/api/screen');
  t.is(status, 200);
  t.is(body.id, 'blank');
  t.is(body.state, 'blank');
  t.is(body.title, 'Latch');
  t.true(body.lines.includes('Blank device'));
  t.deepEqual(body.buttons, { a: 'Set up', b: 'About', c: null });
});

test.serial('GET /api/screen says what is drawn page by page; the clock and the device\'s event log are readable', async (t) => {
  const { body } = await sim.api('GET', '/api/screen');
  t.is(body.page, 1);
  t.deepEqual(body.pages[0].rows.map((r: { text: string }) => r.text).slice(0, 1), ['Blank device']);
  t.is(body.app, null);
  t.deepEqual(body.problems, []);
  const clock = (await sim.api('GET', '/api/clock')).body;
  t.is(clock.manual, false);
  t.true(clock.now > 0);
  // a blank device has no identity yet: nothing recorded, and looking makes none
  t.like((await sim.api('GET', '/api/device-events')).body, { available: false, events: [] });
  t.like((await sim.api('GET', '/api/device-events')).body, { available: false });
});

test.serial('button presses reach the firmware in XS and change the LCD', async (t) => {
  const before = (await sim.api('GET', '/api/screen.png')).body as Buffer;
  const { body } = await sim.api('POST', '/api/buttons/b', {});
  t.is(body.id, 'about');
  t.true(body.lines.includes('Platform: node-sim (xs)'), 'the About screen was made by the firmware running on XS');
  const after = (await sim.api('GET', '/api/screen.png')).body as Buffer;
  t.false(before.equals(after));
  t.deepEqual([...after.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  t.is(after.readUInt32BE(16), 320);
  t.is(after.readUInt32BE(20), 240);
  t.is((await sim.api('POST', '/api/buttons/b', { long: true })).body.id, 'blank', 'a long press is a press too');
  t.true(sim.board.log.some((e) => e.message === 'button b (long) on about'), 'the firmware logged the long press');
});

test.serial('bad requests get clear errors and change nothing', async (t) => {
  let r = await sim.api('POST', '/api/buttons/d', {});
  t.is(r.status, 404);
  t.regex(r.body.error, /no button "d"/);
  r = await sim.api('POST', '/api/buttons/a', '{not json');
  t.is(r.status, 400);
  t.regex(r.body.error, /not valid JSON/);
  r = await sim.api('POST', '/api/buttons/a', { long: 'yes' });
  t.is(r.status, 400);
  r = await sim.api('POST', '/api/power-cut', { afterOps: -1 });
  t.is(r.status, 400);
  r = await sim.api('GET', '/api/buttons/a');
  t.is(r.status, 405);
  r = await sim.api('GET', '/api/nothing');
  t.is(r.status, 404);
  t.is((await sim.api('GET', '/api/screen')).body.id, 'blank');
});

test.serial('GET /api/flash returns the raw image', async (t) => {
  const { status, body } = await sim.api('GET', '/api/flash');
  t.is(status, 200);
  t.is((body as Buffer).length, 64 * 1024);
});

test.serial('the link carries packets both ways, logs them, and refuses bad MTUs and oversize writes', async (t) => {
  const open = (q: string) => new WebSocket(`${sim.url.replace('http', 'ws')}/link${q}`);
  const refused = await new Promise<string>((resolve) => {
    const ws = open('?mtu=22');
    ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
    ws.on('error', () => {});
  });
  t.is(refused, '400');

  const ws = open('?mtu=23');
  await new Promise((r) => ws.once('open', r));
  const info = await new Promise<string>((resolve) => { ws.once('message', (d) => resolve(d.toString())); ws.send('read:info'); });
  t.is(info, 'info:0101', 'INFO: protocol 1, blank');

  const second = open('');
  const closed = await new Promise<{ code: number; reason: string }>((resolve) => second.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  t.is(closed.code, 1013);
  t.regex(closed.reason, /already connected/);

  ws.send(Uint8Array.of(0xc0, 1, 2, 3));
  await new Promise((r) => setTimeout(r, 200));
  await sim.api('POST', '/api/buttons/b', {});
  t.true((await sim.api('GET', '/api/screen')).body.lines.includes('Link: connected, MTU 23, 1 packets in'));
  await sim.api('POST', '/api/buttons/b', {});

  const tooBig = await new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    ws.send(new Uint8Array(21));
  });
  t.is(tooBig.code, 1009);
  t.regex(tooBig.reason, /exceeds MTU-3 = 20/);

  const log = (await sim.api('GET', '/api/link-log')).body as { dir: string; hex?: string; event?: string }[];
  t.true(log.some((e) => e.dir === 'in' && e.hex === 'c0010203'));
  t.true(log.some((e) => e.dir === 'event' && /connected, mtu 23/.test(e.event!)));
  t.true(log.some((e) => e.dir === 'event' && /rejected a 21-byte write/.test(e.event!)));
});

test.serial('a power cut turns the board off until reboot; the firmware boots again from flash', async (t) => {
  let r = await sim.api('POST', '/api/power-cut', { afterOps: 0 });
  t.deepEqual(r.body, { armed: false, afterOps: 0, on: false });
  t.is((await sim.api('GET', '/api/screen')).body.id, 'off');
  r = await sim.api('POST', '/api/buttons/b', {});
  t.is(r.status, 409);
  t.regex(r.body.error, /board is off/);
  r = await sim.api('POST', '/api/reboot', {});
  t.is(r.status, 200);
  t.is(r.body.id, 'blank');
  r = await sim.api('POST', '/api/power-cut', { afterOps: 3 });
  t.deepEqual(r.body, { armed: true, afterOps: 3, on: true });
  await sim.api('POST', '/api/reboot', {});
  t.is(sim.board.hw.flash.pendingCut, undefined, 'a reboot disarms a pending cut');
});

// CI caught this race: POST /api/clock landed while the timer's tick was running, the board skipped its own
// tick, and the test's next step ran before the firmware had seen the new time (an auto-lock came a step late).
// The V8 engine ticks synchronously, so a tick left running here is exactly the one the old board skipped.
test.serial('advancing the clock while a tick is under way still lets the firmware act on the new time before it returns', async (t) => {
  const bench = await startSim({ engine: 'node', manualClock: true, pinIterations: 50 });
  try {
    const driver = new DeviceDriver(bench.url);
    await driver.call('POST', '/api/debug/load', { mnemonic: 'all all all all all all all all all all all all', pin: '123456' });
    await driver.toUnlockedHome();
    t.is((await bench.board.screen()).id, 'unlocked');
    const running = bench.board.tick();
    await bench.board.advanceClock(6 * 60_000); // past the 5-minute auto-lock
    t.is((await bench.board.screen()).id, 'locked');
    await running;
  } finally {
    await bench.stop();
  }
});

test.serial('two simulators in one process share nothing: a board stuck on its link does not hold up another one\'s', async (t) => {
  const stuck = await startSim({ pinIterations: 50 });
  const other = await startSim({ pinIterations: 50 });
  let release = () => {};
  const realOpen = stuck.board.linkOpen.bind(stuck.board);
  stuck.board.linkOpen = () => new Promise<void>((resolve) => { release = resolve; });
  const held = new WebSocket(`${stuck.url.replace('http', 'ws')}/link`);
  try {
    await new Promise((r) => held.once('open', r));
    const client = await connect(other.url);
    const info = await Promise.race([client.info(), new Promise<undefined>((r) => setTimeout(r, 5000))]);
    t.deepEqual(info, { protocol: 1, blank: true }, 'the other simulator answers at once');
    await client.close();
  } finally {
    release();
    stuck.board.linkOpen = realOpen;
    held.close();
    await stuck.stop();
    await other.stop();
  }
});
