/**
 * PBKDF2-HMAC (RFC 8018) for the PIN and the BIP39 seed, over a native digest when the board has one.
 *
 * Pure-JS hashing is 40-150x slower on XS than on V8 (npm run bench), so a board with a native SHA-256/512
 * (Moddable's `crypt` Digest) passes a HashPort: the loop stays in JS, every compression runs in C. Without a
 * port, noble's PBKDF2 is used. Both give identical output (tests/portable/pbkdf2.test.ts), so a PIN record
 * made on one path opens on the other.
 */
import { pbkdf2 as noblePbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { wipe } from '../bytes.js';
import type { HashAlgorithm, HashPort } from '../ports.js';

export function pbkdf2(hash: HashPort | undefined, algorithm: HashAlgorithm, password: Uint8Array, salt: Uint8Array, iterations: number, dkLen: number): Uint8Array {
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError('PBKDF2 needs at least one iteration');
  if (!hash) return noblePbkdf2(algorithm === 'SHA-256' ? sha256 : sha512, password, salt, { c: iterations, dkLen });
  const inner = hash.create(algorithm);
  const outer = hash.create(algorithm);
  const block = inner.blockSize;
  const hLen = inner.outputSize;
  let key = password;
  if (key.length > block) {
    inner.update(key);
    key = inner.digest();
    inner.reset();
  }
  const ipad = new Uint8Array(block).fill(0x36);
  const opad = new Uint8Array(block).fill(0x5c);
  for (let i = 0; i < key.length; i++) {
    ipad[i] ^= key[i];
    opad[i] ^= key[i];
  }
  const prf = (message: Uint8Array): Uint8Array => {
    inner.reset();
    inner.update(ipad);
    inner.update(message);
    const ih = inner.digest();
    outer.reset();
    outer.update(opad);
    outer.update(ih);
    wipe(ih);
    return outer.digest();
  };
  const out = new Uint8Array(dkLen);
  const first = new Uint8Array(salt.length + 4);
  first.set(salt, 0);
  for (let blockIndex = 1, at = 0; at < dkLen; blockIndex++, at += hLen) {
    first[salt.length] = blockIndex >>> 24;
    first[salt.length + 1] = (blockIndex >>> 16) & 0xff;
    first[salt.length + 2] = (blockIndex >>> 8) & 0xff;
    first[salt.length + 3] = blockIndex & 0xff;
    let u = prf(first);
    const t = u.slice();
    for (let j = 1; j < iterations; j++) {
      const next = prf(u);
      wipe(u);
      u = next;
      for (let k = 0; k < hLen; k++) t[k] ^= u[k];
    }
    out.set(t.subarray(0, Math.min(hLen, dkLen - at)), at);
    wipe(u, t);
  }
  wipe(ipad, opad, first);
  if (key !== password) wipe(key);
  return out;
}

/** A HashPort over noble, for tests: it exercises the port path with a hash everyone agrees on. */
export const nobleHashPort: HashPort = {
  create(algorithm) {
    const h = algorithm === 'SHA-256' ? sha256 : sha512;
    let state = h.create();
    return {
      blockSize: h.blockLen,
      outputSize: h.outputLen,
      reset: () => { state = h.create(); },
      update: (data) => { state.update(data); },
      digest: () => state.digest(),
    };
  },
};
