/**
 * The event log's power-cut campaign: events of random sizes recorded past the ring's wrap, each cut at each of
 * its flash writes and erases in turn (compactions included) and the device rebooted. After every cut the log's
 * head is the one before the event or the one after it, nothing older is lost, and the whole log still passes
 * the app's check against the head the app saw before the cut. Portable: npm test runs a seeded slice on Node
 * and XS; `npm run faults` runs a big one.
 */
import { HealthTestedEntropy } from '../../modules/entropy/health.js';
import { RecordLog } from '../../modules/storage/record-log.js';
import { Vault } from '../../modules/vault/vault.js';
import { softwareChipKey } from '../../modules/vault/chip-keys.js';
import { EventLog, EVENT_SLOTS } from '../../modules/guard/event-log.js';
import { verifyEvents, type KnownHead } from '../../modules/guard/event-verify.js';
import { toHex } from '../../modules/bytes.js';
import { NorFlash, seededRandom } from '../../hosts/sim/nor-flash.js';
import { cutAt } from './cut-at.js';
import type { EntropyPort } from '../../modules/ports.js';

const CHIP = softwareChipKey(new Uint8Array(32).fill(0x5e));
const SECTOR = 4096;
const SECTORS = 5;

function boot(flash: NorFlash, random: () => number, clock: { now(): number }): { vault: Vault; log: EventLog } {
  const entropy: EntropyPort = { fill(t) { for (let i = 0; i < t.length; i++) t[i] = Math.floor(random() * 256); return t.length; } };
  const vault = new Vault(new RecordLog(flash), new HealthTestedEntropy(entropy), clock, CHIP, { pinIterations: 1 });
  vault.open();
  const log = new EventLog(vault.records, vault.clock, { deviceId: () => vault.deviceIdBytesNow(), signingSeed: () => vault.eventSigningSeed() });
  return { vault, log };
}

function details(random: () => number): Record<string, unknown> {
  const n = Math.floor(random() * 4);
  const out: Record<string, unknown> = { app: 'phone', value: String(Math.floor(random() * 1e12)) };
  for (let i = 0; i < n; i++) out[`to${i}`] = 'bc1q' + 'x'.repeat(Math.floor(random() * 58));
  return out;
}

/** `compactionCuts`: cuts inside an event whose write had to compact the log first (many flash operations) */
export interface EventCampaignResult { cuts: number; events: number; compactionCuts: number; problems: string[] }

export function runEventCampaign(o: { seed: number; minCuts: number; eventsPerWorkload?: number; onProgress?: (cuts: number) => void }): EventCampaignResult {
  let cuts = 0;
  let events = 0;
  let compactionCuts = 0;
  const problems: string[] = [];
  const perWorkload = o.eventsPerWorkload ?? EVENT_SLOTS + 16;
  for (let workload = 0; cuts < o.minCuts; workload++) {
    const random = seededRandom(o.seed * 1000003 + workload);
    let now = 0;
    const clock = { now: () => now };
    const flash = new NorFlash({ size: SECTORS * SECTOR, sectorSize: SECTOR, random });
    let seen: KnownHead | undefined;
    let key: Uint8Array | undefined;
    const deviceId = boot(flash, random, clock).vault.deviceIdBytesNow(); // the identity is made before the first event
    for (let step = 0; step < perWorkload && cuts < o.minCuts; step++) {
      now += 1 + Math.floor(random() * 60_000);
      const what = details(random);
      const chosen = random() < 0.03 || step >= EVENT_SLOTS - 2;
      const image = flash.bytes.slice();
      const clean = boot(flash, random, clock);
      const before = clean.log.head;
      const start = flash.operations;
      const erasesBefore = flash.erases;
      clean.log.record('signed', what);
      const n = flash.operations - start;
      // a security event is several writes (the event, then its mark with the vault head in a journal batch): a
      // compaction is told by its erase
      const compacted = flash.erases > erasesBefore;
      const after = clean.log.head;
      events++;
      // Cut only some events (every one around the ring's wrap, half the compactions), so a campaign covers wraps.
      const cutThis = chosen || (compacted && random() < 0.5);
      for (let cut = 1; cutThis && cut <= n; cut++) {
        const c = cutAt(image, SECTOR, cut, workload * 7919 + step * 104729 + cut, (f) => boot(f, random, clock), (victim) => victim.log.record('signed', what));
        if ('error' in c) { problems.push(`workload ${workload} step ${step} cut ${cut}: ${c.error}`); continue; }
        const f = c.flash;
        cuts++;
        if (compacted) compactionCuts++;
        const label = `workload ${workload} event ${before.seq + 1} cut ${cut}/${n}`;
        const rebooted = boot(f, random, clock).log;
        const head = rebooted.head;
        const isBefore = head.seq === before.seq && toHex(head.hash) === toHex(before.hash);
        const isAfter = head.seq === after.seq && toHex(head.hash) === toHex(after.hash);
        if (!isBefore && !isAfter) problems.push(`${label}: head ${head.seq} is neither before (${before.seq}) nor after (${after.seq})`);
        const answer = rebooted.since(1);
        const check = verifyEvents(answer, { deviceId, since: 1, last: seen, key });
        if (!check.ok) problems.push(`${label}: ${check.problems.join('; ')}`);
        const kept = Math.min(head.seq, EVENT_SLOTS);
        if (answer.events.length !== kept) problems.push(`${label}: ${answer.events.length} events kept, not ${kept}`);
        // the next event after a cut continues the chain
        rebooted.record('signed', { after: 'cut' });
        const next = verifyEvents(rebooted.since(head.seq + 1), { deviceId, since: head.seq + 1, last: head, key: check.key });
        if (!next.ok) problems.push(`${label}: the event after the cut: ${next.problems.join('; ')}`);
      }
      seen = after;
      key ??= clean.log.publicKey();
      o.onProgress?.(cuts);
    }
  }
  return { cuts, events, compactionCuts, problems };
}
