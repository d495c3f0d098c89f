import test from 'ava';
import { Device, PROTOCOL_VERSION } from '../../modules/device.js';
import { fakeBoard } from './support/fake-ports.js';
import { LatchError } from '../../modules/errors.js';

test('boots blank, draws the blank screen and publishes INFO', (t) => {
  const b = fakeBoard();
  const d = new Device(b.ports, { platform: 'test' });
  d.boot();
  t.is(d.state, 'blank');
  t.is(d.screen.id, 'blank');
  t.deepEqual(d.screen.buttons, { a: 'Set up', b: 'About', c: null });
  t.is(b.canvas.frames.length, 1);
  const texts = b.canvas.frames[0].filter((c) => c[0] === 'text').map((c) => c[1]);
  t.true(texts.includes('Blank device'));
  t.deepEqual(b.info(), Uint8Array.of(PROTOCOL_VERSION, 1));
  t.is(d.entropy.bytesTested, 1024, 'the start-up health test ran');
});

test('B opens About and B goes back; unlabeled buttons do nothing', (t) => {
  const b = fakeBoard();
  const d = new Device(b.ports, { platform: 'test-board' });
  d.boot();
  b.press({ button: 'c', long: true });
  b.press({ button: 'c', long: false });
  t.is(d.screen.id, 'blank');
  t.is(b.canvas.frames.length, 1, 'no redraw for a button without a label');
  b.press({ button: 'b', long: false });
  t.is(d.screen.id, 'about');
  t.true(d.screen.lines.includes('Platform: test-board'));
  t.true(d.screen.lines.includes('Vault flash: 16 KiB, 4096 B sectors'));
  b.press({ button: 'b', long: false });
  t.is(d.screen.id, 'blank');
});

test('a stuck RNG at boot shows the hardware fault screen and no secret can be drawn', (t) => {
  const b = fakeBoard({ fill: (target) => { target.fill(0); return target.length; } });
  const d = new Device(b.ports, { platform: 'test' });
  d.boot();
  t.is(d.state, 'fault');
  t.is(d.screen.id, 'rng-fault');
  t.regex(d.screen.lines.join(' '), /repeated byte 0x00/);
  t.throws(() => d.entropy.bytes(5), { code: 'entropy-health' });
  t.deepEqual(b.info(), Uint8Array.of(PROTOCOL_VERSION, 0));
});

test('link events reach the firmware and show on About', (t) => {
  const b = fakeBoard();
  const d = new Device(b.ports, { platform: 'test' });
  d.boot();
  b.press({ button: 'b', long: false });
  b.link().connected(185);
  b.link().received(Uint8Array.of(1, 2, 3));
  t.true(d.screen.lines.includes('Link: connected, MTU 185, 1 packets in'));
  b.link().disconnected();
  t.true(d.screen.lines.includes('Link: idle, 1 packets in'));
});

test('booting twice is refused', (t) => {
  const d = new Device(fakeBoard().ports, { platform: 'test' });
  d.boot();
  t.throws(() => d.boot(), { message: /already booted/ });
});

test('a storage failure while binding is a device fault for the app, and shown on the screen', async (t) => {
  const { fragment } = await import('../../modules/transport/framing.js');
  const { Kind, ErrorCode, message } = await import('../../modules/protocol/messages.js');
  const b = fakeBoard();
  const d = new Device(b.ports, { platform: 'test' });
  d.boot();
  b.link().connected(247);
  b.flash.write = () => { throw new LatchError('flash-verify', 'the flash did not take the write'); };
  for (const p of fragment(message(Kind.bindRequest, new Uint8Array(16), new Uint8Array(32).fill(9), Uint8Array.of(65)), 247)) b.link().received(p);
  const reply = b.notified.map((p) => p.subarray(1));
  t.is(reply[0][0], Kind.error);
  t.is(reply[0][1], ErrorCode.deviceFault);
  t.is(d.screen.id, 'error');
  t.regex(d.screen.lines.join(' '), /did not take the write/);
});
