// modules/crypto/secp256k1.ts builds only ECDSA and BIP340 Schnorr over secp256k1 from noble's abstract curves
// (to keep the rest of noble's secp256k1.js out of RAM): it must agree with the standards' vectors and with noble's
// own module byte for byte, and refuse what noble refuses. On XS the libraries get it in place of noble's module
// (hosts/xs/bundle.ts, as the Moddable manifest does), so the BIP32 vector here runs through it there.
import test from 'ava';
import { schnorr as nobleSchnorr, secp256k1 as nobleSecp } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { HDKey } from '@scure/bip32';
import { schnorr, secp256k1 } from '../../modules/crypto/secp256k1.js';
import { fromHex, toHex, utf8Encode } from '../../modules/bytes.js';

// BIP340's test-vectors.csv, indices 0 to 3 (sign and verify)
const BIP340 = [
  ['0000000000000000000000000000000000000000000000000000000000000003', 'f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9',
    '0000000000000000000000000000000000000000000000000000000000000000', '0000000000000000000000000000000000000000000000000000000000000000',
    'e907831f80848d1069a5371b402410364bdf1c5f8307b0084c55f1ce2dca821525f66a4a85ea8b71e482a74f382d2ce5ebeee8fdb2172f477df4900d310536c0'],
  ['b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef', 'dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659',
    '0000000000000000000000000000000000000000000000000000000000000001', '243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89',
    '6896bd60eeae296db48a229ff71dfe071bde413e6d43f917dc8dcf8c78de33418906d11ac976abccb20b091292bff4ea897efcb639ea871cfa95f6de339e4b0a'],
  ['c90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b14e5c9', 'dd308afec5777e13121fa72b9cc1b7cc0139715309b086c960e18fd969774eb8',
    'c87aa53824b4d7ae2eb035a2b5bbbccc080e76cdc6d1692c4b0b62d798e6d906', '7e2d58d8b3bcdf1abadec7829054f90dda9805aab56c77333024b9d0a508b75c',
    '5831aaeed7b44bb74e5eab94ba9d4294c49bcf2a60728d8b4c200f50dd313c1bab745879a5ad954a72c45a91c3a51d3c7adea98d82f8481e0e1e03674a6f3fb7'],
  ['0b432b2677937381aef05bb02a66ecd012773062cf3fa2549e44f58ed2401710', '25d1dff95105f5253c4022f628a996ad3a0d95fbf21d468a1b33f8c160d8f517',
    'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
    '7eb0509757e246f19449885651611cb965ecc1a187dd51b64fda1edc9637d5ec97582b9cb13db3933705b32ba982af5af25fd78881ebb32771fc5922efc66ea3'],
];

test('Schnorr: BIP340 vectors 0 to 3 (public key, signature, verification)', (t) => {
  for (const [sk, pk, aux, msg, sig] of BIP340) {
    t.is(toHex(schnorr.getPublicKey(fromHex(sk))), pk);
    t.is(toHex(schnorr.sign(fromHex(msg), fromHex(sk), fromHex(aux))), sig);
    t.true(schnorr.verify(fromHex(sig), fromHex(msg), fromHex(pk)));
  }
});

test('ECDSA: the RFC 6979 secp256k1 vector (key 1, sha256("Satoshi Nakamoto")), low-S', (t) => {
  const sig = secp256k1.sign(sha256(utf8Encode('Satoshi Nakamoto')), fromHex('01'.padStart(64, '0')), { prehash: false, format: 'compact' });
  t.is(toHex(sig), '934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8'
    + '2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5');
});

