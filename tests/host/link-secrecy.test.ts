// The binding code never crosses the link in any form, and no frame is a function of the code alone.
import test from 'ava';
import { Kind } from '../../modules/protocol/messages.js';
import { DeviceDriver } from './support/device-driver.js';
import { bindHonestly, connect, screenCode } from './support/raw-app.js';
import { startSim, type RunningSim } from './support/sim.js';
import { encodings } from './support/code-forms.js';

let sim: RunningSim;
test.before(async () => { sim = await startSim({ pinIterations: 50, autoTick: true }); });
test.after.always(async () => { await sim?.stop(); });

test.serial('a whole bind + session run: the link log holds no form of the code, and code-dependent frames never repeat', async (t) => {
  const d = new DeviceDriver(sim.url);
  const runs: Map<number, string[]>[] = [];
  let code = '';
  for (let run = 0; run < 2; run++) {
    const client = await connect(sim.url, 23 + run * 100);
    const codeSeen = screenCode(d).then((c) => { code = c; });
    const { app, device } = await bindHonestly(client, d);
    await codeSeen;
    const session = await client.openSession(app, device);
    t.deepEqual(await session.call('ping'), { pong: true });
    const byKind = new Map<number, string[]>();
    for (const { message } of client.trace) byKind.set(message[0], [...(byKind.get(message[0]) ?? []), Buffer.from(message).toString('hex')]);
    runs.push(byKind);
    await client.close();
    await d.press('b');
  }
  t.is(code.length, 8);
  const log = (await d.call('GET', '/api/link-log')) as { dir: string; hex?: string }[];
  const packets = log.filter((e) => e.hex).map((e) => Buffer.from(e.hex!, 'hex'));
  t.true(packets.length > 20);
  const everything = Buffer.concat(packets);
  for (const enc of encodings(code)) {
    t.is(everything.indexOf(enc), -1, `the link carried ${enc.toString('hex')}`);
    // not even its first 5 bytes (40 bits) inside any single packet
    for (const p of packets) t.is(p.indexOf(enc.subarray(0, 5)), -1, `a 5-byte prefix of ${enc.toString('hex')} crossed the link`);
  }
  // Both runs used the same code: a frame computed from the code alone would appear in both.
  for (const kind of [Kind.bindRequest, Kind.bindChallenge, Kind.bindShareA, Kind.bindShareB, Kind.bindConfirmA, Kind.sessionInit, Kind.sessionAccept, Kind.sessionData]) {
    const [a, b] = [runs[0].get(kind) ?? [], runs[1].get(kind) ?? []];
    t.true(a.length > 0, `kind 0x${kind.toString(16)} was exchanged`);
    for (const m of a) t.false(b.includes(m), `kind 0x${kind.toString(16)} repeated across runs`);
  }
});
