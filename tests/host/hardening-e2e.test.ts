// The hardening review's findings that live in the simulator and the client, replayed end to end with the
// firmware on XS: a flash image on another board, the chip key outside /api/flash, link floods and closes during
// reboots, idle connections, and the protected key file.
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { DeviceDriver } from './support/device-driver.js';
import { latch } from './support/cli.js';
import { bindHonestly, connect, screenCode } from './support/raw-app.js';
import { startSim, type RunningSim } from './support/sim.js';
import { LINK_QUEUE_LIMIT } from '../../hosts/sim/server.js';
import { XsRuntime } from '../../hosts/sim/runtime-xs.js';

const sims: RunningSim[] = [];
test.afterEach.always(async () => { for (const s of sims.splice(0)) await s.stop(); });
async function sim(options: Parameters<typeof startSim>[0] = {}) {
  const s = await startSim({ manualClock: true, pinIterations: 50, ...options });
  sims.push(s);
  return s;
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack).indexOf(Buffer.from(needle)) >= 0;
}

test.serial('a flash image moved to another board says so, shows no code and takes no PIN', async (t) => {
  const a = await sim();
  const runtime = a.board.runtime as XsRuntime;
  await runtime.evaluate(`device.vault.createWallet('123456', new Uint8Array(16).fill(7)); device.vault.setBindingCode('K7M2QX9P');`);
  const image = new Uint8Array(((await a.api('GET', '/api/flash')).body as Buffer));
  const chipKey = fs.readFileSync(path.join(path.dirname(a.flashFile), 'chip-key.bin'));
  t.is(chipKey.length, 32);
  t.false(contains(image, chipKey), 'GET /api/flash never holds the chip key');
  t.false(contains(image, Buffer.from('K7M2QX9P')));

  const b = await sim();
  b.board.hw.flash.bytes.set(image);
  await b.api('POST', '/api/reboot', {});
  const d = new DeviceDriver(b.url);
  const s = await d.screen();
  t.is(s.id, 'storage-foreign');
  t.is(s.state, 'foreign');
  t.regex(s.lines.join(' '), /made by another device/);
  t.deepEqual(s.buttons, { a: 'Reset', b: null, c: 'About' }, 'no Unlock: the right PIN is never even asked for');
  const client = await connect(b.url);
  await client.send(Uint8Array.from([1, ...new Uint8Array(16), ...new Uint8Array(32).fill(9), 65]));
  const err = await client.expect(2).then(() => undefined, (e) => e);
  t.regex(String(err?.message), /belongs to another device/);
  await client.close();
  t.false((await d.screen()).lines.some((l) => /[2-9A-HJ-NP-Z]{4} [2-9A-HJ-NP-Z]{4}/.test(l)), 'no code on the screen');
  // The owner of board B resets it and gets a working blank device.
  await d.press('a');
  await d.press('c');
  await d.decide('c');
  t.is((await d.press('b')).id, 'blank');
});

test.serial('closing the link while the board reboots does not end the simulator', async (t) => {
  const s = await sim();
  const url = `${s.url.replace('http', 'ws')}/link`;
  for (let i = 0; i < 6; i++) {
    const ws = new WebSocket(url);
    await new Promise((r) => ws.once('open', r));
    ws.send(Uint8Array.of(0x80, 0x01)); // a message in progress
    const reboot = s.api('POST', '/api/reboot', {});
    await new Promise((r) => setTimeout(r, i * 15));
    ws.close();
    t.is((await reboot).status, 200);
  }
  await new Promise((r) => setTimeout(r, 200));
  const d = new DeviceDriver(s.url);
  t.is((await d.screen()).id, 'blank');
  const client = await connect(s.url);
  const bound = await bindHonestly(client, d);
  t.is(bound.outcome, 'allowed', 'the link still binds afterwards');
  await client.close();
});

test.serial('a flood of packets is cut off at the queue limit; the simulator stays responsive', async (t) => {
  const s = await sim();
  const ws = new WebSocket(`${s.url.replace('http', 'ws')}/link?mtu=23`);
  await new Promise((r) => ws.once('open', r));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const packet = Uint8Array.of(0xc0, 0x12, 0, 0, 0);
  for (let i = 0; i < LINK_QUEUE_LIMIT * 20; i++) ws.send(packet);
  const c = await closed;
  t.is(c.code, 1008);
  t.regex(c.reason, /packets waiting for the device/);
  const started = Date.now();
  t.is((await s.api('GET', '/api/screen')).status, 200);
  t.true(Date.now() - started < 5000);
  const client = await connect(s.url);
  t.is((await client.info()).protocol, 1, 'a new app connects at once');
  await client.close();
});

test.serial('a connection that sends nothing complete for 30 s is dropped by the device', async (t) => {
  const s = await sim({ autoTick: true });
  const ws = new WebSocket(`${s.url.replace('http', 'ws')}/link`);
  await new Promise((r) => ws.once('open', r));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  ws.send(Uint8Array.of(0x80, 0x01));
  await new Promise((r) => setTimeout(r, 100));
  await s.api('POST', '/api/clock', { advanceMs: 30_000 });
  t.is(await closed, 4000);
  const client = await connect(s.url);
  t.is((await client.info()).protocol, 1, 'the link is free for another app');
  await client.close();
});

test.serial('latch bind --protect encrypts the key file; it then needs the passphrase', async (t) => {
  const s = await sim({ autoTick: true });
  const d = new DeviceDriver(s.url);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'latch-protect-'));
  const device = ['--device', `${s.url.replace('http', 'ws')}/link`, '--home', home];
  process.env.LATCH_PASSPHRASE = 'correct horse battery';
  try {
    const r = await latch(['bind', ...device, '--protect', '--label', 'Protected'], async (write) => {
      write((await (async () => { for (;;) { const c = (await d.screen()).lines.find((l) => /^[2-9A-HJ-NP-Z]{4} [2-9A-HJ-NP-Z]{4}$/.test(l)); if (c) return c; await new Promise((x) => setTimeout(x, 25)); } })()));
      await d.waitFor('bind-allow');
      await d.decide('c');
    });
    t.is(r.code, 0, r.stderr);
    const j = JSON.parse(fs.readFileSync(path.join(home, 'app.json'), 'utf8'));
    t.is(j.version, 2);
    t.is(j.privateKey, undefined, 'no private key in the clear');
    t.is(j.protected.kdf, 'scrypt');
    t.is((await latch(['ping', ...device])).code, 0, 'LATCH_PASSPHRASE opens it');
    process.env.LATCH_PASSPHRASE = 'wrong horse';
    const wrong = await latch(['ping', ...device]);
    t.is(wrong.code, 1);
    t.regex(wrong.stderr, /wrong passphrase/);
    delete process.env.LATCH_PASSPHRASE;
    const none = await latch(['ping', ...device]);
    t.is(none.code, 1);
    t.regex(none.stderr, /protected by a passphrase: set LATCH_PASSPHRASE/);
  } finally {
    delete process.env.LATCH_PASSPHRASE;
  }
  void screenCode;
});
