/**
 * `latch policy show|set|remove|cancel`, `latch freeze`, `latch unfreeze`, `latch pending [cancel [ID]]`,
 * `latch otp status|cancel-removal` (all --json).
 */
import { duration } from '../../../modules/guard/spending.js';
import { assetUnit } from '../../../modules/guard/policy.js';
import { GuardApp, fromBaseUnits, policyFromHuman, toBaseUnits, type PolicyJson, type PolicyStatus, type RuleJson } from '../guard.js';
import type { CommandContext } from './context.js';
import { jsonArg } from './files.js';

export const GUARD_USAGE = `  policy show                                   the spending limits, what is left today, pending changes, freeze
  policy set FILE|JSON                          propose a whole policy (amounts in the asset's unit, e.g. "0.1")
  policy set --asset A [--daily X] [--per-tx X] [--allow ADDR,...] [--over-limit-with-code yes|no]
                                                set one asset's rule (A: eth:1, eth:1:0xTOKEN, btc:mainnet ...)
  policy remove --asset A                       remove one asset's rule (a loosening: a code, or 24 h pending)
    (both take --wallet FINGERPRINT: that wallet's own rule, which binds it in addition to the rules
     for every wallet; without it, the rule for every wallet)
  policy cancel                                 cancel a pending loosening
  freeze                                        emergency stop: the device signs nothing until unfrozen on it
                                                (on a frozen device: also refuses a pending PIN-only unfreeze)
  unfreeze                                      without verification codes: unfreeze at once (the device must be
                                                unlocked with its PIN; hold C on it)
  pending                                       what waits out its 24 hours: looser limits, codes set up or
                                                removed, a PIN-only unfreeze, a new app
  pending cancel [ID]                           cancel one pending change (ID from "latch pending"), or all
  otp status | otp cancel-removal               verification codes: enrolled? a removal pending? keep them`;

function describe(s: PolicyStatus): string {
  const lines: string[] = [];
  if (s.frozen) lines.push(`FROZEN by ${s.frozen.text}: unfreeze on the device with your PIN${s.codes.enrolled ? ' and a verification code' : ''}.`);
  if (!s.policy.rules.length) lines.push('No spending limits: the device signs any amount (after you confirm on it).');
  for (const r of s.policy.rules) {
    const u = assetUnit(r.asset);
    lines.push(`${u.label} (${r.asset})${r.wallet !== undefined ? `, wallet ${r.wallet} only (in addition to the rules for every wallet)` : ''}:`);
    if (r.daily !== undefined) {
      const spent = s.spent.find((x) => x.asset === r.asset && x.wallet === r.wallet);
      lines.push(`  ${fromBaseUnits(r.asset, r.daily)} per 24 h of device time; ${spent ? `${fromBaseUnits(r.asset, spent.left)} left${spent.freesInMs !== undefined ? ` (more frees up in ${duration(spent.freesInMs)})` : ''}` : 'nothing spent'}`);
    }
    if (r.perTx !== undefined) lines.push(`  at most ${fromBaseUnits(r.asset, r.perTx)} a transaction`);
    if (r.allow) lines.push(`  only to: ${r.allow.join(', ')}`);
  }
  lines.push(`Over a limit: ${s.policy.overLimitWithCode ? 'allowed with a verification code' : 'refused'}. Verification codes: ${s.codes.enrolled ? 'on' : 'off'}.`);
  if (s.pending) lines.push(`A looser policy takes effect in ${duration(s.pending.inMs)} of device time ("latch policy cancel" cancels it).`);
  if (s.pendingChanges) lines.push(`${s.pendingChanges} change${s.pendingChanges === 1 ? '' : 's'} pending in all: "latch pending" lists them.`);
  return lines.join('\n');
}

/** The current policy (device form) with one rule changed by the options. */
function withRule(current: PolicyJson, c: CommandContext): PolicyJson {
  const asset = typeof c.values.asset === 'string' ? c.values.asset.toLowerCase() : undefined;
  if (!asset) throw c.usage('--asset is needed (eth:1, eth:1:0xTOKEN, btc:mainnet, btc:testnet ...)');
  try {
    assetUnit(asset);
  } catch (err) {
    throw c.usage((err as Error).message);
  }
  const wallet = typeof c.values.wallet === 'string' ? c.values.wallet.toLowerCase() : undefined;
  if (wallet !== undefined && !/^[0-9a-f]{8}$/.test(wallet)) throw c.usage('--wallet is a master fingerprint of 8 hex digits, as the device shows it (e.g. 1a2b3c4d)');
  const rule: RuleJson = { asset, ...(wallet !== undefined ? { wallet } : {}) };
  if (typeof c.values.daily === 'string') rule.daily = toBaseUnits(asset, c.values.daily);
  if (typeof c.values['per-tx'] === 'string') rule.perTx = toBaseUnits(asset, c.values['per-tx']);
  if (typeof c.values.allow === 'string') rule.allow = c.values.allow.split(',').map((a) => a.trim()).filter(Boolean);
  const rules = current.rules.filter((r) => r.asset !== asset || r.wallet !== wallet);
  if (rule.daily !== undefined || rule.perTx !== undefined || rule.allow) rules.push(rule);
  const flag = c.values['over-limit-with-code'];
  if (flag !== undefined && flag !== 'yes' && flag !== 'no') throw c.usage('--over-limit-with-code is yes or no');
  return { rules, overLimitWithCode: flag === undefined ? current.overLimitWithCode === true : flag === 'yes' };
}

