/**
 * The guard's power-cut campaign: random workloads of guarded signing (the spend written and read back before the
 * signature exists), freezes and unfreezes, policy changes, code checks, and every kind of pending change (a looser
 * policy, codes set up or removed, a PIN-only unfreeze, a new app) requested, cancelled, paused by freezes and
 * applied when due. Each operation is cut at each of its flash writes and erases in turn and the device rebooted
 * (and its first tick run, as the device runs it at boot): the spent amount never goes down, a signature that left
 * implies its spend is on record, a freeze that was written never disappears, the pending record always opens
 * (0 corrupt), and the whole guard state is the one before the operation or the one after it: no pending change
 * is lost, none is half applied, no wait is shortened (0 lost). Portable: npm test runs a small seeded campaign on
 * Node and XS; `npm run faults` runs a big one.
 */
import { HealthTestedEntropy } from '../../modules/entropy/health.js';
import { LatchError } from '../../modules/errors.js';
import { RecordLog } from '../../modules/storage/record-log.js';
import { Vault } from '../../modules/vault/vault.js';
import { softwareChipKey } from '../../modules/vault/chip-keys.js';
import { Guard } from '../../modules/guard/guard.js';
import { parsePolicy } from '../../modules/guard/policy.js';
import { judge } from '../../modules/guard/spending.js';
import { NorFlash, seededRandom } from '../../hosts/sim/nor-flash.js';
import { cutAt } from './cut-at.js';
import { memoryCounter } from '../portable/support/fake-ports.js';
import type { EntropyPort, MonotonicCounterPort } from '../../modules/ports.js';

const CHIP = softwareChipKey(new Uint8Array(32).fill(0x6d));
const SECTOR = 4096;
const SECTORS = 4;
const LIMIT = 1_000_000n;
const HOUR = 3_600_000;
const policyOf = (daily: bigint) => parsePolicy({ rules: [{ asset: 'eth:1', daily: daily.toString() }] });

type Op =
  | { kind: 'sign'; amount: bigint } | { kind: 'freeze'; by: 'app' | 'owner' } | { kind: 'unfreeze' } | { kind: 'tighten'; daily: bigint }
  | { kind: 'code' } | { kind: 'loosen' } | { kind: 'codes-on' } | { kind: 'codes-off' } | { kind: 'codes-remove' }
  | { kind: 'unfreeze-request' } | { kind: 'bind'; n: number } | { kind: 'cancel'; pick: number } | { kind: 'wait'; ms: number };

/** What must survive a cut: amounts, the freeze, the policy, the codes, the bound app, and each pending change
 * with the wait it has left (a pause accounted either way reads the same). */
interface Seen { spent: bigint; frozen: boolean; daily: bigint; codes: boolean; app: string; pending: string; intact: boolean }

/** Booted with the rollback counter (eFuse, outside the flash): a guard record cut by power must never read as tampered. */
function boot(flash: NorFlash, random: () => number, clock: { now(): number }, counter: MonotonicCounterPort): { vault: Vault; guard: Guard } {
  const entropy: EntropyPort = { fill(t) { for (let i = 0; i < t.length; i++) t[i] = Math.floor(random() * 256); return t.length; } };
  const vault = new Vault(new RecordLog(flash), new HealthTestedEntropy(entropy), clock, CHIP, { pinIterations: 1, counter });
  const opened = vault.open();
  if (opened.tampered) throw new Error(`a false tamper alarm: ${opened.tampered}`);
  vault.ensureIdentity();
  const guard = new Guard(vault.records, vault.clock, () => {}, () => {}, { bindApp: (app) => vault.setAppBinding(app) });
  guard.world.tell(1_800_000_000);
  return { vault, guard };
}

