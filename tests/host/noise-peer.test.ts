// A live Noise KK handshake and transport exchange against noise-c (rweather's C library, as WebAssembly),
// with our side as initiator and as responder.
import test from 'ava';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { NoiseKK, keyPair, PROTOCOL_NAME } from '../../modules/session/noise-kk.js';

const require = createRequire(import.meta.url);
const createNoise = require('@richardhopton/noise-c.wasm');
const loadNoise = (): Promise<any> => new Promise((resolve) => createNoise(resolve));
const EMPTY = new Uint8Array(0);
const prologue = new TextEncoder().encode('latch/v1');

test('our initiator with a noise-c responder: handshake, then 20 transport messages each way', async (t) => {
  const noise = await loadNoise();
  const ours = keyPair(randomBytes(32));
  const theirs = keyPair(randomBytes(32));
  const me = new NoiseKK('initiator', ours, theirs.pub, keyPair(randomBytes(32)), prologue);
  const peer = new noise.HandshakeState(PROTOCOL_NAME, noise.constants.NOISE_ROLE_RESPONDER);
  peer.Initialize(prologue, theirs.priv, ours.pub);
  t.deepEqual(Buffer.from(peer.ReadMessage(me.writeMessage(Uint8Array.of(1, 2)), true)), Buffer.from([1, 2]));
  t.deepEqual(me.readMessage(peer.WriteMessage(Uint8Array.of(3))), Uint8Array.of(3));
  const [peerSend, peerReceive] = peer.Split();
  const mine = me.split();
  for (let i = 0; i < 20; i++) {
    const m = randomBytes(1 + i * 7);
    t.deepEqual(Buffer.from(peerReceive.DecryptWithAd(EMPTY, mine.send.encrypt(EMPTY, m))), m);
    const r = randomBytes(1 + i * 5);
    t.deepEqual(Buffer.from(mine.receive.decrypt(EMPTY, peerSend.EncryptWithAd(EMPTY, r))), r);
  }
});

test('a noise-c initiator with our responder, and a wrong static key refused', async (t) => {
  const noise = await loadNoise();
  const app = keyPair(randomBytes(32));
  const device = keyPair(randomBytes(32));
  const peer = new noise.HandshakeState(PROTOCOL_NAME, noise.constants.NOISE_ROLE_INITIATOR);
  peer.Initialize(prologue, app.priv, device.pub);
  const me = new NoiseKK('responder', device, app.pub, keyPair(randomBytes(32)), prologue);
  t.deepEqual(me.readMessage(peer.WriteMessage(Uint8Array.of(7))), Uint8Array.of(7));
  t.deepEqual(Buffer.from(peer.ReadMessage(me.writeMessage(Uint8Array.of(8)), true)), Buffer.from([8]));
  const [peerSend, peerReceive] = peer.Split();
  const mine = me.split();
  const m = randomBytes(100);
  t.deepEqual(mine.receive.decrypt(EMPTY, peerSend.EncryptWithAd(EMPTY, m)), new Uint8Array(m));
  t.deepEqual(Buffer.from(peerReceive.DecryptWithAd(EMPTY, mine.send.encrypt(EMPTY, m))), m);

  const stranger = keyPair(randomBytes(32));
  const peer2 = new noise.HandshakeState(PROTOCOL_NAME, noise.constants.NOISE_ROLE_INITIATOR);
  peer2.Initialize(prologue, stranger.priv, device.pub);
  const me2 = new NoiseKK('responder', device, app.pub, keyPair(randomBytes(32)), prologue);
  t.throws(() => me2.readMessage(peer2.WriteMessage(EMPTY)), { code: 'noise-decrypt' });
});
