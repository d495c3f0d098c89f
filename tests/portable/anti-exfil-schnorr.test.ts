// Anti-exfil for BIP 340 (modules/signing/anti-exfil-schnorr.ts) on both engines. No peer publishes vectors for a
// Schnorr sign-to-contract, so the checks are made with noble's own secp256k1 (imported here directly, not the
// firmware's build of it): every signature verifies under BIP 340, its R is the committed point tweaked as the
// module's header says (recomputed here from noble's Point and tagged hash), the device's nonce is BIP 340's own
// with the host commitment as auxiliary data, an honest device always passes the host's check, and every hostile
// signer (tests/portable/support/exfil-signers.ts) is always caught.
import test from 'ava';
import fc from 'fast-check';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { bigFromBytes, toHex } from '../../modules/bytes.js';
import { LatchError } from '../../modules/errors.js';
import { hostCommit } from '../../modules/signing/anti-exfil.js';
import { POINT_TAG, hostVerifySchnorr, signSchnorrWithHostEntropy, signerCommitSchnorr } from '../../modules/signing/anti-exfil-schnorr.js';
import { EVIL_SCHNORR_SIGNERS } from './support/exfil-signers.js';

const { Point } = secp256k1;
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const key32 = bytes32.filter((k) => secp256k1.utils.isValidSecretKey(k));

test('the signer commitment is BIP 340\'s own nonce point with the host commitment as aux data; R is it tweaked by H_point(R0 || e)', (t) => {
  for (const fill of [1, 2, 3]) {
    // keys of both y parities (BIP 340 negates the odd ones)
    const key = new Uint8Array(32).fill(fill);
    const msg = new Uint8Array(32).fill(0x88 + fill);
    const e = new Uint8Array(32).fill(0x40 + fill);
    const c = hostCommit(e);
    const opening = signerCommitSchnorr(msg, key, c);
    // noble's BIP 340 with aux = c signs with exactly k0: its R has R0's x
    t.is(toHex(schnorr.sign(msg, key, c).subarray(0, 32)), toHex(opening.subarray(1)), 'x(R0) is BIP 340\'s nonce point with aux = c');
    const sig = signSchnorrWithHostEntropy(msg, key, e, c);
    t.true(schnorr.verify(sig, msg, schnorr.getPublicKey(key)), 'a valid BIP 340 signature (noble)');
    const tweak = bigFromBytes(schnorr.utils.taggedHash(POINT_TAG, opening, e));
    const R = Point.fromBytes(opening).add(Point.BASE.multiply(tweak)).toAffine();
    t.is(bigFromBytes(sig.subarray(0, 32)), R.x, 'r = x(R0 + H_point(R0 || e)·G)');
    t.not(toHex(sig.subarray(0, 32)), toHex(opening.subarray(1)), 'the tweak moved the nonce');
    t.true(hostVerifySchnorr(sig, msg, schnorr.getPublicKey(key), e, opening));
    t.deepEqual(signSchnorrWithHostEntropy(msg, key, e, c, opening), sig, 'the kept R0 changes nothing');
  }
});

test('property: the honest protocol always verifies; another entropy, message, key or opening never does', (t) => {
  fc.assert(fc.property(key32, bytes32, bytes32, bytes32, key32, (key, msg, e, other, otherKey) => {
    fc.pre(toHex(e) !== toHex(other) && toHex(key) !== toHex(otherKey));
    const pub = schnorr.getPublicKey(key);
    const c = hostCommit(e);
    const opening = signerCommitSchnorr(msg, key, c);
    const sig = signSchnorrWithHostEntropy(msg, key, e, c, opening);
    const otherMsg = msg.slice();
    otherMsg[0] ^= 1;
    return schnorr.verify(sig, msg, pub)
      && hostVerifySchnorr(sig, msg, pub, e, opening)
      && !hostVerifySchnorr(sig, msg, pub, other, opening)
      && !hostVerifySchnorr(sig, otherMsg, pub, e, opening)
      && !hostVerifySchnorr(sig, msg, schnorr.getPublicKey(otherKey), e, opening)
      && !hostVerifySchnorr(sig, msg, pub, e, signerCommitSchnorr(msg, key, hostCommit(other)))
      && !hostVerifySchnorr(signSchnorrWithHostEntropy(msg, key, other, hostCommit(other)), msg, pub, e, opening);
  }), { numRuns: 15 });
  t.pass();
});

