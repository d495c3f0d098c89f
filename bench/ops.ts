/**
 * The operations `npm run bench` measures, with fixed inputs. Portable: the same file runs on V8 and, bundled,
 * on XS. `iterations` is per engine run, sized so XS spends a fraction of a second on each.
 */
import { softwareChipKey } from '../modules/vault/chip-keys.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { HealthTestedEntropy } from '../modules/entropy/health.js';
import { utf8Encode } from '../modules/bytes.js';
import { RecordLog } from '../modules/storage/record-log.js';
import { makePinRecord, unwrapWithPin } from '../modules/vault/pin-kdf.js';
import { seedFromEntropy } from '../modules/wallet/mnemonic.js';
import { NorFlash } from '../hosts/sim/nor-flash.js';
import { cpace } from '../modules/binding/cpace.js';
import { NoiseKK, keyPair, type Transport } from '../modules/session/noise-kk.js';
import { RpcServer, type RpcResponse } from '../modules/protocol/rpc.js';
import { registerCoreMethods } from '../modules/protocol/methods/core.js';
import { decodePeerCbor, encodeCbor } from '../modules/protocol/cbor.js';
import { configureCurves } from '../modules/crypto/curves.js';
import type { BenchOp } from './bench-op.js';
import { healthySource } from './healthy-source.js';
import { ETH_OPS } from './ops-eth.js';
import { BTC_OPS } from './ops-btc.js';
import { ANTI_EXFIL_OPS } from './ops-anti-exfil.js';
import { GUARD_OPS } from './ops-guard.js';
import { duressOps } from './ops-duress.js';
import { AUTHENTICATOR_OPS } from './ops-authenticator.js';


const kib = new Uint8Array(1024).map((_, i) => (i * 31) & 255);
const key = new Uint8Array(32).map((_, i) => i + 1);
const nonce = new Uint8Array(12);
const peer = x25519.getPublicKey(new Uint8Array(32).fill(9));
const digest = sha256(utf8Encode('bench'));
const mnemonic = utf8Encode('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about');
const salt = utf8Encode('mnemonicTREZOR');

const healthBuffer = new Uint8Array(4096);

/** PIN unlock at the floor of 1000 PBKDF2 iterations; cost grows linearly with the calibrated count. */
export const PIN_BENCH_ITERATIONS = 1000;
const benchChip = softwareChipKey(new Uint8Array(32).fill(7));
const pinRecord = makePinRecord(benchChip, '123456', new Uint8Array(32).fill(1), new Uint8Array(16).fill(2), PIN_BENCH_ITERATIONS, new Uint8Array(12), 5);

/** A record log on 64 KiB of in-memory NOR (16 x 4 KiB sectors, as on the device). */
function deviceLog(): RecordLog {
  const log = new RecordLog(new NorFlash({ size: 65536, sectorSize: 4096, random: () => 0.5 }));
  log.mount();
  return log;
}
let writeLog = deviceLog();
let writes = 0;
const record64 = new Uint8Array(64).fill(0x42);

/**
 * The image of a 2 x 4 KiB log holding 20 live 64-byte records whose next write must compact: found once by
 * replaying writes until one compacts, keeping the image from just before it.
 */
function imageBeforeCompaction(): Uint8Array {
  const flash = new NorFlash({ size: 8192, sectorSize: 4096, random: () => 0.5 });
  const log = new RecordLog(flash);
  log.mount();
  for (let i = 0; i < 20; i++) log.set(i + 1, record64);
  for (;;) {
    const before = flash.bytes.slice();
    log.set(100, record64);
    if (log.stats().compactions > 0) return before;
  }
}
let compactionImage: Uint8Array | undefined;
let readyLog: RecordLog | undefined;

// Binding and session fixtures: the app side is prepared (unmeasured); the device side is measured.
const bindCi = utf8Encode('latch-bind-v1'), bindSid = new Uint8Array(32).fill(3), adApp = new Uint8Array(40).fill(4), adDevice = new Uint8Array(50).fill(5);
const code = utf8Encode('K7M2QX9P');
let appShare: Uint8Array | undefined;
const deviceStatic = keyPair(new Uint8Array(32).fill(11));
const appStatic = keyPair(new Uint8Array(32).fill(12));
let kkMessage1: Uint8Array | undefined;
let sessionPair: { device: Transport; app: Transport } | undefined;
let rpcReply: RpcResponse | undefined;
const rpcServer = new RpcServer((r) => { rpcReply = r; });
registerCoreMethods(rpcServer, { info: () => ({ firmware: '0', protocol: 1, deviceId: 'x', state: 'bound', platform: 'bench', rollbackCounter: { counted: false, spent: false, low: false } }), askReset: () => 'shown', withdrawReset: () => {} });

/** secp256k1 with a given precomputation window for the base point (1 = no table): key + first signature. */
function windowOp(w: number): BenchOp {
  return {
    name: `secp256k1 public key + first signature, precompute window ${w}${w === 1 ? ' (no table)' : ''}`,
    iterations: 1,
    prepare: () => { secp256k1.Point.BASE.precompute(w); },
    run: () => { secp256k1.getPublicKey(key); return secp256k1.sign(digest, key, { prehash: false }); },
  };
}

