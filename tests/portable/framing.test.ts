import test from 'ava';
import fc from 'fast-check';
import { END, MAX_MESSAGE, REASSEMBLY_TIMEOUT_MS, Reassembler, START, fragment } from '../../modules/transport/framing.js';

function collector(now = () => 0) {
  const messages: Uint8Array[] = [];
  const errors: string[] = [];
  const r = new Reassembler({ message: (m) => messages.push(m), error: (c) => errors.push(c) }, now);
  return { r, messages, errors };
}

test('any message survives fragmentation at any MTU from 23 to 517', (t) => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 1500 }), fc.integer({ min: 23, max: 517 }), (m, mtu) => {
    const packets = fragment(m, mtu);
    const { r, messages, errors } = collector();
    for (const p of packets) {
      if (p.length > mtu - 3) return false;
      r.push(p);
    }
    return errors.length === 0 && messages.length === 1 && messages[0].length === m.length && messages[0].every((b, i) => b === m[i]);
  }), { numRuns: 300 });
  t.pass();
});

test('headers: START on the first, END on the last, sequence counting up', (t) => {
  const packets = fragment(new Uint8Array(50), 23); // 19 payload bytes each
  t.is(packets.length, 3);
  t.deepEqual(packets.map((p) => p[0]), [START | 0, 1, END | 2]);
  t.is(fragment(Uint8Array.of(1), 23)[0][0], START | END);
});

test('lost, repeated, reordered and stray packets are dropped with an error; the next message still arrives', (t) => {
  const packets = fragment(new Uint8Array(60).fill(7), 23);
  for (const broken of [[packets[0], packets[2], packets[3]], [packets[0], packets[1], packets[1]], [packets[1]], [packets[0], packets[2], packets[1]]]) {
    const { r, messages, errors } = collector();
    for (const p of broken) r.push(p);
    t.is(messages.length, 0);
    t.true(errors.length >= 1);
    for (const p of fragment(Uint8Array.of(9, 9), 23)) r.push(p);
    t.deepEqual(messages, [Uint8Array.of(9, 9)]);
  }
});

test('concatenated messages, a new START mid-message, empty packets', (t) => {
  const { r, messages, errors } = collector();
  const a = fragment(new Uint8Array(40).fill(1), 23);
  r.push(a[0]);
  for (const p of fragment(Uint8Array.of(2), 23)) r.push(p);
  t.deepEqual(errors, ['frame-sequence']);
  t.deepEqual(messages, [Uint8Array.of(2)]);
  r.push(new Uint8Array(0));
  r.push(Uint8Array.of(START | END));
  t.deepEqual(errors, ['frame-sequence', 'frame-empty', 'frame-empty']);
});

test('after a broken message, its remaining packets are skipped quietly until the next START', (t) => {
  const { r, messages, errors } = collector();
  const p = fragment(new Uint8Array(100).fill(5), 23);
  for (const x of [p[0], p[2], p[3], p[4], p[5]]) r.push(x);
  t.deepEqual(errors, ['frame-sequence'], 'one error for one broken message');
  for (const x of fragment(Uint8Array.of(4), 23)) r.push(x);
  t.deepEqual(messages, [Uint8Array.of(4)]);
  r.push(Uint8Array.of(1, 2));
  t.deepEqual(errors, ['frame-sequence', 'frame-no-start'], 'a stray continuation after a good message is reported');
});

test('oversized messages are refused on both sides', (t) => {
  t.throws(() => fragment(new Uint8Array(MAX_MESSAGE + 1), 100), { code: 'frame-too-large' });
  const { r, messages, errors } = collector();
  const chunk = new Uint8Array(200);
  r.push(Uint8Array.of(START, ...chunk));
  for (let i = 1; i < 100; i++) r.push(Uint8Array.of(i & 63, ...chunk));
  t.is(messages.length, 0);
  t.is(errors[0], 'frame-too-large');
});

test('an incomplete message times out when its packets stop coming', (t) => {
  let now = 0;
  const { r, messages, errors } = collector(() => now);
  const packets = fragment(new Uint8Array(100), 23);
  r.push(packets[0]);
  for (let i = 1; i < 4; i++) {
    now += REASSEMBLY_TIMEOUT_MS; // slow, but never silent for longer than the timeout
    r.tick();
    r.push(packets[i]);
  }
  t.deepEqual(errors, []);
  now += REASSEMBLY_TIMEOUT_MS;
  r.tick();
  t.deepEqual(errors, []);
  now += 1;
  r.tick();
  t.deepEqual(errors, ['frame-timeout']);
  t.false(r.busy);
  t.is(messages.length, 0);
});
