// Anti-exfil ECDSA (modules/signing/anti-exfil.ts) on both engines: libsecp256k1-zkp's ecdsa_s2c fixed vectors
// (src/modules/ecdsa_s2c/tests_impl.h), full-protocol answers produced by libwally's wally_ae_* (wallycore 1.5.3,
// checked live on Node in tests/host/anti-exfil-wally.test.ts), and properties: an honest device always passes
// the host's check, and every hostile signer (tests/portable/support/exfil-signers.ts) is always caught.
import test from 'ava';
import fc from 'fast-check';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { fromHex, toHex } from '../../modules/bytes.js';
import { LatchError } from '../../modules/errors.js';
import { hostCommit, hostVerify, signerCommit, signWithHostEntropy, verifyCommitment } from '../../modules/signing/anti-exfil.js';
import { EVIL_SIGNERS } from './support/exfil-signers.js';

const KEY = new Uint8Array(32).fill(0x55);
const MSG = new Uint8Array(32).fill(0x88);

function compact(sig: { r: bigint; s: bigint }): string {
  return sig.r.toString(16).padStart(64, '0') + sig.s.toString(16).padStart(64, '0');
}

test('libsecp256k1-zkp fixed vectors: the signer commitment for a host commitment, and for s2c data (hashed first)', (t) => {
  const cases = [
    ['1bf6fb42f41eb876c4d7aa0d67242b00baab99dc2084493e4e63277fa1f77f22', '03f030def3188c0f56fcea87435b307643f45dafe22cbc82fd56034fae97417d3a', '02df63755d1f3292bffed82986b106497c93b1f8bdc0454b6b0b0a4779c0ef7188'],
    ['35199a8fbf84ad6ef69a184c1b19285befbe06e60b6264e6d373893f6855e24a', '03901717ce7c7484a2ce1b7dc7403b14e0354971393ec092a7f3e0c8e4e2d2639d', '02c04ac7f771e8ebdbf315ff5e58b7fe9516102103500066172c4fac5b20f9e0ea'],
  ];
  for (const [data, s2cOpening, exfilOpening] of cases) {
    t.is(toHex(signerCommit(MSG, KEY, fromHex(data))), exfilOpening, 'anti_exfil_signer_commit(rand_commitment = data)');
    t.is(toHex(signerCommit(MSG, KEY, hostCommit(fromHex(data)))), s2cOpening, 'ecdsa_s2c_sign(s2c_data = data) opens to the nonce of H_data(data)');
  }
});

// Produced with wallycore 1.5.3: ae_host_commit_from_bytes, ae_signer_commit_from_bytes, ae_sig_from_bytes (EC_FLAG_ECDSA).
const WALLY = [
  ['00'.repeat(32), 'a80cabf8a3e36acf1b5776b0c620e3d87075f16fcd57ed36e7b151c199e01f19', '0201d31f291926f4400346a65ceb538307f73abeaad5ea97f7939ebeb5a23c8202', '3c24a8934d9ad7c3ec96607150e5c609d776c5f11eefa7ec61dafb01b603e86360ab3ed34de08c190de17803a9b46b757ca928db48ea7c84ccfa656cf317f5d3'],
  ['01'.repeat(32), '18a39685758d38d8aa419ef1a7f125d397168496063ee10e05636bc56f05fd1d', '03bee07c14c027c947aebbbf369102dc1239fb955c8f3cf4383f1623b325b322cc', 'ca6fe838abcffa11edb30475c82e81dae25cd928f6f87a1bc782cec092324ff779f435b764d5d8b8273a0f211db8d2117cb4e2ffd2da2a1879fdbab528d9f368'],
  ['ab'.repeat(32), '384f525993da5259f694d7c5e5339648ffd204e931d7b76792aee16d06a595e3', '021b8e498b8cf4226b20ff9b13d5c60e50d3436de02e4e59e67a8f0789f097c5d4', 'bcf5e9c6b0497d0db1d76a1649cc388d7d171f634221006ba5004d8a14c7cd2d4bdabb59cbc8235c019ee3024b564a2f8092327dfe28dfea600294ce206e3288'],
];