test('the device\'s nonce is fixed by key, message and commitment: the same request answers the same R0, another commitment another', (t) => {
  const key = new Uint8Array(32).fill(7);
  const msg = new Uint8Array(32).fill(9);
  const c1 = hostCommit(new Uint8Array(32).fill(1));
  const c2 = hostCommit(new Uint8Array(32).fill(2));
  t.deepEqual(signerCommitSchnorr(msg, key, c1), signerCommitSchnorr(msg, key, c1));
  t.notDeepEqual(signerCommitSchnorr(msg, key, c1), signerCommitSchnorr(msg, key, c2));
});

test('bad input: a reveal that does not open the commitment, wrong sizes and keys are refused with bad-anti-exfil; the host check answers false', (t) => {
  const key = new Uint8Array(32).fill(7);
  const msg = new Uint8Array(32).fill(9);
  const e = new Uint8Array(32).fill(1);
  const c = hostCommit(e);
  const refused = (f: () => unknown, why: RegExp) => {
    const err = t.throws(f, { instanceOf: LatchError });
    t.is((err as LatchError).code, 'bad-anti-exfil');
    t.regex(err!.message, why);
  };
  refused(() => signSchnorrWithHostEntropy(msg, key, new Uint8Array(32).fill(2), c), /does not match the host commitment/);
  refused(() => signSchnorrWithHostEntropy(msg, key, new Uint8Array(31), c), /host entropy must be 32 bytes/);
  refused(() => signerCommitSchnorr(msg, key, new Uint8Array(33)), /host commitment must be 32 bytes/);
  refused(() => signerCommitSchnorr(new Uint8Array(31), key, c), /digest must be 32 bytes/);
  refused(() => signerCommitSchnorr(msg, new Uint8Array(32), c), /private key is out of range/);
  refused(() => signerCommitSchnorr(msg, new Uint8Array(32).fill(0xff), c), /private key is out of range/);
  const pub = schnorr.getPublicKey(key);
  const opening = signerCommitSchnorr(msg, key, c);
  const sig = signSchnorrWithHostEntropy(msg, key, e, c, opening);
  t.false(hostVerifySchnorr(sig.subarray(0, 63), msg, pub, e, opening), 'a short signature');
  t.false(hostVerifySchnorr(sig, msg, pub, e, opening.subarray(1)), 'an opening without its parity byte');
  t.false(hostVerifySchnorr(sig, msg, pub, e, Uint8Array.of(0x02, ...new Uint8Array(32).fill(0xff))), 'an opening off the curve');
  const negated = Uint8Array.of(opening[0] ^ 1, ...opening.subarray(1));
  t.false(hostVerifySchnorr(sig, msg, pub, e, negated), 'the opening\'s mirror point (-R0) does not open it');
});

for (const [name, evil] of Object.entries(EVIL_SCHNORR_SIGNERS)) {
  test(`property: a BIP 340 signer that ${name} is caught every time`, (t) => {
    fc.assert(fc.property(key32, bytes32, bytes32, (key, msg, e) => {
      const pub = schnorr.getPublicKey(key);
      const c = hostCommit(e);
      const opening = evil.commit(msg, key, c);
      const sig = evil.sign(msg, key, e, c);
      return schnorr.verify(sig, msg, pub) && !hostVerifySchnorr(sig, msg, pub, e, opening); // valid: only the nonce check catches it
    }), { numRuns: 10 });
    t.pass();
  });
}
