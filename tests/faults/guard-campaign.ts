/**
 * The guard's power-cut campaign: random workloads of guarded signing (the spend written and read back before the
 * signature exists), freezes, unfreezes, policy changes and code checks. Each operation is cut at each of its
 * flash writes and erases in turn and the device rebooted: the spent amount never goes down, a signature that
 * left implies its spend is on record, a freeze that was written never disappears, and the rest is the state
 * before or after the operation. Portable: npm test runs a small seeded campaign on Node and XS; `npm run faults`
 * runs a big one.
 */
import { HealthTestedEntropy } from '../../modules/entropy/health.js';
import { RecordLog } from '../../modules/storage/record-log.js';
import { Vault } from '../../modules/vault/vault.js';
import { softwareChipKey } from '../../modules/vault/chip-keys.js';
import { Guard } from '../../modules/guard/guard.js';
import { parsePolicy } from '../../modules/guard/policy.js';
import { judge } from '../../modules/guard/spending.js';
import { NorFlash, seededRandom } from '../../hosts/sim/nor-flash.js';
import { cutAt } from './cut-at.js';
import type { EntropyPort } from '../../modules/ports.js';

const CHIP = softwareChipKey(new Uint8Array(32).fill(0x6d));
const SECTOR = 4096;
const SECTORS = 4;
const LIMIT = 1_000_000n;

type Op = { kind: 'sign'; amount: bigint } | { kind: 'freeze' } | { kind: 'unfreeze' } | { kind: 'tighten'; daily: bigint } | { kind: 'code' } | { kind: 'wait'; ms: number };

interface Seen { spent: bigint; frozen: boolean; daily: bigint }

function boot(flash: NorFlash, random: () => number, clock: { now(): number }): { vault: Vault; guard: Guard } {
  const entropy: EntropyPort = { fill(t) { for (let i = 0; i < t.length; i++) t[i] = Math.floor(random() * 256); return t.length; } };
  const vault = new Vault(new RecordLog(flash), new HealthTestedEntropy(entropy), clock, CHIP, { pinIterations: 1 });
  vault.open();
  vault.ensureIdentity();
  return { vault, guard: new Guard(vault.records, vault.clock, () => {}) };
}

function seen(g: Guard, now: number): Seen {
  return { spent: g.ledger.spent('eth:1', now), frozen: g.freeze.frozen, daily: g.policy.rules[0]?.daily ?? -1n };
}

/** Run `op` the way the device does; returns whether a signature was produced. */
function run(g: Guard, op: Op, now: number): boolean {
  switch (op.kind) {
    case 'sign': {
      const v = judge(g.policy, g.ledger, now, [{ asset: 'eth:1', amount: op.amount, to: [] }], false);
      if (g.frozenReason || v.kind !== 'allow') return false;
      g.record(v.outflows); // before the signature
      return true;
    }
    case 'freeze': g.freezeNow('app', 'phone'); return false;
    case 'unfreeze': g.unfreeze('a code'); return false;
    case 'tighten': g.apply(parsePolicy({ rules: [{ asset: 'eth:1', daily: op.daily.toString() }] })); return false;
    case 'code': g.codes.verify('123456'); return false;
    case 'wait': return false;
  }
}

export interface GuardCampaignResult { cuts: number; byKind: Record<string, number>; problems: string[] }

export function runGuardCampaign(o: { seed: number; minCuts: number; onProgress?: (cuts: number) => void }): GuardCampaignResult {
  let cuts = 0;
  const byKind: Record<string, number> = {};
  const problems: string[] = [];
  for (let workload = 0; cuts < o.minCuts; workload++) {
    const random = seededRandom(o.seed * 1000003 + workload);
    let now = 0;
    const clock = { now: () => now };
    const flash = new NorFlash({ size: SECTORS * SECTOR, sectorSize: SECTOR, random });
    const first = boot(flash, random, clock);
    first.guard.apply(parsePolicy({ rules: [{ asset: 'eth:1', daily: LIMIT.toString() }] }));
    first.guard.codes.enrol(new Uint8Array(20).fill(3), 1);
    first.guard.world.tell(1_800_000_000);
    for (let step = 0; step < 40; step++) {
      const r = random();
      const op: Op = r < 0.55 ? { kind: 'sign', amount: BigInt(1 + Math.floor(random() * 200_000)) }
        : r < 0.65 ? { kind: 'freeze' } : r < 0.75 ? { kind: 'unfreeze' } : r < 0.82 ? { kind: 'tighten', daily: LIMIT - BigInt(Math.floor(random() * 1000)) }
          : r < 0.9 ? { kind: 'code' } : { kind: 'wait', ms: Math.floor(random() * 30 * 3_600_000) };
      if (op.kind === 'wait') { now += op.ms; continue; }
      const image = flash.bytes.slice();
      // the clean run: the state after, and how many flash operations it takes
      const clean = boot(flash, random, clock);
      clean.guard.world.tell(1_800_000_000);
      const before = seen(clean.guard, now);
      const start = flash.operations;
      const signed = run(clean.guard, op, now);
      const n = flash.operations - start;
      const after = seen(clean.guard, now);
      for (let cut = 1; cut <= n; cut++) {
        const c = cutAt(image, SECTOR, cut, workload * 7919 + step * 104729 + cut, (f) => {
          const victim = boot(f, random, clock);
          victim.guard.world.tell(1_800_000_000);
          return victim;
        }, (victim) => run(victim.guard, op, now));
        if ('error' in c) { problems.push(`${op.kind} cut ${cut}: ${c.error}`); continue; }
        const f = c.flash;
        const completed = c.value === true; // a signature left only if the run finished and signed
        cuts++;
        byKind[op.kind] = (byKind[op.kind] ?? 0) + 1;
        const rebooted = seen(boot(f, random, clock).guard, now);
        const label = `workload ${workload} step ${step} ${op.kind} cut ${cut}/${n}`;
        if (rebooted.spent < before.spent) problems.push(`${label}: spent went down from ${before.spent} to ${rebooted.spent}`);
        // a cut anywhere in the spend's write stops the signing: a signature that left implies the spend is on record
        if (completed && rebooted.spent < after.spent) problems.push(`${label}: a signature left but its spend is not on record`);
        if (before.frozen && !rebooted.frozen && op.kind !== 'unfreeze') problems.push(`${label}: a freeze disappeared`);
        const ok = [before, after].some((s) => s.spent === rebooted.spent && s.frozen === rebooted.frozen && s.daily === rebooted.daily);
        if (!ok) problems.push(`${label}: recovered ${JSON.stringify(rebooted, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}, neither before nor after`);
      }
      void signed;
      o.onProgress?.(cuts);
    }
  }
  return { cuts, byKind, problems };
}