test('libwally wally_ae_* answers: host commitment, signer commitment, signature; the host check accepts them', (t) => {
  const pub = secp256k1.getPublicKey(KEY, true);
  for (const [entropy, commitment, opening, sig] of WALLY) {
    const e = fromHex(entropy);
    t.is(toHex(hostCommit(e)), commitment);
    t.is(toHex(signerCommit(MSG, KEY, fromHex(commitment))), opening);
    const mine = signWithHostEntropy(MSG, KEY, e, fromHex(commitment));
    t.is(compact(mine), sig);
    t.true(hostVerify(fromHex(sig), MSG, pub, e, fromHex(opening)));
    t.true(secp256k1.verify(fromHex(sig), MSG, pub, { prehash: false }), 'an ordinary low-S ECDSA signature');
    const recovered = new secp256k1.Signature(mine.r, mine.s, mine.recovery).recoverPublicKey(MSG).toBytes(true);
    t.is(toHex(recovered), toHex(pub), 'the recovery id is right (Ethereum needs it)');
  }
});

test('bad input: clear errors; a reveal that does not match the commitment signs nothing', (t) => {
  const e = new Uint8Array(32).fill(9);
  const err = t.throws(() => signWithHostEntropy(MSG, KEY, new Uint8Array(32).fill(8), hostCommit(e)), { instanceOf: LatchError });
  t.is((err as LatchError).code, 'bad-anti-exfil');
  t.regex(err!.message, /does not match the host commitment/);
  t.throws(() => hostCommit(new Uint8Array(31)), { message: /32 bytes/ });
  t.throws(() => signerCommit(MSG, KEY, new Uint8Array(33)), { message: /host commitment must be 32 bytes/ });
  t.throws(() => signerCommit(MSG, new Uint8Array(32), hostCommit(e)), { message: /out of range/ });
  const pub = secp256k1.getPublicKey(KEY, true);
  const opening = signerCommit(MSG, KEY, hostCommit(e));
  const sig = signWithHostEntropy(MSG, KEY, e, hostCommit(e));
  t.true(hostVerify(sig, MSG, pub, e, opening));
  t.false(hostVerify(sig, MSG, pub, e, new Uint8Array(33)), 'an opening that is not a point');
  t.false(hostVerify(sig, MSG, pub, e, opening.subarray(0, 32)), 'a short opening');
  t.false(hostVerify(new Uint8Array(63), MSG, pub, e, opening), 'a short signature');
  t.false(hostVerify({ r: 0n, s: sig.s }, MSG, pub, e, opening), 'r = 0');
});

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const key32 = bytes32.filter((k) => secp256k1.utils.isValidSecretKey(k));

test('property: the honest protocol always verifies (the kept R changes nothing); another entropy, message or key never does', (t) => {
  fc.assert(fc.property(key32, bytes32, bytes32, bytes32, (key, msg, e, other) => {
    fc.pre(toHex(e) !== toHex(other));
    const pub = secp256k1.getPublicKey(key, true);
    const c = hostCommit(e);
    const opening = signerCommit(msg, key, c);
    const sig = signWithHostEntropy(msg, key, e, c);
    const kept = signWithHostEntropy(msg, key, e, c, opening); // with the R kept from the commitment step
    return hostVerify(sig, msg, pub, e, opening)
      && kept.r === sig.r && kept.s === sig.s && kept.recovery === sig.recovery
      && !verifyCommitment(sig.r, other, opening)
      && !hostVerify(sig, other, pub, e, opening)
      && !hostVerify(signWithHostEntropy(msg, key, other, hostCommit(other)), msg, pub, e, opening);
  }), { numRuns: 25 });
  t.pass();
});

for (const [name, evil] of Object.entries(EVIL_SIGNERS)) {
  test(`property: a signer that ${name} is caught every time`, (t) => {
    fc.assert(fc.property(key32, bytes32, bytes32, (key, msg, e) => {
      const pub = secp256k1.getPublicKey(key, true);
      const c = hostCommit(e);
      const opening = evil.commit(msg, key, c);
      const sig = evil.sign(msg, key, e, c);
      const valid = secp256k1.verify(fromHex(compact(sig)), msg, pub, { prehash: false });
      return valid && !hostVerify(sig, msg, pub, e, opening); // a valid signature: only the nonce check catches it
    }), { numRuns: 15 });
    t.pass();
  });
}
