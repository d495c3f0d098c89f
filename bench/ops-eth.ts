/**
 * Ethereum on the device, with the window the device uses: inputs as they stand when a request arrives (the keys
 * made at unlock, the table built), so each row is the request's own cost.
 */
import { HDKey } from '@scure/bip32';
import { configureCurves } from '../modules/crypto/curves.js';
import { Keyring } from '../modules/wallet/keyring.js';
import { entropyFromWords, seedFromEntropy } from '../modules/wallet/mnemonic.js';
import { addressOf } from '../modules/ethereum/address.js';
import { decodeCall } from '../modules/ethereum/calldata.js';
import { txReview, typedReview } from '../modules/ethereum/review.js';
import { rsv, signDigest } from '../modules/ethereum/sign.js';
import { parseTx, serializeSigned, serializeUnsigned, signatureV, signingHash } from '../modules/ethereum/tx.js';
import { checkTypedData, summarizeTypedData } from '../modules/ethereum/typed-data.js';
import { reviewScreen, type Review } from '../modules/signing/review.js';
import { layoutScreen } from '../modules/ui/layout.js';
import type { BenchOp } from './bench-op.js';

/** The LCD layout of every screen of a review, as the device computes it while the owner pages. */
export function layoutReview(review: Review): number {
  let pages = 0;
  for (let i = 0; i <= review.pages.length; i++) pages += layoutScreen(reviewScreen(review, i)).pages.length;
  return pages;
}

export const ALL = 'all all all all all all all all all all all all';
let ethSeed: Uint8Array | undefined;
let ethKeys: Keyring | undefined;
let ethAccount: HDKey | undefined;
const ethTx = serializeUnsigned({ type: 'eip1559', chainId: 1n, nonce: 7n, maxPriorityFeePerGas: 1_000_000_000n, maxFeePerGas: 30_000_000_000n, gasLimit: 21_000n, to: '0x1d1c328764a41bda0492b66baa30c4a339ff85ef', value: 1_500_000_000_000_000_000n, data: new Uint8Array(0), accessList: [] });
const ETH_PATH = [0x8000002c, 0x8000003c, 0x80000000, 0, 0];
const mail = {
  types: {
    EIP712Domain: [{ name: 'name', type: 'string' }, { name: 'version', type: 'string' }, { name: 'chainId', type: 'uint256' }, { name: 'verifyingContract', type: 'address' }],
    Person: [{ name: 'name', type: 'string' }, { name: 'wallet', type: 'address' }],
    Mail: [{ name: 'from', type: 'Person' }, { name: 'to', type: 'Person' }, { name: 'contents', type: 'string' }],
  },
  primaryType: 'Mail',
  domain: { name: 'Ether Mail', version: '1', chainId: 1, verifyingContract: '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC' },
  message: { from: { name: 'Cow', wallet: '0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826' }, to: { name: 'Bob', wallet: '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB' }, contents: 'Hello, Bob!' },
};
function ethReady(): Keyring {
  configureCurves();
  if (!ethKeys) {
    ethKeys = new Keyring(() => entropyFromWords(ALL.split(' ')));
    ethKeys.derive(ETH_PATH);
  }
  return ethKeys;
}

export const ETH_OPS: BenchOp[] = [
  {
    name: 'ETH keys at unlock: BIP32 master + m/44\'/60\'/0\'/0 from the seed (table built)',
    iterations: 1,
    prepare: () => { configureCurves(); ethSeed ??= seedFromEntropy(entropyFromWords(ALL.split(' '))); },
    run: () => { ethAccount = HDKey.fromMasterSeed(ethSeed!).derive("m/44'/60'/0'/0"); },
  },
  {
    name: 'ETH address: child key + keccak + EIP-55',
    iterations: 4,
    prepare: () => { configureCurves(); ethSeed ??= seedFromEntropy(entropyFromWords(ALL.split(' '))); ethAccount ??= HDKey.fromMasterSeed(ethSeed).derive("m/44'/60'/0'/0"); },
    run: () => addressOf(ethAccount!.deriveChild(5).publicKey!),
  },
  {
    name: 'ETH EIP-1559 transaction (device): parse, decode, review pages, sign, serialize',
    iterations: 3,
    prepare: () => { ethReady(); },
    run: () => {
      const tx = parseTx(ethTx);
      const call = decodeCall(tx.data);
      const review = txReview(tx, call, '0x73d0385F4d8E00C5e6504C6030F47BF6212736A8', ETH_PATH, true);
      layoutReview(review);
      const key = ethKeys!.privateKey(ETH_PATH);
      const sig = signDigest(signingHash(ethTx), key);
      return serializeSigned(tx, { v: signatureV(tx, sig.recovery), r: sig.r, s: sig.s });
    },
  },
  {
    name: 'ETH typed data "Mail" (device): check, hash, review pages, sign',
    iterations: 3,
    prepare: () => { ethReady(); },
    run: () => {
      const typed = checkTypedData(mail);
      const s = summarizeTypedData(typed);
      layoutReview(typedReview(s, typed.primaryType, '0x73d0385F4d8E00C5e6504C6030F47BF6212736A8', ETH_PATH, true));
      return rsv(signDigest(s.digest, ethKeys!.privateKey(ETH_PATH)));
    },
  },
];
