/**
 * Bitcoin on the device: a 2-input, 2-output PSBT (one payment, one change) as a desktop wallet sends it, from
 * parsing to the signed PSBT. The keys are as they stand when a request arrives (the account's nodes derived by
 * an earlier request, the secp256k1 table built), so each row is the request's own cost.
 */
import { configureCurves } from '../modules/crypto/curves.js';
import { NETWORKS } from '../modules/bitcoin/networks.js';
import { MAX_INPUTS, planPsbt } from '../modules/bitcoin/psbt.js';
import { psbtReview } from '../modules/bitcoin/review.js';
import { signPlan } from '../modules/bitcoin/sign.js';
import { reviewScreen } from '../modules/signing/review.js';
import { layoutScreen } from '../modules/ui/layout.js';
import { Keyring } from '../modules/wallet/keyring.js';
import { entropyFromWords } from '../modules/wallet/mnemonic.js';
import { buildPsbt } from '../tests/portable/support/psbt-builder.js';
import type { AccountType } from '../modules/bitcoin/accounts.js';
import type { BenchOp } from './bench-op.js';
import { ALL, layoutReview } from './ops-eth.js';

const net = NETWORKS.testnet;
let keys: Keyring | undefined;
const psbts = new Map<AccountType, Uint8Array>();

function ready(type: AccountType): Uint8Array {
  configureCurves();
  keys ??= new Keyring(() => entropyFromWords(ALL.split(' ')));
  if (!psbts.has(type)) {
    // building it derives the same nodes the device will use, as an earlier request (xpub, address) would have
    psbts.set(type, buildPsbt(keys, net, [{ type, index: 0, amount: 150_000n }, { type, index: 1, amount: 60_000n }],
      [{ amount: 120_000n }, { amount: 88_000n, to: 'change', type, index: 0 }]));
  }
  return psbts.get(type)!;
}

function psbtOp(type: AccountType, label: string): BenchOp {
  return {
    name: `BTC PSBT 2-in/2-out ${label} (device): parse, check, review pages, sign`,
    iterations: 3,
    prepare: () => { ready(type); },
    run: () => {
      const plan = planPsbt(psbts.get(type)!.slice(), net, keys!);
      layoutReview(psbtReview(plan, net));
      return signPlan(plan, keys!, () => new Uint8Array(32));
    },
  };
}

// The largest PSBT one message carries (16 KiB): 70 P2TR inputs of this wallet. Parsing and checking it is the
// memory peak of a Bitcoin request; signing adds the 2-input row's per-input cost for each input.
let largest: Uint8Array | undefined;
const LARGEST_INPUTS = MAX_INPUTS;
const largestOp: BenchOp = {
  name: `BTC PSBT of ${LARGEST_INPUTS} P2TR inputs (the most it signs): parse, check, review pages`,
  iterations: 1,
  prepare: () => {
    ready('tr');
    largest ??= buildPsbt(keys!, net, Array.from({ length: LARGEST_INPUTS }, (_, i) => ({ type: 'tr' as const, index: i, amount: 10_000n })), [{ amount: BigInt(LARGEST_INPUTS - 1) * 10_000n }]);
  },
  run: () => layoutReview(psbtReview(planPsbt(largest!.slice(), net, keys!), net)),
};

export const BTC_OPS: BenchOp[] = [psbtOp('wpkh', 'P2WPKH'), psbtOp('tr', 'P2TR'), largestOp];
