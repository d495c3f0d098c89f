/**
 * The authenticator's power-cut campaign: random workloads of adding accounts (time- and counter-based), showing
 * counter codes and removing accounts on a 16 KiB vault (so compactions happen), each operation cut at each of its
 * flash writes and erases in turn and the vault rebooted. After every cut: every account opens, the set of
 * accounts is the one before or after the operation, and no counter ever goes back (a code that was shown is
 * never shown again). Portable: npm test runs a small seeded campaign on Node and XS; `npm run faults` a big one.
 */
import { HealthTestedEntropy } from '../../modules/entropy/health.js';
import { RecordLog } from '../../modules/storage/record-log.js';
import { Vault } from '../../modules/vault/vault.js';
import { softwareChipKey } from '../../modules/vault/chip-keys.js';
import { AuthenticatorAccounts, AUTHENTICATOR_SLOTS } from '../../modules/authenticator/accounts.js';
import { parseOtpauth } from '../../modules/guard/otp.js';
import { NorFlash, seededRandom } from '../../hosts/sim/nor-flash.js';
import { cutAt } from './cut-at.js';

const CHIP = softwareChipKey(new Uint8Array(32).fill(0x3c));
const SEED = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
const SECTOR = 4096;
const SECTORS = 4;

type Op = { kind: 'add'; uri: string } | { kind: 'code'; slot: number; name: string } | { kind: 'remove'; slot: number };

/** What the owner could see: each account's name, and for counter-based ones the next counter. */
type Seen = Map<string, bigint | 'totp'>;

function boot(flash: NorFlash, random: () => number): AuthenticatorAccounts {
  const entropy = new HealthTestedEntropy({ fill(t) { for (let i = 0; i < t.length; i++) t[i] = Math.floor(random() * 256); return t.length; } });
  const vault = new Vault(new RecordLog(flash), entropy, { now: () => 0 }, CHIP, { pinIterations: 1 });
  vault.open();
  vault.ensureIdentity();
  return new AuthenticatorAccounts(vault.records, () => SEED.slice(), (n) => entropy.bytes(n));
}

function seen(store: AuthenticatorAccounts): Seen {
  const out: Seen = new Map();
  for (const a of store.list()) {
    if (a.damaged) throw new Error(`slot ${a.slot} does not open`);
    const full = store.get(a.slot);
    out.set(a.name, a.kind === 'hotp' ? full.params.counter! : 'totp');
  }
  return out;
}

const same = (a: Seen, b: Seen) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
const show = (s: Seen) => JSON.stringify([...s].map(([k, v]) => [k, String(v)]));

/** Run `op`; returns the counter of the code it showed, if it showed one. */
function run(store: AuthenticatorAccounts, op: Op): bigint | undefined {
  switch (op.kind) {
    case 'add': store.add(parseOtpauth(op.uri)); return undefined;
    case 'code': return store.nextHotp(op.slot).counter;
    case 'remove': store.remove(op.slot); return undefined;
  }
}

function pick(store: AuthenticatorAccounts, random: () => number, names: { n: number }): Op | undefined {
  const all = store.list();
  const hotps = all.filter((a) => a.kind === 'hotp');
  const r = random();
  if ((r < 0.3 || all.length === 0) && all.length < AUTHENTICATOR_SLOTS) {
    const kind = random() < 0.6 ? 'hotp' : 'totp';
    const secret = 'JBSWY3DPEHPK3PXP'.slice(0, 8 + Math.floor(random() * 8));
    return { kind: 'add', uri: `otpauth://${kind}/Service${names.n++}:alice?secret=${secret}${kind === 'hotp' ? `&counter=${Math.floor(random() * 1000)}` : ''}` };
  }
  if (r < 0.85 && hotps.length) {
    const a = hotps[Math.floor(random() * hotps.length)];
    return { kind: 'code', slot: a.slot, name: a.name };
  }
  if (all.length) return { kind: 'remove', slot: all[Math.floor(random() * all.length)].slot };
  return undefined;
}

export interface AuthenticatorCampaignResult { cuts: number; byKind: Record<string, number>; problems: string[] }

export function runAuthenticatorCampaign(o: { seed: number; minCuts: number; onProgress?: (cuts: number) => void }): AuthenticatorCampaignResult {
  let cuts = 0;
  const byKind: Record<string, number> = {};
  const problems: string[] = [];
  for (let workload = 0; cuts < o.minCuts; workload++) {
    const random = seededRandom(o.seed * 7_000_003 + workload);
    const flash = new NorFlash({ size: SECTORS * SECTOR, sectorSize: SECTOR, random });
    const names = { n: 0 };
    for (let step = 0; step < 30 && cuts < o.minCuts; step++) {
      const op = pick(boot(flash, random), random, names);
      if (!op) continue;
      const image = flash.bytes.slice();
      // the clean run: the state after, and how many flash operations it takes
      const clean = boot(flash, random);
      const before = seen(clean);
      const start = flash.operations;
      const cleanShown = run(clean, op);
      const n = flash.operations - start;
      const after = seen(clean);
      if (cleanShown !== undefined && op.kind === 'code' && after.get(op.name) !== cleanShown + 1n) {
        problems.push(`workload ${workload} step ${step}: code #${cleanShown} of ${op.name} was shown, but its next counter on record is ${String(after.get(op.name))}`);
      }
      for (let cut = 1; cut <= n; cut++) {
        const c = cutAt(image, SECTOR, cut, workload * 7919 + step * 104729 + cut, (f) => boot(f, random), (victim) => run(victim, op));
        if ('error' in c) { problems.push(`${op.kind} cut ${cut}: ${c.error}`); continue; }
        const f = c.flash;
        const shown = c.value;
        cuts++;
        byKind[op.kind] = (byKind[op.kind] ?? 0) + 1;
        const label = `workload ${workload} step ${step} ${op.kind} cut ${cut}/${n}`;
        let recovered: Seen;
        try {
          recovered = seen(boot(f, random));
        } catch (err) {
          problems.push(`${label}: ${(err as Error).message}`);
          continue;
        }
        if (!same(recovered, before) && !same(recovered, after)) problems.push(`${label}: recovered ${show(recovered)}, neither before ${show(before)} nor after ${show(after)}`);
        if (shown !== undefined && op.kind === 'code' && recovered.get(op.name) !== shown + 1n) {
          problems.push(`${label}: code #${shown} of ${op.name} was shown, but its next counter on record is ${String(recovered.get(op.name))}`);
        }
      }
      o.onProgress?.(cuts);
    }
  }
  return { cuts, byKind, problems };
}
