/**
 * Noise_KK_25519_ChaChaPoly_SHA256 (the Noise Protocol Framework, rev. 34): both sides know each other's static
 * key. One round trip:  -> e, es, ss   <- e, ee, se   then Split() into one cipher per direction.
 *   pre-messages:  -> s   <- s
 * Ephemeral private keys come from the caller (the health-tested source on the device; fixed ones in vectors).
 */
import { x25519 } from '../crypto/curve25519.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { concatBytes, utf8Encode, wipe } from '../bytes.js';
import { LatchError } from '../errors.js';

export const PROTOCOL_NAME = 'Noise_KK_25519_ChaChaPoly_SHA256';
const DHLEN = 32;
const TAGLEN = 16;
const MAX_NONCE = Number.MAX_SAFE_INTEGER;

function nonceBytes(n: number): Uint8Array {
  const out = new Uint8Array(12);
  let v = n;
  for (let i = 4; i < 12; i++) { out[i] = v % 256; v = Math.floor(v / 256); }
  return out;
}

/** One direction of a transport: ChaChaPoly with an implicit counter nonce. */
export class CipherState {
  private n = 0;
  constructor(private k: Uint8Array | undefined) {}

  get hasKey(): boolean {
    return this.k !== undefined;
  }

  encrypt(ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    if (!this.k) return plaintext.slice();
    if (this.n >= MAX_NONCE) throw new LatchError('noise-nonce', 'the session used up its nonces');
    return chacha20poly1305(this.k, nonceBytes(this.n++), ad).encrypt(plaintext);
  }

  /** Throws LatchError('noise-decrypt') on a bad tag; the counter then does not advance. */
  decrypt(ad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    if (!this.k) return ciphertext.slice();
    if (ciphertext.length < TAGLEN) throw new LatchError('noise-decrypt', 'a Noise ciphertext is at least 16 bytes');
    let out: Uint8Array;
    try {
      out = chacha20poly1305(this.k, nonceBytes(this.n), ad).decrypt(ciphertext);
    } catch {
      throw new LatchError('noise-decrypt', 'a Noise message failed authentication');
    }
    this.n++;
    return out;
  }

  wipe(): void {
    wipe(this.k);
    this.k = undefined;
  }
}

function hkdf(ck: Uint8Array, ikm: Uint8Array): [Uint8Array, Uint8Array] {
  const temp = hmac(sha256, ck, ikm);
  const out1 = hmac(sha256, temp, Uint8Array.of(1));
  const out2 = hmac(sha256, temp, concatBytes(out1, Uint8Array.of(2)));
  wipe(temp);
  return [out1, out2];
}

function dh(priv: Uint8Array, pub: Uint8Array): Uint8Array {
  try {
    return x25519.getSharedSecret(priv, pub);
  } catch {
    throw new LatchError('noise-bad-key', 'a Noise public key is invalid (low order)');
  }
}

export interface KeyPair {
  priv: Uint8Array;
  pub: Uint8Array;
}

export function keyPair(priv: Uint8Array): KeyPair {
  return { priv: priv.slice(), pub: x25519.getPublicKey(priv) };
}

export interface Transport {
  send: CipherState;
  receive: CipherState;
  handshakeHash: Uint8Array;
}

/** The KK handshake for one side. `initiator` writes message 1 and reads message 2; the responder the reverse. */
export class NoiseKK {
  private h: Uint8Array;
  private ck: Uint8Array;
  private cipher = new CipherState(undefined);
  private re: Uint8Array | undefined;
  private step = 0;
  /** our own copies of the key pairs: wiped at split() and by wipe(), whatever the caller keeps */
  private readonly s: KeyPair;
  private readonly e: KeyPair;

