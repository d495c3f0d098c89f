/**
 * What a signing request would spend, and whether the policy lets it: pure functions, so the rules can be read
 * (and property-tested) apart from the device.
 *
 * Ethereum, while any Ethereum rule exists (a chain or token no rule covers is refused: coverage.ts):
 *  - the chain's coin counts the value plus the maximum fee (gas limit x max fee per gas, or x gas price),
 *    against the chain's own rule or `eth:*`;
 *  - an ERC-20 transfer or approval counts against that token's rule; a token with no rule is refused (the
 *    owner adds one), an unlimited approval is refused (it would let the spender take everything later);
 *  - calldata the device cannot decode is refused, blind signing or not (it could move anything);
 *  - allow-lists apply to whoever receives: the value's recipient, the token recipient, the spender.
 * Typed data and messages that are not text need a verification code (guard.ts). Bitcoin, while any Bitcoin rule
 * exists: every output that leaves the wallet plus the fee, against the rule covering the network (or refused);
 * every such output must be on the allow-list when there is one.
 */
import type { Call } from '../ethereum/calldata.js';
import type { EthTx } from '../ethereum/tx.js';
import type { PsbtPlan } from '../bitcoin/psbt.js';
import { assetUnit, formatAmount, ruleFor, type Policy } from './policy.js';
import { coverage, hasEthRules } from './coverage.js';
import type { Scope, SpendLedger } from './ledger.js';

export interface Outflow {
  asset: string;
  amount: bigint;
  /** who receives (lowercase eth addresses, btc addresses); empty when only a fee is paid */
  to: string[];
  /** whose rules it counts for (guard.ts sets it): the ledger entry written for it says so */
  scope?: Scope;
}

export type Verdict =
  | { kind: 'allow'; outflows: Outflow[]; notes: string[] }
  | { kind: 'code'; outflows: Outflow[]; notes: string[]; why: string }
  | { kind: 'refuse'; why: string };

export type Outflows = { outflows: Outflow[] } | { refuse: string };

/** "3 h 20 min", "45 min", "under a minute". */
export function duration(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  if (ms <= 0) return 'now';
  if (minutes < 1) return 'under a minute';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h ? `${h} h${m ? ` ${m} min` : ''}` : `${m} min`;
}

export function ethTxOutflows(policy: Policy, tx: EthTx, call: Call): Outflows {
  if (!hasEthRules(policy)) return { outflows: [] };
  const chain = tx.chainId.toString();
  const coin = coverage(policy, `eth:${chain}`);
  if (coin.kind === 'refused') return { refuse: coin.why };
  const bucket = coin.kind === 'rule' ? coin.rule.asset : `eth:${chain}`;
  const maxFee = tx.gasLimit * (tx.maxFeePerGas ?? tx.gasPrice ?? 0n);
  const outflows: Outflow[] = [{ asset: bucket, amount: tx.value + maxFee, to: tx.value > 0n ? [tx.to ?? 'contract creation'] : [] }];
  if (call.kind === 'blind') return { refuse: `contract data the device cannot decode is not signed while Ethereum spending limits are on (chain ${chain})` };
  if (call.kind === 'erc20-transfer' || call.kind === 'erc20-approve') {
    const token = `eth:${chain}:${tx.to}`;
    const covered = coverage(policy, token);
    if (covered.kind === 'refused') return { refuse: covered.why };
    if (call.kind === 'erc20-approve' && call.unlimited) return { refuse: 'an unlimited token approval is not signed while spending limits are on: approve an exact amount' };
    outflows.push(call.kind === 'erc20-transfer'
      ? { asset: token, amount: call.amount, to: [call.recipient] }
      : { asset: token, amount: call.amount, to: [call.spender] });
  }
  return { outflows };
}

export function btcOutflows(policy: Policy, plan: PsbtPlan, networkName: string): Outflows {
  const covered = coverage(policy, `btc:${networkName}`);
  if (covered.kind === 'free') return { outflows: [] };
  if (covered.kind === 'refused') return { refuse: covered.why };
  const to = plan.outputs.filter((o) => !o.ownReceive).map((o) => o.address ?? `script ${o.script}`);
  return { outflows: [{ asset: covered.rule.asset, amount: plan.sent + plan.fee, to }] };
}

/**
 * The policy's answer for `outflows` at device time `now`: allowed (with notes for the review), allowed with a
 * verification code, or refused with the reason in words.
 */
export function judge(policy: Policy, ledger: SpendLedger, now: number, outflows: Outflow[], codesEnrolled: boolean): Verdict {
  const notes: string[] = [];
  const over: string[] = [];
  for (const o of outflows) {
    const rule = ruleFor(policy, o.asset);
    if (!rule) continue;
    if (rule.allow) {
      const stranger = o.to.find((d) => !rule.allow!.includes(d.toLowerCase()) && !rule.allow!.includes(d));
      if (stranger) return { kind: 'refuse', why: `${stranger} is not on the allow-list for ${assetUnit(o.asset).label}: the device signs payments only to allowed addresses` };
    }
    if (rule.perTx !== undefined && o.amount > rule.perTx) {
      over.push(`this sends ${formatAmount(o.asset, o.amount)}, over the ${formatAmount(o.asset, rule.perTx)} allowed in one transaction`);
    }
    if (rule.daily !== undefined) {
      const spent = ledger.spent(o.asset, now);
      const left = rule.daily > spent ? rule.daily - spent : 0n;
      if (o.amount > left) {
        const release = ledger.nextRelease(o.asset, now);
        const until = release !== undefined ? ` (more frees up in ${duration(release - now)} of device time)` : '';
        over.push(`${formatAmount(o.asset, left)} left today; this sends ${formatAmount(o.asset, o.amount)}${until}`);
      } else {
        notes.push(`${formatAmount(o.asset, left - o.amount)} left of today's ${formatAmount(o.asset, rule.daily)} after this.`);
      }
    }
  }
  if (!over.length) return { kind: 'allow', outflows, notes };
  const why = `limit reached: ${over.join('; ')}`;
  if (policy.overLimitWithCode && codesEnrolled) return { kind: 'code', outflows, notes: [`Over the limit: ${over.join('; ')}.`, 'A verification code is needed to sign.'], why };
  return { kind: 'refuse', why };
}
