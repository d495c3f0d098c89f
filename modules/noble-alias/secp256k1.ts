/**
 * What the Moddable manifest maps `@noble/curves/secp256k1` to: @scure/bip32, @scure/btc-signer and
 * micro-eth-signer import noble's secp256k1 module themselves, and would load it (with its hasher and FROST
 * suites, and a second curve with its own precomputed table) beside ours. This re-export gives them
 * modules/crypto/secp256k1.ts. It sits two folders deep, as its manifest name `@noble/curves/secp256k1` does,
 * so that `../../modules/...` resolves the same on disk and in XS (which resolves `../` against the importer's
 * name, xs/platforms/mc/xsHosts.c fxFindModule).
 */
export { schnorr, secp256k1 } from '../../modules/crypto/secp256k1.js';