async function propose(g: GuardApp, policy: PolicyJson, c: CommandContext): Promise<number> {
  const r = await g.setPolicy(policy);
  const words = r.status === 'applied' ? 'The device applied the new policy.'
    : r.status === 'unchanged' ? 'The device already has this policy.'
      : `The device accepted a looser policy: it takes effect in ${duration(r.inMs ?? 0)} of device time (cancel it with "latch policy cancel").`;
  c.out(words, r);
  return 0;
}

export async function policyCommand(c: CommandContext): Promise<number> {
  const g = new GuardApp(c.session);
  const [sub, arg, ...rest] = c.args;
  if (rest.length) throw c.usage(`too many arguments: ${rest.join(' ')}`);
  switch (sub) {
    case 'show': {
      const s = await g.status();
      c.out(describe(s), s);
      return 0;
    }
    case 'set': {
      if (arg) {
        const policy = jsonArg(arg) as PolicyJson;
        if (typeof policy !== 'object' || policy === null || !Array.isArray(policy.rules)) throw c.usage('a policy is {"rules": [{"asset": "eth:1", "daily": "0.1"}, ...], "overLimitWithCode": true|false}');
        return propose(g, policyFromHuman(policy), c);
      }
      return propose(g, withRule((await g.status()).policy, c), c);
    }
    case 'remove': {
      if (typeof c.values.asset !== 'string') throw c.usage('policy remove needs --asset');
      const current = (await g.status()).policy;
      const asset = c.values.asset.toLowerCase();
      if (!current.rules.some((r) => r.asset === asset)) throw c.usage(`there is no rule for ${asset}`);
      return propose(g, { ...current, rules: current.rules.filter((r) => r.asset !== asset) }, c);
    }
    case 'cancel': {
      const r = await g.cancelPending();
      c.out(r.cancelled ? 'The pending change was cancelled.' : 'No change was pending.', r);
      return 0;
    }
    default:
      throw c.usage(sub ? `unknown policy command "${sub}"` : 'policy needs a command: show, set, remove, cancel');
  }
}

export async function freezeCommand(c: CommandContext): Promise<number> {
  if (c.args.length) throw c.usage('freeze takes no arguments');
  const r = await new GuardApp(c.session).freeze();
  c.out('The device is frozen: it signs nothing, changes no limit and binds no app until its owner unfreezes it on the device (PIN, then a verification code when enrolled; without codes the PIN alone waits 24 h, or "latch unfreeze" with the device unlocked).', r);
  return 0;
}

export async function unfreezeCommand(c: CommandContext): Promise<number> {
  if (c.args.length) throw c.usage('unfreeze takes no arguments');
  const r = await new GuardApp(c.session).unfreeze();
  c.out('The device is unfrozen: it signs again, within its limits.', r);
  return 0;
}

export async function pendingCommand(c: CommandContext): Promise<number> {
  const g = new GuardApp(c.session);
  const [sub, id, ...rest] = c.args;
  if (rest.length) throw c.usage(`too many arguments: ${rest.join(' ')}`);
  if (sub === undefined) {
    if (id !== undefined) throw c.usage('pending takes no argument; "pending cancel ID" cancels one');
    const r = await g.pendingList();
    const lines = r.changes.map((ch) => `#${ch.id} ${ch.text}: ${ch.paused ? `paused while frozen (${duration(ch.inMs)} left)` : `takes effect in ${duration(ch.inMs)}`} of device time`);
    c.out(lines.length ? [...lines, 'Not you? "latch pending cancel ID" (or "latch pending cancel" for all).'].join('\n') : 'Nothing is pending.', r);
    return 0;
  }
  if (sub !== 'cancel') throw c.usage(`unknown pending command "${sub}": pending, or pending cancel [ID]`);
  if (id !== undefined && !/^[0-9]{1,9}$/.test(id)) throw c.usage(`"${id}" is not the number of a pending change`);
  const r = await g.pendingCancel(id === undefined ? undefined : Number(id));
  c.out(r.cancelled.length ? `Cancelled: ${r.cancelled.map((x) => `#${x}`).join(', ')}.` : 'Nothing was cancelled (no such pending change).', r);
  return r.cancelled.length || id === undefined ? 0 : 1;
}

export async function otpCommand(c: CommandContext): Promise<number> {
  const g = new GuardApp(c.session);
  const [sub, ...rest] = c.args;
  if (rest.length) throw c.usage(`too many arguments: ${rest.join(' ')}`);
  if (sub === 'status') {
    const s = await g.otpStatus();
    const text = !s.enrolled ? 'Verification codes are off (set them up on the device: Menu > Verification codes).'
      : `Verification codes are on.${s.removalInMs !== undefined ? ` Their removal takes effect in ${duration(s.removalInMs)} ("latch otp cancel-removal" keeps them).` : ''}${s.lockedForMs ? ` Code entry is locked for ${duration(s.lockedForMs)}.` : ''}`;
    const setup = s.setupInMs !== undefined ? ` Codes set up on the device take effect in ${duration(s.setupInMs)} ("latch pending cancel" refuses them).` : '';
    c.out(`${text}${setup}`, s);
    return 0;
  }
  if (sub === 'cancel-removal') {
    const r = await g.otpCancelRemoval();
    c.out(r.cancelled ? 'The removal was cancelled: codes stay on.' : 'No removal was pending.', r);
    return 0;
  }
  throw c.usage(sub ? `unknown otp command "${sub}"` : 'otp needs a command: status, cancel-removal');
}
