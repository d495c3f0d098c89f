// Independent check of modules/signing/anti-exfil.ts against libwally's wally_ae_* (wallycore, Blockstream's wasm
// build of libwally with libsecp256k1-zkp inside, the code Jade's hosts use): random keys, messages and entropy,
// each side's output checked by the other.
import test from 'ava';
import fc from 'fast-check';
import * as wally from 'wallycore';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { toHex } from '../../modules/bytes.js';
import { hostCommit, hostVerify, signerCommit, signWithHostEntropy } from '../../modules/signing/anti-exfil.js';
import { EVIL_SIGNERS } from '../portable/support/exfil-signers.js';

const EC_FLAG_ECDSA = 1;
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const key32 = bytes32.filter((k) => secp256k1.utils.isValidSecretKey(k));
const compact = (s: { r: bigint; s: bigint }) => s.r.toString(16).padStart(64, '0') + s.s.toString(16).padStart(64, '0');

test('every step matches libwally byte for byte, and each side verifies the other', (t) => {
  fc.assert(fc.property(key32, bytes32, bytes32, (key, msg, e) => {
    const pub = secp256k1.getPublicKey(key, true);
    const c = hostCommit(e);
    t.is(toHex(c), toHex(wally.ae_host_commit_from_bytes(e, EC_FLAG_ECDSA)));
    const opening = signerCommit(msg, key, c);
    t.is(toHex(opening), toHex(wally.ae_signer_commit_from_bytes(key, msg, c, EC_FLAG_ECDSA)));
    const sig = signWithHostEntropy(msg, key, e, c);
    const theirs = wally.ae_sig_from_bytes(key, msg, e, EC_FLAG_ECDSA);
    t.is(compact(sig), toHex(theirs));
    t.true(hostVerify(theirs, msg, pub, e, opening));
    t.notThrows(() => wally.ae_verify(pub, msg, e, opening, EC_FLAG_ECDSA, theirs));
  }), { numRuns: 60 });
});

test('libwally\'s host check catches the hostile signers too', (t) => {
  fc.assert(fc.property(key32, bytes32, bytes32, (key, msg, e) => {
    const pub = secp256k1.getPublicKey(key, true);
    const c = hostCommit(e);
    for (const evil of Object.values(EVIL_SIGNERS)) {
      const opening = evil.commit(msg, key, c);
      const sig = Uint8Array.from(Buffer.from(compact(evil.sign(msg, key, e, c)), 'hex'));
      t.throws(() => wally.ae_verify(pub, msg, e, opening, EC_FLAG_ECDSA, sig));
    }
  }), { numRuns: 10 });
});
