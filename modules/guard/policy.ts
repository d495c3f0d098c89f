/**
 * The spending policy: rules per asset, which the device enforces on its own (Coldcard's spending policy, per
 * asset and measured on the device clock).
 *
 * An asset is named by a string:
 *   eth:<chainId>              the chain's coin (ETH, POL, ...), in wei
 *   eth:*                      the coin of every chain without a rule of its own, in wei, counted together
 *   eth:<chainId>:<0xtoken>    an ERC-20 token on that chain, in its base units
 *   btc:<mainnet|testnet|regtest>  bitcoin on that network, in satoshis. testnet and regtest share their keys
 *                              (BIP 44 coin type 1): one rule covers both, so a policy names at most one of them
 * A rule may set a limit over any 24 hours of device time (`daily`), a per-transaction maximum (`perTx`), and an
 * allow-list of destinations (`allow`). `overLimitWithCode` lets a transaction over a limit through with a
 * verification code (when one is enrolled); without it, over-limit transactions are refused. Which rule covers
 * what a request spends, and what no rule covers, is coverage.ts.
 */
import { LatchError } from '../errors.js';
import { isPlainObject } from '../plain.js';
import { formatUnits } from '../wallet/amount.js';
import { knownToken } from '../ethereum/tokens.js';
import { nativeSymbol, networkLabel } from '../ethereum/networks.js';
import { encodeCbor } from '../protocol/cbor.js';

export interface Rule {
  asset: string;
  daily?: bigint;
  perTx?: bigint;
  allow?: string[];
  /** the master fingerprint (8 lowercase hex) of the one wallet this rule binds, IN ADDITION to the rules
   * without a wallet, which bind every wallet: a wallet's rules only ever tighten (see scopeOf) */
  wallet?: string;
}

export interface Policy {
  rules: Rule[];
  overLimitWithCode: boolean;
}

export const EMPTY_POLICY: Policy = { rules: [], overLimitWithCode: false };
export const MAX_RULES = 16;
export const MAX_ALLOWED = 16;
/** the policy is one flash record (a pending change another): it must fit a sector with room to spare */
export const MAX_POLICY_BYTES = 2048;
const MAX_AMOUNT = (1n << 256n) - 1n;

const ETH_ASSET = /^eth:([1-9][0-9]{0,19})(?::(0x[0-9a-f]{40}))?$/;
/** the rule for the coin of every chain that has no rule of its own */
export const ANY_CHAIN = 'eth:*';
const BTC_ASSET = /^btc:(mainnet|testnet|regtest)$/;

function bad(message: string): LatchError {
  return new LatchError('bad-policy', message);
}

export interface AssetUnit {
  decimals: number;
  symbol: string;
  /** how the owner reads the asset: "ETH on Ethereum", "USDC on Ethereum", "BTC" */
  label: string;
}

/** Units of an asset for the screen: the chain's coin, a known token, an unknown token in base units, or BTC. */
export function assetUnit(asset: string): AssetUnit {
  if (asset === ANY_CHAIN) return { decimals: 18, symbol: 'coin', label: 'the coin of every other chain (eth:*, counted together)' };
  const e = ETH_ASSET.exec(asset);
  if (e) {
    const chain = BigInt(e[1]);
    if (!e[2]) return { decimals: 18, symbol: nativeSymbol(chain), label: `${nativeSymbol(chain)} on ${networkLabel(chain)}` };
    const token = knownToken(chain, e[2]);
    return token
      ? { decimals: token.decimals, symbol: token.symbol, label: `${token.symbol} on ${networkLabel(chain)}` }
      : { decimals: 0, symbol: 'units', label: `token ${e[2]} on ${networkLabel(chain)}` };
  }
  const b = BTC_ASSET.exec(asset);
  if (b) {
    const symbol = b[1] === 'mainnet' ? 'BTC' : b[1] === 'testnet' ? 'tBTC' : 'rBTC';
    return { decimals: 8, symbol, label: b[1] === 'mainnet' ? 'BTC' : `BTC (${b[1]})` };
  }
  throw bad(`"${asset.slice(0, 60)}" is not an asset: eth:<chainId>, eth:*, eth:<chainId>:<0xtoken> or btc:<network>`);
}