/** The same, once the table exists: what each later signature costs. */
function windowSteadyOp(w: number): BenchOp {
  let built = -1;
  return {
    name: `secp256k1 signature with the table built, precompute window ${w}`,
    iterations: 4,
    prepare: () => {
      if (built === w) return;
      secp256k1.Point.BASE.precompute(w);
      secp256k1.sign(digest, key, { prehash: false });
      built = w;
    },
    run: () => secp256k1.sign(digest, key, { prehash: false }),
  };
}

export const OPS: BenchOp[] = [
  ...[1, 2, 4, 6, 8].map(windowOp),
  ...[1, 2, 4].map(windowSteadyOp),
  { name: 'SHA-256 of 1 KiB', iterations: 40, run: () => sha256(kib) },
  { name: 'SHA-512 of 1 KiB', iterations: 40, run: () => sha512(kib) },
  { name: 'PBKDF2-HMAC-SHA512 x2048 (BIP39 seed)', iterations: 1, run: () => pbkdf2(sha512, mnemonic, salt, { c: 2048, dkLen: 64 }) },
  { name: 'X25519 shared secret', iterations: 4, run: () => x25519.getSharedSecret(key, peer) },
  { name: 'secp256k1 sign (RFC 6979)', iterations: 4, run: () => secp256k1.sign(digest, key, { prehash: false }) },
  { name: 'ChaCha20-Poly1305 seal of 1 KiB', iterations: 40, run: () => chacha20poly1305(key, nonce).encrypt(kib) },
  { name: 'entropy health tests over 4 KiB', iterations: 20, run: () => new HealthTestedEntropy(healthySource()).fill(healthBuffer) },
  { name: `PIN unlock: PBKDF2-SHA256 x${PIN_BENCH_ITERATIONS} + check + unwrap`, iterations: 2, run: () => unwrapWithPin(benchChip, pinRecord, '123456', 5) },
  { name: 'BIP39 seed from 12 words (NFKD + PBKDF2-SHA512 x2048)', iterations: 1, run: () => seedFromEntropy(new Uint8Array(16), 'TREZOR') },
  {
    name: 'record write: 64-byte value, append + retire old',
    iterations: 40,
    run: () => {
      if (++writes % 500 === 0) writeLog = deviceLog(); // stay clear of compaction
      writeLog.set(1 + (writes % 8), record64);
    },
  },
  {
    name: 'CPace responder (device): generator, share, K, ISK, tags',
    iterations: 3,
    prepare: () => { appShare ??= cpace('initiator', code, bindCi, bindSid, adApp, adDevice, new Uint8Array(32).fill(1)).share; },
    run: () => cpace('responder', code, bindCi, bindSid, adDevice, adApp, new Uint8Array(32).fill(2)).finish(appShare!),
  },
  {
    name: 'Noise KK responder (device): read message 1, write message 2, split',
    iterations: 3,
    prepare: () => { kkMessage1 ??= new NoiseKK('initiator', appStatic, deviceStatic.pub, keyPair(new Uint8Array(32).fill(13))).writeMessage(new Uint8Array(0)); },
    run: () => {
      const kk = new NoiseKK('responder', deviceStatic, appStatic.pub, keyPair(new Uint8Array(32).fill(14)));
      kk.readMessage(kkMessage1!);
      kk.writeMessage(new Uint8Array(0));
      return kk.split();
    },
  },
  {
    name: 'RPC round trip (device): decrypt, CBOR, ping, CBOR, encrypt',
    iterations: 40,
    prepare: () => {
      if (sessionPair) return;
      const app = new NoiseKK('initiator', appStatic, deviceStatic.pub, keyPair(new Uint8Array(32).fill(15)));
      const dev = new NoiseKK('responder', deviceStatic, appStatic.pub, keyPair(new Uint8Array(32).fill(16)));
      dev.readMessage(app.writeMessage(new Uint8Array(0)));
      app.readMessage(dev.writeMessage(new Uint8Array(0)));
      sessionPair = { app: app.split(), device: dev.split() };
    },
    run: () => {
      const { app, device } = sessionPair!;
      const request = app.send.encrypt(new Uint8Array(0), encodeCbor({ id: 1, method: 'ping' }));
      rpcServer.handle(decodePeerCbor(device.receive.decrypt(new Uint8Array(0), request)), 'bench');
      const reply = device.send.encrypt(new Uint8Array(0), encodeCbor(rpcReply));
      app.receive.decrypt(new Uint8Array(0), reply);
    },
  },
  {
    name: 'compaction: the write that compacts 21 live records (2 x 4 KiB)',
    iterations: 5,
    prepare: () => {
      compactionImage ??= imageBeforeCompaction();
      const flash = new NorFlash({ size: 8192, sectorSize: 4096, random: () => 0.5 });
      flash.bytes.set(compactionImage);
      readyLog = new RecordLog(flash);
      readyLog.mount();
    },
    run: () => {
      readyLog!.set(100, record64);
      if (readyLog!.stats().compactions !== 1) throw new Error('bench: that write did not compact');
    },
  },
  ...ETH_OPS,
  ...BTC_OPS,
  ...ANTI_EXFIL_OPS,
  ...GUARD_OPS,
  ...AUTHENTICATOR_OPS,
  ...duressOps(PIN_BENCH_ITERATIONS),
];
