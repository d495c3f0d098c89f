// Noise_KK_25519_ChaChaPoly_SHA256 against the cacophony vectors (shared/vectors/noise-vectors.json).
import test from 'ava';
import { fromHex, toHex } from '../../modules/bytes.js';
import { NoiseKK, keyPair } from '../../modules/session/noise-kk.js';
import vectors from '../../../shared/vectors/noise-vectors.json' with { type: 'json' };

const kk = (vectors.vectors as any[]).find((v) => v.protocol_name === 'Noise_KK_25519_ChaChaPoly_SHA256');

test('the cacophony KK vector: handshake messages, handshake hash, and transport messages both ways', (t) => {
  const initiator = new NoiseKK('initiator', keyPair(fromHex(kk.init_static)), fromHex(kk.init_remote_static), keyPair(fromHex(kk.init_ephemeral)), fromHex(kk.init_prologue));
  const responder = new NoiseKK('responder', keyPair(fromHex(kk.resp_static)), fromHex(kk.resp_remote_static), keyPair(fromHex(kk.resp_ephemeral)), fromHex(kk.resp_prologue));
  const [m0, m1, ...rest] = kk.messages;
  const c0 = initiator.writeMessage(fromHex(m0.payload));
  t.is(toHex(c0), m0.ciphertext);
  t.is(toHex(responder.readMessage(c0)), m0.payload);
  const c1 = responder.writeMessage(fromHex(m1.payload));
  t.is(toHex(c1), m1.ciphertext);
  t.is(toHex(initiator.readMessage(c1)), m1.payload);
  const a = initiator.split();
  const b = responder.split();
  t.is(toHex(a.handshakeHash), kk.handshake_hash);
  t.is(toHex(b.handshakeHash), kk.handshake_hash);
  rest.forEach((m: { payload: string; ciphertext: string }, i: number) => {
    const [sender, receiver] = i % 2 === 0 ? [a, b] : [b, a];
    const c = sender.send.encrypt(new Uint8Array(0), fromHex(m.payload));
    t.is(toHex(c), m.ciphertext, `transport message ${i + 2}`);
    t.is(toHex(receiver.receive.decrypt(new Uint8Array(0), c)), m.payload);
  });
  t.true(rest.length >= 4);
});

test('wrong static keys, tampered and replayed messages fail with a clear error', (t) => {
  const [is, rs, other] = [1, 2, 3].map((n) => keyPair(new Uint8Array(32).fill(n)));
  const eph = (n: number) => keyPair(new Uint8Array(32).fill(n + 10));
  // responder expects `other` as the initiator: KK must fail
  const i1 = new NoiseKK('initiator', is, rs.pub, eph(1));
  const r1 = new NoiseKK('responder', rs, other.pub, eph(2));
  t.throws(() => r1.readMessage(i1.writeMessage(new Uint8Array(0))), { code: 'noise-decrypt' });
  // tamper
  const i2 = new NoiseKK('initiator', is, rs.pub, eph(3));
  const r2 = new NoiseKK('responder', rs, is.pub, eph(4));
  const m = i2.writeMessage(Uint8Array.of(1, 2, 3));
  m[40] ^= 1;
  t.throws(() => r2.readMessage(m), { code: 'noise-decrypt' });
  // out of order and too short
  t.throws(() => new NoiseKK('responder', rs, is.pub, eph(5)).writeMessage(new Uint8Array(0)), { code: 'noise-order' });
  t.throws(() => new NoiseKK('responder', rs, is.pub, eph(6)).readMessage(new Uint8Array(40)), { code: 'noise-decrypt' });
  // transport replay: the counter moved on
  const i3 = new NoiseKK('initiator', is, rs.pub, eph(7));
  const r3 = new NoiseKK('responder', rs, is.pub, eph(8));
  r3.readMessage(i3.writeMessage(new Uint8Array(0)));
  i3.readMessage(r3.writeMessage(new Uint8Array(0)));
  const [a, b] = [i3.split(), r3.split()];
  const c = a.send.encrypt(new Uint8Array(0), Uint8Array.of(9));
  t.deepEqual(b.receive.decrypt(new Uint8Array(0), c), Uint8Array.of(9));
  t.throws(() => b.receive.decrypt(new Uint8Array(0), c), { code: 'noise-decrypt' }, 'a replayed message fails');
  t.throws(() => a.receive.decrypt(new Uint8Array(0), c), { code: 'noise-decrypt' }, 'a reflected message fails');
});