export function formatAmount(asset: string, amount: bigint): string {
  const u = assetUnit(asset);
  return `${formatUnits(amount, u.decimals)} ${u.symbol}`;
}

/** The chain id of an eth asset, or undefined. */
export function ethChainOf(asset: string): bigint | undefined {
  const e = ETH_ASSET.exec(asset);
  return e ? BigInt(e[1]) : undefined;
}

function amount(v: unknown, what: string): bigint | undefined {
  if (v === undefined) return undefined;
  let n: bigint;
  if (typeof v === 'bigint') n = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) n = BigInt(v);
  else if (typeof v === 'string' && /^[0-9]{1,78}$/.test(v)) n = BigInt(v);
  else throw bad(`${what} must be a whole number of base units (wei, satoshis, token units), as a number or decimal string`);
  if (n < 0n || n > MAX_AMOUNT) throw bad(`${what} is out of range`);
  return n;
}

/** A destination as the policy compares it: lowercase 0x-addresses for eth, bech32 lowercase for btc. */
export function normalizeDestination(asset: string, address: string): string {
  if (asset.startsWith('eth:')) {
    if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw bad(`"${address.slice(0, 60)}" is not an Ethereum address`);
    return address.toLowerCase();
  }
  if (!/^[a-zA-Z0-9]{14,90}$/.test(address)) throw bad(`"${address.slice(0, 60)}" is not a Bitcoin address`);
  return /^(bc1|tb1|bcrt1)/i.test(address) ? address.toLowerCase() : address;
}

/** A policy from what an app sent (CBOR), checked field by field. */
export function parsePolicy(v: unknown): Policy {
  if (!isPlainObject(v)) throw bad('a policy is a map {rules, overLimitWithCode?}');
  for (const k of Object.keys(v)) if (k !== 'rules' && k !== 'overLimitWithCode') throw bad(`unknown policy field "${k.slice(0, 40)}"`);
  if (!Array.isArray(v.rules)) throw bad('"rules" must be a list');
  if (v.rules.length > MAX_RULES) throw bad(`at most ${MAX_RULES} rules`);
  if (v.overLimitWithCode !== undefined && typeof v.overLimitWithCode !== 'boolean') throw bad('"overLimitWithCode" must be true or false');
  const seen = new Set<string>();
  const rules = v.rules.map((r, i): Rule => {
    if (!isPlainObject(r)) throw bad(`rule ${i + 1} is not a map {asset, daily?, perTx?, allow?}`);
    for (const k of Object.keys(r)) if (!['asset', 'daily', 'perTx', 'allow', 'wallet'].includes(k)) throw bad(`rule ${i + 1}: unknown field "${k.slice(0, 40)}"`);
    if (typeof r.asset !== 'string') throw bad(`rule ${i + 1}: "asset" must be a string`);
    const asset = r.asset.toLowerCase();
    assetUnit(asset);
    if (r.wallet !== undefined && (typeof r.wallet !== 'string' || !WALLET.test(r.wallet))) {
      throw bad(`rule ${i + 1}: "wallet" must be a master fingerprint of 8 lowercase hex digits (as the device shows it, e.g. 1a2b3c4d)`);
    }
    const wallet = r.wallet as string | undefined;
    const key = `${wallet ?? ''}/${asset}`;
    if (seen.has(key)) throw bad(`rule ${i + 1}: ${asset} has two rules${wallet ? ` for wallet ${wallet}` : ''}`);
    seen.add(key);
    const rule: Rule = { asset };
    if (wallet !== undefined) rule.wallet = wallet;
    const daily = amount(r.daily, `rule ${i + 1}: "daily"`);
    const perTx = amount(r.perTx, `rule ${i + 1}: "perTx"`);
    if (daily !== undefined) rule.daily = daily;
    if (perTx !== undefined) rule.perTx = perTx;
    if (r.allow !== undefined) {
      if (!Array.isArray(r.allow) || r.allow.length === 0 || r.allow.length > MAX_ALLOWED) throw bad(`rule ${i + 1}: "allow" must be a list of 1 to ${MAX_ALLOWED} addresses`);
      const list = r.allow.map((a) => {
        if (typeof a !== 'string') throw bad(`rule ${i + 1}: every allowed address is a string`);
        return normalizeDestination(asset, a);
      });
      rule.allow = [...new Set(list)];
    }
    if (rule.daily === undefined && rule.perTx === undefined && rule.allow === undefined) throw bad(`rule ${i + 1}: set "daily", "perTx" or "allow"`);
    return rule;
  });
  for (const w of new Set(rules.map((r) => r.wallet ?? ''))) if (seen.has(`${w}/btc:testnet`) && seen.has(`${w}/btc:regtest`)) throw bad('btc:testnet and btc:regtest share their keys (coin type 1): one rule covers both, so set only one of them');
  const policy = { rules, overLimitWithCode: v.overLimitWithCode === true };
  const size = encodeCbor(policyToPlain(policy)).length;
  if (size > MAX_POLICY_BYTES) throw bad(`the policy takes ${size} bytes; the device keeps at most ${MAX_POLICY_BYTES} (fewer rules or allowed addresses)`);
  return policy;
}

