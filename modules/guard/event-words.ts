/**
 * An event's details in the owner's words, for the device's History and `latch events`: amounts in their units
 * (wei as ETH or the chain's coin, satoshis as BTC, a known token's base units with its decimals and symbol, an
 * unlimited approval as UNLIMITED), chains by name, durations in hours and minutes. The event itself (what is
 * hashed and signed) keeps its exact integers; this only reads them. Strings from outside are escaped.
 */
import { escapeForScreen } from '../ui/escape.js';
import { formatUnits } from '../wallet/amount.js';
import { nativeSymbol, networkLabel } from '../ethereum/networks.js';
import { knownToken } from '../ethereum/tokens.js';
import { formatAmount } from './policy.js';
import { duration } from './spending.js';

type Details = Record<string, unknown>;

const WHOLE = /^[0-9]{1,78}$/;

function chainOf(d: Details): bigint | undefined {
  return typeof d.chain === 'string' && WHOLE.test(d.chain) ? BigInt(d.chain) : undefined;
}

function btcSymbol(network: unknown): string {
  return network === 'testnet' ? 'tBTC' : network === 'regtest' ? 'rBTC' : 'BTC';
}

/** A token amount: with decimals and symbol for a token the device knows, else in base units. */
function tokenAmount(amount: unknown, chain: bigint | undefined, token: unknown): string {
  if (amount === 'unlimited') return 'UNLIMITED';
  if (typeof amount !== 'string' || !WHOLE.test(amount)) return plain(amount);
  const t = chain !== undefined && typeof token === 'string' ? knownToken(chain, token) : undefined;
  return t ? `${formatUnits(BigInt(amount), t.decimals)} ${t.symbol}` : `${amount} base units`;
}

function coin(wei: unknown, chain: bigint | undefined): string {
  if (typeof wei !== 'string' || !WHOLE.test(wei)) return plain(wei);
  return `${formatUnits(BigInt(wei), 18)} ${chain !== undefined ? nativeSymbol(chain) : 'native coin'}`;
}

function sats(amount: unknown, network: unknown): string {
  if (typeof amount !== 'string' || !WHOLE.test(amount)) return plain(amount);
  return `${formatUnits(BigInt(amount), 8)} ${btcSymbol(network)}`;
}

function rule(r: unknown): string {
  if (typeof r !== 'object' || r === null) return plain(r);
  const { asset, daily, perTx, allow } = r as Record<string, unknown>;
  const amount = (v: unknown) => {
    try {
      return typeof asset === 'string' && typeof v === 'string' && WHOLE.test(v) ? formatAmount(asset, BigInt(v)) : plain(v);
    } catch {
      return plain(v);
    }
  };
  return [
    plain(asset),
    daily !== undefined ? `${amount(daily)} per 24 h` : undefined,
    perTx !== undefined ? `at most ${amount(perTx)} a transaction` : undefined,
    Array.isArray(allow) ? `only to ${allow.map(plain).join(' ')}` : undefined,
  ].filter((x) => x !== undefined).join(', ');
}

/** Any other value, as text (strings escaped, bytes by length). */
export function plain(v: unknown): string {
  if (typeof v === 'string') return escapeForScreen(v);
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  if (Array.isArray(v)) return `[${v.map(plain).join(' ')}]`;
  if (typeof v === 'object' && v !== null) return `{${Object.keys(v).map((k) => `${k} ${plain((v as Details)[k])}`).join(', ')}}`;
  return String(v);
}

/** [name, value in words] for each detail, in the event's order. */
export function eventDetailWords(d: Details): [string, string][] {
  const chain = chainOf(d);
  return Object.keys(d).map((k): [string, string] => {
    const v = d[k];
    switch (k) {
      case 'chain': return [k, chain !== undefined ? networkLabel(chain) : plain(v)];
      case 'value': case 'maxFee': return [k, coin(v, chain)];
      case 'fee': return [k, 'network' in d ? sats(v, d.network) : plain(v)];
      case 'transfer': case 'approve': {
        const t = (typeof v === 'object' && v !== null ? v : {}) as Details;
        const who = t.to ?? t.spender;
        return [k, `${tokenAmount(t.amount, chain, d.token)}${who !== undefined ? ` ${k === 'transfer' ? 'to' : 'for'} ${plain(who)}` : ''}`];
      }
      case 'outputs': return [k, Array.isArray(v) ? v.map((o) => {
        const out = (typeof o === 'object' && o !== null ? o : {}) as Details;
        return `${sats(out.amount, d.network)} to ${plain(out.to)}`;
      }).join('; ') : plain(v)];
      case 'policy': {
        const p = (typeof v === 'object' && v !== null ? v : {}) as Details;
        const rules = Array.isArray(p.rules) ? p.rules : [];
        return [k, `${rules.length ? rules.map(rule).join('; ') : 'no limits'}${p.overLimitWithCode ? '; over a limit with a code' : ''}`];
      }
      case 'inMs': case 'validForMs': return [k === 'inMs' ? 'in' : 'valid for', typeof v === 'number' ? duration(v) : plain(v)];
      default: return [k, plain(v)];
    }
  });
}
