// An independent implementation checks the device's Ethereum code: for random transactions of every type and
// random typed data, the device's modules sign, and ethers (written by others) must recover the same address and
// produce the same serialization and hashes.
import test from 'ava';
import fc from 'fast-check';
import { Transaction, TypedDataEncoder, recoverAddress, getAddress, getBytes, hexlify, computeAddress, SigningKey } from 'ethers';
import { toHex } from '../../modules/bytes.js';
import { parseTx, serializeSigned, serializeUnsigned, signatureV, signingHash, type EthTx } from '../../modules/ethereum/tx.js';
import { rsv, signDigest } from '../../modules/ethereum/sign.js';
import { checkTypedData, summarizeTypedData } from '../../modules/ethereum/typed-data.js';
import { addressOf } from '../../modules/ethereum/address.js';
import { typedDataForDevice } from '../../hosts/client/eth.js';

const u = (bits: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n });
const addr = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => `0x${toHex(b)}`);
const key = fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((k) => k.some((x) => x !== 0) && BigInt(`0x${toHex(k)}`) < 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n);

const txArb = fc.record({
  type: fc.constantFrom<EthTx['type']>('legacy', 'eip2930', 'eip1559'),
  chainId: fc.oneof(fc.constantFrom(1n, 10n, 137n, 8453n, 11155111n), u(64).filter((v) => v > 0n)),
  nonce: fc.bigInt({ min: 0n, max: BigInt(Number.MAX_SAFE_INTEGER) }), // ethers keeps nonces as JS numbers
  gasLimit: u(64),
  fee: u(256),
  tip: u(256),
  to: fc.option(addr, { nil: undefined }),
  value: u(256),
  data: fc.uint8Array({ maxLength: 300 }),
  accessList: fc.array(fc.tuple(addr, fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => `0x${toHex(b)}`), { maxLength: 3 })), { maxLength: 3 }),
}).map((r): EthTx => ({
  type: r.type, chainId: r.chainId, nonce: r.nonce, gasLimit: r.gasLimit, to: r.to, value: r.value, data: r.data,
  accessList: r.type === 'legacy' ? [] : r.accessList,
  ...(r.type === 'eip1559' ? { maxFeePerGas: r.fee > r.tip ? r.fee : r.tip, maxPriorityFeePerGas: r.fee > r.tip ? r.tip : r.fee } : { gasPrice: r.fee }),
}));

test('random transactions of every type: ethers reads our unsigned and signed bytes, and recovers the signer', (t) => {
  fc.assert(fc.property(txArb, key, (tx, priv) => {
    const raw = serializeUnsigned(tx);
    const parsed = parseTx(raw); // the device's own parser accepts it
    const sig = signDigest(signingHash(raw), priv);
    const v = signatureV(parsed, sig.recovery);
    const signed = serializeSigned(parsed, { v, r: sig.r, s: sig.s });
    const theirs = Transaction.from(hexlify(signed));
    const expected = computeAddress(new SigningKey(hexlify(priv)));
    if (theirs.from !== expected) return false;
    // Rebuild the transaction in ethers from the fields: its unsigned serialization must equal ours.
    const rebuilt = Transaction.from({
      type: tx.type === 'legacy' ? 0 : tx.type === 'eip2930' ? 1 : 2, chainId: tx.chainId, nonce: Number(tx.nonce),
      gasLimit: tx.gasLimit, to: tx.to ? getAddress(tx.to) : null, value: tx.value, data: hexlify(tx.data),
      ...(tx.type === 'eip1559' ? { maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas } : { gasPrice: tx.gasPrice }),
      ...(tx.type !== 'legacy' ? { accessList: tx.accessList.map(([a, k]) => ({ address: a, storageKeys: k })) } : {}),
    });
    if (rebuilt.unsignedSerialized !== hexlify(raw)) return false;
    // Our address derivation agrees with ethers' too.
    return addressOf(getBytes(new SigningKey(hexlify(priv)).publicKey)) === expected;
  }), { numRuns: 150 });
  t.pass();
});

const name = fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,8}$/);
const atomic = fc.constantFrom('uint256', 'uint8', 'int64', 'address', 'bool', 'string', 'bytes', 'bytes32', 'bytes4');

function valueFor(type: string): fc.Arbitrary<unknown> {
  switch (type) {
    case 'uint256': return u(256);
    case 'uint8': return fc.integer({ min: 0, max: 255 });
    case 'int64': return fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
    case 'address': return addr.map((a) => getAddress(a));
    case 'bool': return fc.boolean();
    case 'string': return fc.string({ maxLength: 30 });
    case 'bytes': return fc.uint8Array({ maxLength: 40 }).map((b) => hexlify(b));
    case 'bytes32': return fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => hexlify(b));
    default: return fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => hexlify(b));
  }
}

/** Random typed data: a primary struct with atomic fields, arrays of them, and one nested struct. */
const typedArb = fc.tuple(
  fc.uniqueArray(fc.tuple(name, atomic, fc.boolean()), { minLength: 1, maxLength: 5, selector: (x) => x[0] }),
  fc.uniqueArray(fc.tuple(name, atomic), { minLength: 1, maxLength: 3, selector: (x) => x[0] }),
).chain(([outer, inner]) => {
  const innerFields = inner.map(([n, ty]) => ({ name: n, type: ty }));
  const outerFields = [...outer.map(([n, ty, arr]) => ({ name: n, type: arr ? `${ty}[]` : ty })), { name: 'nestedItem', type: 'Inner' }];
  const innerValue = fc.record(Object.fromEntries(inner.map(([n, ty]) => [n, valueFor(ty)])));
  const outerValue = fc.record({
    ...Object.fromEntries(outer.map(([n, ty, arr]) => [n, arr ? fc.array(valueFor(ty), { maxLength: 3 }) : valueFor(ty)])),
    nestedItem: innerValue,
  });
  return fc.tuple(fc.constant({ Outer: outerFields, Inner: innerFields }), outerValue, fc.integer({ min: 1, max: 100000 }));
});

test('random typed data: our domain and message hashes and signature match ethers\' TypedDataEncoder', (t) => {
  fc.assert(fc.property(typedArb, key, ([types, message, chainId], priv) => {
    const domain = { name: 'Random', version: '1', chainId, verifyingContract: '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC' };
    const payload = TypedDataEncoder.getPayload(domain, types, message);
    const s = summarizeTypedData(checkTypedData(typedDataForDevice(payload)));
    if (hexlify(s.domainHash) !== TypedDataEncoder.hashDomain(domain)) return false;
    if (hexlify(s.messageHash!) !== TypedDataEncoder.from(types).hash(message)) return false;
    const digest = TypedDataEncoder.hash(domain, types, message);
    if (hexlify(s.digest) !== digest) return false;
    const sig = hexlify(rsv(signDigest(s.digest, priv)));
    return recoverAddress(digest, sig) === computeAddress(new SigningKey(hexlify(priv)));
  }), { numRuns: 120 });
  t.pass();
});
