// Issue 18, finding 2, through the board simulator on XS and the `latch` CLI: a stranger's flood of bind requests
// used to push a "signed 3 ETH" event out of the 64-event ring while the owner's app still called the log verified.
// Now the requests are one coalesced tally: after 300 of them the signature is still in the log the owner reads,
// the log verifies, and the flood added at most a couple of events.
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { Kind, message } from '../../modules/protocol/messages.js';
import { fragment } from '../../modules/transport/framing.js';
import { EVENT_SLOTS } from '../../modules/vault/records.js';
import type { LatchEvent } from '../../modules/guard/event-format.js';
import { latch } from './support/cli.js';
import { startCliBench, type CliBench } from './support/cli-bench.js';
import { connect } from './support/raw-app.js';

// 300 is past the 64-event ring more than four times over, and keeps the run short beside the other files
const FLOOD = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TO = '0x1d1c328764a41bda0492b66baa30c4a339ff85ef';
let bench: CliBench | undefined;
test.before(async () => { bench = await startCliBench({ mnemonic: 'all all all all all all all all all all all all', label: 'Owner phone', name: 'flood' }); });
test.after.always(async () => { await bench?.stop(); });

async function events(): Promise<{ code: number; json: { ok: boolean; events: LatchEvent[] }; stderr: string }> {
  await bench!.syncClock();
  const r = await latch(['events', '--json', ...bench!.device()]);
  return { code: r.code, json: JSON.parse(r.stdout.trim().split('\n')[0]), stderr: r.stderr };
}

test.serial(`${FLOOD} bind requests from a stranger do not push the owner's 3 ETH signature out of the log`, async (t) => {
  const { d } = bench!;
  const tx = JSON.stringify({ chainId: 1, nonce: 0, to: TO, value: '3000000000000000000', gasLimit: 21000, maxFeePerGas: '1000000000', maxPriorityFeePerGas: '1' });
  const signed = await latch(['eth', 'sign-tx', tx, ...bench!.device()], async () => { await d.review(); });
  t.is(signed.code, 0, signed.stderr);
  await d.press('b');
  await d.toUnlockedHome();
  const before = await events();
  t.is(before.code, 0, before.stderr);
  const lastSeq = Math.max(...before.json.events.map((e) => e.seq));

  const stranger = await connect(bench!.sim.url);
  const started = Date.now();
  const answers = () => stranger.trace.filter((m) => m.dir === 'in').length;
  for (let i = 0; i < FLOOD; i++) {
    const request = message(Kind.bindRequest, new Uint8Array(randomBytes(16)), new Uint8Array(randomBytes(32)), new TextEncoder().encode(`Flood ${i}`));
    for (const p of fragment(request, 244)) await stranger.transport.send(p);
    // in windows of 25, so the link's queue limit (which would cut a burst off) never decides what the device saw
    if (i % 25 === 24) for (let w = 0; w < 400 && answers() < i + 1; w++) await sleep(10);
  }
  for (let w = 0; w < 400 && answers() < FLOOD; w++) await sleep(10);
  t.is(answers(), FLOOD, 'the device answered every bind request');
  t.log(`${FLOOD} bind requests answered in ${Date.now() - started} ms`);
  await stranger.close().catch(() => undefined);
  await d.toUnlockedHome();
  // the tally is written at most every 5 minutes of device time: let it come due, and a few ticks run
  await d.call('POST', '/api/clock', { advanceMs: 5 * 60_000 + 1000 });
  await sleep(500);

  const after = await events();
  t.is(after.code, 0, after.stderr);
  t.true(after.json.ok, 'the owner\'s app verifies the log');
  const kinds = after.json.events.map((e) => e.kind);
  t.true(after.json.events.some((e) => e.kind === 'signed' && (e.details as { value?: string }).value === '3000000000000000000'), `the 3 ETH signature is still there: ${kinds.join(',')}`);
  const added = after.json.events.filter((e) => e.seq > lastSeq);
  t.true(added.length <= 3, `the flood added ${added.length} events (the ring holds ${EVENT_SLOTS}): ${added.map((e) => e.kind).join(',')}`);
  const tallies = added.filter((e) => e.kind === 'bind-requested');
  t.is(tallies.reduce((n, e) => n + ((e.details as { count?: number }).count ?? 0), 0), FLOOD, `every request counted: ${JSON.stringify(tallies.map((e) => e.details))}`);
});
