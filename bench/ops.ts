/**
 * The operations `npm run bench` measures, with fixed inputs. Portable: the same file runs on V8 and, bundled,
 * on XS. `iterations` is per engine run, sized so XS spends a fraction of a second on each.
 */
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { HealthTestedEntropy } from '../modules/entropy/health.js';
import { utf8Encode } from '../modules/bytes.js';

export interface BenchOp {
  name: string;
  iterations: number;
  run: () => unknown;
}

const kib = new Uint8Array(1024).map((_, i) => (i * 31) & 255);
const key = new Uint8Array(32).map((_, i) => i + 1);
const nonce = new Uint8Array(12);
const peer = x25519.getPublicKey(new Uint8Array(32).fill(9));
const digest = sha256(utf8Encode('bench'));
const mnemonic = utf8Encode('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about');
const salt = utf8Encode('mnemonicTREZOR');

/** Deterministic bytes with no long runs: what a healthy RNG looks like to the tests. */
function healthySource() {
  let state = 0x12345678;
  return {
    fill(target: Uint8Array) {
      for (let i = 0; i < target.length; i++) {
        state ^= state << 13; state ^= state >>> 17; state ^= state << 5;
        target[i] = state & 255;
      }
      return target.length;
    },
  };
}
const healthBuffer = new Uint8Array(4096);

export const OPS: BenchOp[] = [
  { name: 'SHA-256 of 1 KiB', iterations: 40, run: () => sha256(kib) },
  { name: 'SHA-512 of 1 KiB', iterations: 40, run: () => sha512(kib) },
  { name: 'PBKDF2-HMAC-SHA512 x2048 (BIP39 seed)', iterations: 1, run: () => pbkdf2(sha512, mnemonic, salt, { c: 2048, dkLen: 64 }) },
  { name: 'X25519 shared secret', iterations: 4, run: () => x25519.getSharedSecret(key, peer) },
  { name: 'secp256k1 sign (RFC 6979)', iterations: 4, run: () => secp256k1.sign(digest, key, { prehash: false }) },
  { name: 'ChaCha20-Poly1305 seal of 1 KiB', iterations: 40, run: () => chacha20poly1305(key, nonce).encrypt(kib) },
  { name: 'entropy health tests over 4 KiB', iterations: 20, run: () => new HealthTestedEntropy(healthySource()).fill(healthBuffer) },
];
