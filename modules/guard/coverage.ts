/**
 * Which rule covers what a request spends, read as the attacker would read the policy: whatever no rule names is
 * where he goes next. So, once any rule of a kind exists (design section 13):
 *  - Ethereum: a chain's coin is covered by its own rule `eth:<chain>`, else by `eth:*`, else it is refused (the
 *    same key signs on every chain: a limit on chain 1 alone would leave 10, 137, 8453, ... open). `eth:*` counts
 *    every chain it covers together in one budget, in wei: an attacker hopping between chains meets one limit.
 *    A token is covered only by its own rule `eth:<chain>:<token>` (not by `eth:*`), else refused.
 *  - Bitcoin: a network is covered by the rule of any network sharing its keys (testnet and regtest: BIP 44 coin
 *    type 1), else refused. Mainnet keys (coin type 0) are never used for another network (psbt.ts checks).
 *  - No rule of a kind at all: that kind is not limited (an owner with only BTC rules signs ETH as before).
 * Loosening compares coverage: anything covered more widely, or by a different rule (a new budget), is looser.
 */
import { ANY_CHAIN, assetUnit, ethChainOf, ruleFor, scopeOf, walletsNamed, type Policy, type Rule } from './policy.js';
import { networkLabel } from '../ethereum/networks.js';

export type Coverage = { kind: 'free' } | { kind: 'refused'; why: string } | { kind: 'rule'; rule: Rule };

const TOKEN = /^eth:([0-9]+):(0x[0-9a-f]{40})$/;
const SHARED_KEYS: Record<string, string[]> = { mainnet: ['mainnet'], testnet: ['testnet', 'regtest'], regtest: ['testnet', 'regtest'] };

export function hasEthRules(p: Policy): boolean {
  return p.rules.some((r) => r.asset.startsWith('eth:'));
}

export function hasBtcRules(p: Policy): boolean {
  return p.rules.some((r) => r.asset.startsWith('btc:'));
}

/** What covers `asset` (eth:<chain>, eth:<chain>:<token>, btc:<network>) under `p`, with the refusal in words. */
export function coverage(p: Policy, asset: string): Coverage {
  const token = TOKEN.exec(asset);
  if (token) {
    if (!hasEthRules(p)) return { kind: 'free' };
    const rule = ruleFor(p, asset);
    return rule ? { kind: 'rule', rule } : {
      kind: 'refused',
      why: `no spending limit is set for the token ${token[2]} on chain ${token[1]}: while Ethereum limits are on, tokens without a limit are not signed (add one for eth:${token[1]}:${token[2]})`,
    };
  }
  const chain = ethChainOf(asset);
  if (chain !== undefined) {
    if (!hasEthRules(p)) return { kind: 'free' };
    const rule = ruleFor(p, asset) ?? ruleFor(p, ANY_CHAIN);
    return rule ? { kind: 'rule', rule } : {
      kind: 'refused',
      why: `no spending rule covers ${networkLabel(chain)}: while Ethereum limits are on, a chain without a rule is not signed (add a rule for eth:${chain}, or one for eth:* that covers every chain without its own)`,
    };
  }
  const network = /^btc:(mainnet|testnet|regtest)$/.exec(asset)?.[1];
  if (network) {
    if (!hasBtcRules(p)) return { kind: 'free' };
    const sharing = SHARED_KEYS[network];
    const rule = sharing.map((n) => ruleFor(p, `btc:${n}`)).find((r) => r !== undefined);
    return rule ? { kind: 'rule', rule } : {
      kind: 'refused',
      why: `no spending rule covers bitcoin ${network}: while Bitcoin limits are on, a network without a rule is not signed (add a rule for btc:${network}${sharing.length > 1 ? `; it also covers ${sharing.filter((n) => n !== network).join(', ')}, which shares its keys` : ''})`,
    };
  }
  assetUnit(asset); // throws the reason
  return { kind: 'free' };
}

/** A chain id named by neither policy: it stands for "every other chain". */
function unnamedChain(a: Policy, b: Policy): bigint {
  const named = new Set([...a.rules, ...b.rules].map((r) => ethChainOf(r.asset)).filter((c) => c !== undefined).map(String));
  let c = 999_999_999_999n;
  while (named.has(c.toString())) c--;
  return c;
}

function widens(was: Rule, now: Rule): boolean {
  if (was.daily !== undefined && (now.daily === undefined || now.daily > was.daily)) return true;
  if (was.perTx !== undefined && (now.perTx === undefined || now.perTx > was.perTx)) return true;
  return was.allow !== undefined && (!now.allow || now.allow.some((a) => !was.allow!.includes(a)));
}

function looserCoverage(was: Coverage, now: Coverage): boolean {
  if (was.kind === 'free') return false;
  if (was.kind === 'refused') return now.kind !== 'refused';
  if (now.kind === 'free') return true;
  if (now.kind === 'refused') return false;
  // another rule is another budget (a chain taken out of eth:*, a rule removed so eth:* covers it): looser
  return now.rule.asset !== was.rule.asset || widens(was.rule, now.rule);
}

/**
 * True when `next` lets through anything `current` does not: a rule removed or widened, an address added, the
 * code override turned on, a chain, token or network that was refused now covered, or an asset moved to another
 * rule's budget. Checked on every asset either policy names, plus an unnamed chain, token and each network.
 */
export function isLoosening(current: Policy, next: Policy): boolean {
  if (next.overLimitWithCode && !current.overLimitWithCode) return true;
  // each scope (the rules for every wallet, each wallet's own) binds on its own: looser in any one is looser
  for (const w of [undefined, ...new Set([...walletsNamed(current), ...walletsNamed(next)])]) {
    if (scopeLoosens(scopeOf(current, w), scopeOf(next, w))) return true;
  }
  return false;
}

function scopeLoosens(current: Policy, next: Policy): boolean {
  const other = unnamedChain(current, next);
  const probes = new Set<string>([`eth:${other}`, `eth:${other}:0x${'0'.repeat(39)}1`, 'btc:mainnet', 'btc:testnet', 'btc:regtest']);
  for (const r of [...current.rules, ...next.rules]) if (r.asset !== ANY_CHAIN) probes.add(r.asset);
  for (const asset of probes) if (looserCoverage(coverage(current, asset), coverage(next, asset))) return true;
  return false;
}