function seen(v: { vault: Vault; guard: Guard }, now: number): Seen {
  const g = v.guard;
  const frozenAt = g.freeze.state?.at;
  return {
    spent: g.ledger.spent('eth:1', now), frozen: g.freeze.frozen, daily: g.policy.rules[0]?.daily ?? -1n, codes: g.codes.enrolled,
    app: v.vault.appBinding()?.label ?? '', intact: g.changes.intact,
    pending: g.changes.list().map((c) => `${c.id}:${c.kind}:${g.changes.remainingMs(c, now, frozenAt)}`).join(','),
  };
}

const REFUSALS = new Set(['frozen', 'change-pending', 'not-enrolled', 'needs-code', 'not-frozen', 'codes-enrolled']);

/** Run `op` the way the device does (a refusal in words is an answer, not a failure); whether a signature was made. */
function run(g: Guard, op: Op, now: number): boolean {
  try {
    switch (op.kind) {
      case 'sign': {
        const v = judge(g.policy, g.ledger, now, [{ asset: 'eth:1', amount: op.amount, to: [] }], false);
        if (g.frozenReason || v.kind !== 'allow') return false;
        g.record(v.outflows); // before the signature
        return true;
      }
      case 'freeze': g.freezeNow(op.by, 'phone'); return false;
      case 'unfreeze': g.unfreeze('a code'); return false;
      case 'tighten': g.apply(policyOf(op.daily)); return false;
      case 'code': g.codes.verify('123456'); return false;
      case 'loosen': g.schedule({ kind: 'policy', policy: policyOf(LIMIT * 2n) }); return false;
      case 'codes-on': g.setUpCodes(new Uint8Array(20).fill(5), 2); return false;
      case 'codes-off': g.requestCodeRemoval(); return false;
      case 'codes-remove': if (g.codes.enrolled) g.removeCodesWithCode(); return false;
      case 'unfreeze-request': g.requestUnfreeze(); return false;
      case 'bind': g.schedule({ kind: 'bind', publicKey: new Uint8Array(32).fill(op.n), label: `app ${op.n}`, how: 'binding code' }); return false;
      case 'cancel': {
        const all = g.changes.list();
        if (all.length) g.cancel(all[op.pick % all.length].id, 'app');
        return false;
      }
      case 'wait': g.tick(); return false;
    }
  } catch (err) {
    if (err instanceof LatchError && REFUSALS.has(err.code)) return false;
    throw err;
  }
}

function pickOp(random: () => number): Op {
  const r = random();
  if (r < 0.34) return { kind: 'sign', amount: BigInt(1 + Math.floor(random() * 200_000)) };
  if (r < 0.40) return { kind: 'freeze', by: random() < 0.5 ? 'app' : 'owner' };
  if (r < 0.45) return { kind: 'unfreeze' };
  if (r < 0.49) return { kind: 'tighten', daily: LIMIT - BigInt(Math.floor(random() * 1000)) };
  if (r < 0.53) return { kind: 'code' };
  if (r < 0.59) return { kind: 'loosen' };
  if (r < 0.63) return { kind: 'codes-on' };
  if (r < 0.67) return { kind: 'codes-off' };
  if (r < 0.70) return { kind: 'codes-remove' };
  if (r < 0.75) return { kind: 'unfreeze-request' };
  if (r < 0.80) return { kind: 'bind', n: 1 + Math.floor(random() * 200) };
  if (r < 0.86) return { kind: 'cancel', pick: Math.floor(random() * 5) };
  // time passes with the device on, and the tick applies what is due: from minutes to more than a day
  return { kind: 'wait', ms: random() < 0.5 ? Math.floor(random() * 6 * HOUR) : Math.floor(20 * HOUR + random() * 10 * HOUR) };
}

export interface GuardCampaignResult { cuts: number; byKind: Record<string, number>; problems: string[] }

