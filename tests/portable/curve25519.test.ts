// modules/crypto/curve25519.ts builds only Ed25519 and X25519 from noble's abstract curves (to keep the rest of
// noble's ed25519.js out of RAM): it must agree with the standards' vectors and with noble's own module byte for
// byte, and refuse what noble refuses (forged signatures, small-order X25519 points).
import test from 'ava';
import { ed25519 as nobleEd, x25519 as nobleX } from '@noble/curves/ed25519.js';
import { ed25519, x25519 } from '../../modules/crypto/curve25519.js';
import { fromHex, toHex, utf8Encode } from '../../modules/bytes.js';

test('Ed25519: RFC 8032 section 7.1, tests 1 and 2', (t) => {
  const sk1 = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
  t.is(toHex(ed25519.getPublicKey(sk1)), 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
  t.is(toHex(ed25519.sign(new Uint8Array(0), sk1)), 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b');
  const sk2 = fromHex('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb');
  const sig2 = ed25519.sign(fromHex('72'), sk2);
  t.is(toHex(sig2), '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00');
  t.true(ed25519.verify(sig2, fromHex('72'), ed25519.getPublicKey(sk2)));
});

test('Ed25519 agrees with noble\'s module and refuses what it refuses', (t) => {
  for (let i = 1; i <= 8; i++) {
    const sk = new Uint8Array(32).fill(i * 29);
    const msg = utf8Encode(`event log head ${i}`);
    const pub = ed25519.getPublicKey(sk);
    t.deepEqual(pub, nobleEd.getPublicKey(sk));
    const sig = ed25519.sign(msg, sk);
    t.deepEqual(sig, nobleEd.sign(msg, sk));
    t.true(nobleEd.verify(sig, msg, pub));
    const forged = sig.slice();
    forged[i] ^= 1;
    t.false(ed25519.verify(forged, msg, pub), 'a changed signature');
    t.false(ed25519.verify(sig, utf8Encode('another head'), pub), 'another message');
    t.false(ed25519.verify(sig, msg, ed25519.getPublicKey(new Uint8Array(32).fill(i))), 'another key');
  }
});

test('X25519: RFC 7748 section 5.2 and 6.1; agrees with noble; small-order points refused', (t) => {
  t.is(toHex(x25519.getSharedSecret(
    fromHex('a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4'),
    fromHex('e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c'),
  )), 'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552');
  const alice = fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
  const bob = fromHex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
  t.is(toHex(x25519.getPublicKey(alice)), '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
  t.is(toHex(x25519.getSharedSecret(alice, x25519.getPublicKey(bob))), '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');
  for (let i = 1; i <= 6; i++) {
    const a = new Uint8Array(32).fill(i * 41);
    const b = new Uint8Array(32).fill(i * 7 + 1);
    t.deepEqual(x25519.getPublicKey(a), nobleX.getPublicKey(a));
    t.deepEqual(x25519.getSharedSecret(a, x25519.getPublicKey(b)), nobleX.getSharedSecret(a, nobleX.getPublicKey(b)));
  }
  t.throws(() => x25519.getSharedSecret(alice, new Uint8Array(32)), undefined, 'the zero point gives an all-zero secret');
  t.throws(() => x25519.getSharedSecret(alice, fromHex('0100000000000000000000000000000000000000000000000000000000000000')));
});
