// Issue 18, finding 1, through the board simulator on XS and the `latch` CLI: a stranger holding the link with a
// junk message every 20 s cannot keep the owner's `latch freeze` out, and is dropped after 150 s of device time.
import test from 'ava';
import { Kind, message } from '../../modules/protocol/messages.js';
import { fragment } from '../../modules/transport/framing.js';
import { LINK_GRACE_MS, LINK_STRANGER_MS } from '../../modules/protocol/link-handler.js';
import { latch } from './support/cli.js';
import { startCliBench, type CliBench } from './support/cli-bench.js';
import { connect } from './support/raw-app.js';

let bench: CliBench | undefined;
test.before(async () => { bench = await startCliBench({ mnemonic: 'all all all all all all all all all all all all', label: 'Owner phone', name: 'fair' }); });
test.after.always(async () => { await bench?.stop(); });

const advance = (ms: number) => bench!.d.call('POST', '/api/clock', { advanceMs: ms });
const JUNK = message(0x7e, Uint8Array.of(1, 2, 3));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.serial('a stranger sending junk every 20 s: the owner freezes within seconds, and the stranger is dropped', async (t) => {
  const stranger = await connect(bench!.sim.url);
  let strangerClosed = false;
  stranger.transport.onClose(() => { strangerClosed = true; });
  for (const p of fragment(JUNK, 244)) await stranger.transport.send(p);
  // Before: the owner's tool could not connect at all ("another app is connected").
  await advance(LINK_GRACE_MS);
  const started = Date.now();
  const freeze = await latch(['freeze', ...bench!.device()]);
  const took = Date.now() - started;
  t.is(freeze.code, 0, freeze.stderr);
  t.regex(freeze.stdout, /frozen/i);
  t.true(took < 10_000, `latch freeze took ${took} ms`);
  t.log(`latch freeze beside a stranger: ${took} ms`);
  const trace = stranger.trace.filter((m) => m.dir === 'in' && m.message[0] === Kind.error).map((m) => Buffer.from(m.message).toString('latin1'));
  t.true(trace.some((text) => /another app asked for the link/.test(text)), trace.join(' | '));
  for (let i = 0; i < 40 && !strangerClosed; i++) await sleep(50);
  t.true(strangerClosed, 'the simulator closed the stranger\'s socket');
  await stranger.close().catch(() => undefined);
});

test.serial('a stranger alone is dropped after 150 s of device time however often it sends junk', async (t) => {
  const stranger = await connect(bench!.sim.url);
  for (let s = 0; s <= LINK_STRANGER_MS / 1000; s += 20) {
    for (const p of fragment(JUNK, 244)) await stranger.transport.send(p).catch(() => undefined);
    await advance(20_000);
    await sleep(150); // a few ticks
  }
  await sleep(500);
  const log = (await bench!.d.call('GET', '/api/link-log')) as { event?: string }[];
  t.true(log.some((e) => e.event === 'the device dropped the connection'), 'the device dropped it');
  const errors = stranger.trace.filter((m) => m.dir === 'in' && m.message[0] === Kind.error).map((m) => Buffer.from(m.message).toString('latin1'));
  t.true(errors.some((e) => /no session after 150 s/.test(e)), errors.slice(-2).join(' | '));
  await stranger.close().catch(() => undefined);
});
