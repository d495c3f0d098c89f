/**
 * The app side of the guard: the spending policy, the emergency stop and verification-code status. Amounts on
 * the link are base units (wei, satoshis, token units) as decimal strings; `toBaseUnits`/`fromBaseUnits` convert
 * the human amounts people type ("0.1" ETH) with the asset's decimals (unknown tokens: base units).
 */
import { assetUnit } from '../../modules/guard/policy.js';
import { formatUnits, parseUnits } from '../../modules/wallet/amount.js';
import type { RpcSession } from './client.js';
import { InputError } from './input-error.js';
import { SIGNING_TIMEOUT_MS } from './eth.js';

export interface RuleJson {
  asset: string;
  daily?: string;
  perTx?: string;
  allow?: string[];
  /** the one wallet (master fingerprint) this rule binds, in addition to the rules for every wallet */
  wallet?: string;
}

export interface PolicyJson {
  rules: RuleJson[];
  overLimitWithCode?: boolean;
}

export interface PolicyStatus {
  policy: PolicyJson;
  pending?: { policy: PolicyJson; inMs: number };
  spent: { asset: string; wallet?: string; spent: string; left: string; freesInMs?: number }[];
  frozen?: { by: string; label?: string; text: string };
  codes: { enrolled: boolean };
  pendingChanges?: number;
}

/** A loosening waiting out its 24 hours on the device (pending_list). */
export interface PendingChangeJson {
  id: number;
  kind: 'policy' | 'codes-on' | 'codes-off' | 'unfreeze' | 'bind';
  text: string;
  inMs: number;
  paused?: true;
  policy?: PolicyJson;
  app?: string;
}

export function toBaseUnits(asset: string, amount: string): string {
  const unit = assetUnit(asset);
  try {
    return parseUnits(amount, unit.decimals).toString();
  } catch {
    throw new InputError(`${asset}: "${amount}" is not an amount of ${unit.symbol} (write it like "0.1", at most ${unit.decimals} decimals)`);
  }
}

export function fromBaseUnits(asset: string, amount: string): string {
  const u = assetUnit(asset);
  return `${formatUnits(BigInt(amount), u.decimals)} ${u.symbol}`;
}

/** A policy as people write it (amounts in the asset's unit, "0.1") converted to what the device takes. */
export function policyFromHuman(p: PolicyJson): PolicyJson {
  return {
    rules: p.rules.map((r) => ({
      asset: r.asset.toLowerCase(),
      ...(r.daily !== undefined ? { daily: toBaseUnits(r.asset.toLowerCase(), String(r.daily)) } : {}),
      ...(r.perTx !== undefined ? { perTx: toBaseUnits(r.asset.toLowerCase(), String(r.perTx)) } : {}),
      ...(r.allow ? { allow: r.allow } : {}),
      ...(r.wallet !== undefined ? { wallet: r.wallet } : {}),
    })),
    overLimitWithCode: p.overLimitWithCode === true,
  };
}

export class GuardApp {
  constructor(readonly session: RpcSession) {}

  status(): Promise<PolicyStatus> {
    return this.session.call('policy_get', {}, 30_000);
  }

  /** Ask for a new policy (base units). The owner confirms on the device; a loosening needs a code or waits. */
  setPolicy(policy: PolicyJson): Promise<{ status: 'applied' | 'pending' | 'unchanged'; inMs?: number }> {
    return this.session.call('policy_set', { policy }, SIGNING_TIMEOUT_MS);
  }

  cancelPending(): Promise<{ cancelled: boolean }> {
    return this.session.call('policy_cancel', {}, 30_000);
  }

  /** The emergency stop: no confirmation, effective before the answer. */
  freeze(): Promise<{ frozen: true; by: string; label?: string }> {
    return this.session.call('freeze', {}, 30_000);
  }

  /** Unfreeze at once (no codes enrolled, the device unlocked): the owner holds C on the device. */
  unfreeze(): Promise<{ unfrozen: true }> {
    return this.session.call('unfreeze', {}, SIGNING_TIMEOUT_MS);
  }

  pendingList(): Promise<{ changes: PendingChangeJson[]; frozen: boolean }> {
    return this.session.call('pending_list', {}, 30_000);
  }

  /** Cancel one pending change, or every one. */
  pendingCancel(id?: number): Promise<{ cancelled: number[] }> {
    return this.session.call('pending_cancel', id === undefined ? {} : { id }, 30_000);
  }

  otpStatus(): Promise<{ enrolled: boolean; removalInMs?: number; setupInMs?: number; lockedForMs?: number }> {
    return this.session.call('otp_status', {}, 30_000);
  }

  otpCancelRemoval(): Promise<{ cancelled: boolean }> {
    return this.session.call('otp_cancel_removal', {}, 30_000);
  }
}