test('ECDSA and Schnorr agree with noble\'s module byte for byte', (t) => {
  for (let i = 1; i <= 6; i++) {
    const sk = sha256(Uint8Array.of(i));
    const digest = sha256(utf8Encode(`transaction ${i}`));
    t.deepEqual(secp256k1.getPublicKey(sk), nobleSecp.getPublicKey(sk));
    t.deepEqual(secp256k1.getPublicKey(sk, false), nobleSecp.getPublicKey(sk, false));
    const recovered = secp256k1.sign(digest, sk, { prehash: false, lowS: true, extraEntropy: false, format: 'recovered' });
    t.deepEqual(recovered, nobleSecp.sign(digest, sk, { prehash: false, lowS: true, extraEntropy: false, format: 'recovered' }));
    const extra = sha256(Uint8Array.of(i, i));
    t.deepEqual(secp256k1.sign(digest, sk, { prehash: false, extraEntropy: extra }), nobleSecp.sign(digest, sk, { prehash: false, extraEntropy: extra }));
    const pub = secp256k1.getPublicKey(sk);
    t.deepEqual(secp256k1.recoverPublicKey(recovered, digest, { prehash: false }), pub);
    const sig = secp256k1.Signature.fromBytes(recovered, 'recovered');
    t.is(toHex(sig.toBytes('der')), toHex(nobleSecp.Signature.fromBytes(recovered, 'recovered').toBytes('der')));
    const aux = sha256(Uint8Array.of(0, i));
    const ss = schnorr.sign(digest, sk, aux);
    t.deepEqual(ss, nobleSchnorr.sign(digest, sk, aux));
    t.true(nobleSchnorr.verify(ss, digest, schnorr.getPublicKey(sk)));
    t.deepEqual(schnorr.utils.taggedHash('TapTweak', pub.subarray(1)), nobleSchnorr.utils.taggedHash('TapTweak', pub.subarray(1)));
    t.is(schnorr.utils.lift_x(BigInt(`0x${toHex(pub.subarray(1))}`)).toHex(true), nobleSchnorr.utils.lift_x(BigInt(`0x${toHex(pub.subarray(1))}`)).toHex(true));
  }
});

test('forged signatures, other messages and other keys are refused', (t) => {
  const sk = sha256(utf8Encode('key'));
  const digest = sha256(utf8Encode('pay 1 BTC'));
  const pub = secp256k1.getPublicKey(sk);
  const sig = secp256k1.sign(digest, sk, { prehash: false });
  t.true(secp256k1.verify(sig, digest, pub, { prehash: false }));
  const ss = schnorr.sign(digest, sk, new Uint8Array(32));
  const xonly = schnorr.getPublicKey(sk);
  t.true(schnorr.verify(ss, digest, xonly));
  for (const at of [0, 31, 32, 63]) {
    const f = sig.slice(); f[at] ^= 1;
    t.false(secp256k1.verify(f, digest, pub, { prehash: false }), `ECDSA byte ${at}`);
    const g = ss.slice(); g[at] ^= 1;
    t.false(schnorr.verify(g, digest, xonly), `Schnorr byte ${at}`);
  }
  const other = sha256(utf8Encode('pay 2 BTC'));
  t.false(secp256k1.verify(sig, other, pub, { prehash: false }));
  t.false(schnorr.verify(ss, other, xonly));
  t.false(schnorr.verify(ss, digest, schnorr.getPublicKey(sha256(utf8Encode('other key')))));
  t.false(schnorr.verify(ss, digest, new Uint8Array(32).fill(0xff)), 'an x beyond p');
  // the secret keys BIP340 and SEC1 reject: 0 and the group order n
  const n = fromHex('fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141');
  for (const bad of [new Uint8Array(32), n]) {
    t.throws(() => secp256k1.getPublicKey(bad));
    t.throws(() => schnorr.sign(digest, bad, new Uint8Array(32)));
    t.false(secp256k1.utils.isValidSecretKey(bad));
  }
  t.throws(() => schnorr.sign(digest, sk, new Uint8Array(31)), undefined, 'auxRand must be 32 bytes');
});

test('BIP32 test vector 1 (on XS @scure/bip32 derives through this module, as on the board)', (t) => {
  const master = HDKey.fromMasterSeed(fromHex('000102030405060708090a0b0c0d0e0f'));
  t.is(master.publicExtendedKey, 'xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8');
  t.is(master.derive("m/0'").publicExtendedKey, 'xpub68Gmy5EdvgibQVfPdqkBBCHxA5htiqg55crXYuXoQRKfDBFA1WEjWgP6LHhwBZeNK1VTsfTFUHCdrfp1bgwQ9xv5ski8PX9rL2dZXvgGDnw');
});
