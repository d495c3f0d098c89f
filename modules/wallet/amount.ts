/**
 * Exact decimal amounts from integers: wei (18 decimals), token base units, satoshis (8). No floating point
 * anywhere, for any value up to 2^256-1.
 */

/** `value` / 10^decimals as an exact decimal string, trailing zeros dropped, with thousands kept plain. */
export function formatUnits(value: bigint, decimals: number): string {
  if (value < 0n) return `-${formatUnits(-value, decimals)}`;
  const s = value.toString().padStart(decimals + 1, '0');
  const whole = s.slice(0, s.length - decimals);
  const frac = s.slice(s.length - decimals).replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : whole;
}

/** Parse an exact decimal ("0.15") into base units; refuses more decimals than the unit has. */
export function parseUnits(text: string, decimals: number): bigint {
  const m = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/.exec(text.trim());
  if (!m) throw new RangeError(`"${text}" is not a decimal amount`);
  const frac = m[2] ?? '';
  if (frac.length > decimals) throw new RangeError(`"${text}" has more than ${decimals} decimals`);
  return BigInt(m[1]) * 10n ** BigInt(decimals) + BigInt(frac.padEnd(decimals, '0') || '0');
}
