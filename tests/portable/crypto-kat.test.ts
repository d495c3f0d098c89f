// Known answers from the standards for the approved libraries, so a regression on either engine shows up here.
import test from 'ava';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { fromHex, toHex, utf8Encode } from '../../modules/bytes.js';
import bip39 from '../fixtures/bip39-english.json' with { type: 'json' };

test('SHA-256 and SHA-512 of "abc" (FIPS 180-4 examples)', (t) => {
  t.is(toHex(sha256(utf8Encode('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  t.is(toHex(sha512(utf8Encode('abc'))), 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f');
});

test('HMAC-SHA256 (RFC 4231 test case 1)', (t) => {
  const mac = hmac(sha256, new Uint8Array(20).fill(0x0b), utf8Encode('Hi There'));
  t.is(toHex(mac), 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
});

test('PBKDF2-HMAC-SHA512 x2048 gives the BIP39 seeds (python-mnemonic vectors)', (t) => {
  for (const [, mnemonic, seed] of bip39.english.slice(0, 2)) {
    const out = pbkdf2(sha512, utf8Encode(mnemonic.normalize('NFKD')), utf8Encode('mnemonicTREZOR'), { c: 2048, dkLen: 64 });
    t.is(toHex(out), seed);
  }
});

test('X25519 (RFC 7748 section 5.2, first vector)', (t) => {
  const out = x25519.getSharedSecret(
    fromHex('a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4'),
    fromHex('e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c'),
  );
  t.is(toHex(out), 'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552');
});

test('ChaCha20-Poly1305 AEAD (RFC 8439 section 2.8.2)', (t) => {
  const key = fromHex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
  const nonce = fromHex('070000004041424344454647');
  const aad = fromHex('50515253c0c1c2c3c4c5c6c7');
  const plain = utf8Encode("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");
  const sealed = chacha20poly1305(key, nonce, aad).encrypt(plain);
  t.is(toHex(sealed.subarray(-16)), '1ae10b594f09e26a7e902ecbd0600691');
  t.is(toHex(sealed.subarray(0, 16)), 'd31a8d34648e60db7b86afbc53ef7ec2');
  t.deepEqual(chacha20poly1305(key, nonce, aad).decrypt(sealed), plain);
  sealed[3] ^= 1;
  t.throws(() => chacha20poly1305(key, nonce, aad).decrypt(sealed), { message: /invalid tag/ });
});

test('secp256k1 RFC 6979 signature (key 1, "Satoshi Nakamoto") and verification', (t) => {
  const key = new Uint8Array(32);
  key[31] = 1;
  const digest = sha256(utf8Encode('Satoshi Nakamoto'));
  const sig = secp256k1.sign(digest, key, { prehash: false });
  t.is(toHex(sig), '934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d82442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5');
  t.true(secp256k1.verify(sig, digest, secp256k1.getPublicKey(key), { prehash: false }));
});