  constructor(
    readonly role: 'initiator' | 'responder',
    s: KeyPair,
    private readonly rs: Uint8Array,
    e: KeyPair,
    prologue: Uint8Array = new Uint8Array(0),
  ) {
    this.s = { priv: s.priv.slice(), pub: s.pub.slice() };
    this.e = { priv: e.priv.slice(), pub: e.pub.slice() };
    const name = utf8Encode(PROTOCOL_NAME); // exactly 32 bytes = HASHLEN: used as is
    this.h = name.slice();
    this.ck = name.slice();
    this.mixHash(prologue);
    const [initiatorStatic, responderStatic] = role === 'initiator' ? [s.pub, rs] : [rs, s.pub];
    this.mixHash(initiatorStatic);
    this.mixHash(responderStatic);
  }

  /** Initiator: message 1. Responder: message 2 (then `split()`). */
  writeMessage(payload: Uint8Array): Uint8Array {
    const expected = this.role === 'initiator' ? 0 : 1;
    if (this.step !== expected) throw new LatchError('noise-order', 'Noise handshake message written out of order');
    this.mixHash(this.e.pub);
    if (this.role === 'initiator') {
      this.mixKey(dh(this.e.priv, this.rs)); // es
      this.mixKey(dh(this.s.priv, this.rs)); // ss
    } else {
      this.mixKey(dh(this.e.priv, this.re!)); // ee
      this.mixKey(dh(this.e.priv, this.rs)); // se (responder side: e with the initiator's s)
    }
    const c = this.encryptAndHash(payload);
    this.step++;
    return concatBytes(this.e.pub, c);
  }

  /** Responder: message 1. Initiator: message 2. Throws LatchError on any failure. */
  readMessage(message: Uint8Array): Uint8Array {
    const expected = this.role === 'responder' ? 0 : 1;
    if (this.step !== expected) throw new LatchError('noise-order', 'Noise handshake message read out of order');
    if (message.length < DHLEN + TAGLEN) throw new LatchError('noise-decrypt', 'a Noise handshake message is too short');
    const re = message.slice(0, DHLEN);
    this.re = re;
    this.mixHash(re);
    if (this.role === 'responder') {
      this.mixKey(dh(this.s.priv, re)); // es (responder side: s with the initiator's e)
      this.mixKey(dh(this.s.priv, this.rs)); // ss
    } else {
      this.mixKey(dh(this.e.priv, re)); // ee
      this.mixKey(dh(this.s.priv, re)); // se (initiator side: s with the responder's e)
    }
    const p = this.decryptAndHash(message.subarray(DHLEN));
    this.step++;
    return p;
  }

  get complete(): boolean {
    return this.step === 2;
  }

  /** After both messages: one CipherState per direction. */
  split(): Transport {
    if (!this.complete) throw new LatchError('noise-order', 'the Noise handshake is not complete');
    const [k1, k2] = hkdf(this.ck, new Uint8Array(0));
    const [mine, theirs] = this.role === 'initiator' ? [k1, k2] : [k2, k1];
    const t = { send: new CipherState(mine), receive: new CipherState(theirs), handshakeHash: this.h.slice() };
    this.wipe();
    return t;
  }

  /** Forget every secret of the handshake (after split, or when it fails): our static and ephemeral keys too. */
  wipe(): void {
    this.cipher.wipe();
    wipe(this.ck, this.s.priv, this.e.priv);
  }

  /** For tests: whether any private key material is still held. */
  get holdsSecrets(): boolean {
    return this.s.priv.some((b) => b !== 0) || this.e.priv.some((b) => b !== 0) || this.cipher.hasKey;
  }

  private mixHash(data: Uint8Array): void {
    this.h = sha256(concatBytes(this.h, data));
  }

  private mixKey(ikm: Uint8Array): void {
    const [ck, k] = hkdf(this.ck, ikm);
    wipe(this.ck, ikm);
    this.ck = ck;
    this.cipher.wipe();
    this.cipher = new CipherState(k);
  }

  private encryptAndHash(p: Uint8Array): Uint8Array {
    const c = this.cipher.encrypt(this.h, p);
    this.mixHash(c);
    return c;
  }

  private decryptAndHash(c: Uint8Array): Uint8Array {
    const p = this.cipher.decrypt(this.h, c);
    this.mixHash(c);
    return p;
  }
}