export function runGuardCampaign(o: { seed: number; minCuts: number; onProgress?: (cuts: number) => void }): GuardCampaignResult {
  let cuts = 0;
  const byKind: Record<string, number> = {};
  const problems: string[] = [];
  const show = (s: Seen) => JSON.stringify(s, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
  for (let workload = 0; cuts < o.minCuts; workload++) {
    const random = seededRandom(o.seed * 1000003 + workload);
    let now = 0;
    const clock = { now: () => now };
    const flash = new NorFlash({ size: SECTORS * SECTOR, sectorSize: SECTOR, random });
    const counter = memoryCounter();
    const counterAt = (value: number) => { const c = memoryCounter(); c.value = value; return c; };
    const first = boot(flash, random, clock, counter);
    first.guard.apply(policyOf(LIMIT));
    if (workload % 2 === 0) first.guard.codes.enrol(new Uint8Array(20).fill(3), 1); // half the workloads start without codes
    for (let step = 0; step < 40; step++) {
      const op = pickOp(random);
      const then = now;
      const later = then + (op.kind === 'wait' ? op.ms : 0);
      /**
       * Boot as the device does (its first tick), then let the op's time pass (a wait's tick is the op itself) and
       * save the device clock, as the device does every minute: device time stays equal to `now` across reboots.
       */
      let trialCounter: MonotonicCounterPort = counter;
      const bootAndTick = (f: NorFlash) => {
        now = then;
        const v = boot(f, random, clock, trialCounter);
        run(v.guard, { kind: 'wait', ms: 0 }, now);
        now = later;
        if (later !== then) v.vault.clock.persist();
        return v;
      };
      const image = flash.bytes.slice();
      const counterBefore = counter.value;
      trialCounter = counter;
      // the clean run: the state before and after, and how many flash operations it takes
      const clean = bootAndTick(flash);
      const before = seen(clean, now);
      const start = flash.operations;
      run(clean.guard, op, now);
      const n = flash.operations - start;
      const after = seen(clean, now);
      for (let cut = 1; cut <= n; cut++) {
        trialCounter = counterAt(counterBefore);
        const c = cutAt(image, SECTOR, cut, workload * 7919 + step * 104729 + cut, bootAndTick, (victim) => run(victim.guard, op, now));
        if ('error' in c) { problems.push(`${op.kind} cut ${cut}: ${c.error}`); continue; }
        const completed = c.value === true; // a signature left only if the run finished and signed
        cuts++;
        byKind[op.kind] = (byKind[op.kind] ?? 0) + 1;
        const label = `workload ${workload} step ${step} ${op.kind} cut ${cut}/${n}`;
        let rebooted: Seen;
        try {
          const back = boot(c.flash, random, clock, trialCounter);
          run(back.guard, { kind: 'wait', ms: 0 }, now); // the boot's first tick
          rebooted = seen(back, now);
        } catch (err) {
          problems.push(`${label}: the rebooted guard fails: ${(err as Error).message}`);
          continue;
        }
        if (!rebooted.intact) problems.push(`${label}: the pending record does not open (corrupt)`);
        if (rebooted.spent < before.spent) problems.push(`${label}: spent went down from ${before.spent} to ${rebooted.spent}`);
        // a cut anywhere in the spend's write stops the signing: a signature that left implies the spend is on record
        if (completed && rebooted.spent < after.spent) problems.push(`${label}: a signature left but its spend is not on record`);
        if (before.frozen && !rebooted.frozen && op.kind !== 'unfreeze' && op.kind !== 'wait') problems.push(`${label}: a freeze disappeared`);
        // a new policy cancels a waiting looser one first: cut between, the old limits stand without it (tighter)
        const cancelledOnly = op.kind === 'tighten' ? show({ ...before, pending: before.pending.split(',').filter((p) => !p.includes(':policy:')).join(',') }) : '';
        if (show(rebooted) !== show(before) && show(rebooted) !== show(after) && show(rebooted) !== cancelledOnly) problems.push(`${label}: recovered ${show(rebooted)}, neither before ${show(before)} nor after ${show(after)}`);
      }
      o.onProgress?.(cuts);
    }
  }
  return { cuts, byKind, problems };
}