/** The policy as CBOR-ready values (amounts as decimal strings, so any size survives every client). */
export function policyToPlain(p: Policy): Record<string, unknown> {
  return {
    rules: p.rules.map((r) => ({
      asset: r.asset,
      ...(r.daily !== undefined ? { daily: r.daily.toString() } : {}),
      ...(r.perTx !== undefined ? { perTx: r.perTx.toString() } : {}),
      ...(r.allow ? { allow: r.allow } : {}),
      ...(r.wallet !== undefined ? { wallet: r.wallet } : {}),
    })),
    overLimitWithCode: p.overLimitWithCode,
  };
}

const WALLET = /^[0-9a-f]{8}$/;

/**
 * The rules of one scope as a policy of their own: the rules without a wallet (`undefined`: they bind every
 * wallet), or one wallet's own rules. A request signed by a wallet must pass both scopes, each judged, counted
 * and compared (for loosening) on its own: so a wallet rule added only tightens, and one removed only loosens.
 */
export function scopeOf(p: Policy, wallet: string | undefined): Policy {
  return { rules: p.rules.filter((r) => r.wallet === wallet), overLimitWithCode: p.overLimitWithCode };
}

/** Every wallet some rule names. */
export function walletsNamed(p: Policy): string[] {
  return [...new Set(p.rules.map((r) => r.wallet).filter((w): w is string => w !== undefined))];
}

export function ruleFor(p: Policy, asset: string): Rule | undefined {
  return p.rules.find((r) => r.asset === asset);
}

/** Lines for the screen describing one rule. */
export function describeRule(r: Rule): string[] {
  const u = assetUnit(r.asset);
  return [
    u.label,
    ...(r.wallet !== undefined ? [`  wallet ${r.wallet} only (in addition to the rules for every wallet)`] : []),
    r.daily !== undefined ? `  ${formatUnits(r.daily, u.decimals)} ${u.symbol} per 24 h` : '  no daily limit',
    ...(r.perTx !== undefined ? [`  at most ${formatUnits(r.perTx, u.decimals)} ${u.symbol} a transaction`] : []),
    ...(r.allow ? [`  only to ${r.allow.length} allowed address${r.allow.length === 1 ? '' : 'es'}:`, ...r.allow.map((a) => `    ${a}`)] : []),
  ];
}
