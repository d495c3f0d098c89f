/**
 * `npm run faults [-- --cuts N --seed S]`: the power-cut campaign (tests/faults/campaign.ts) on Node.
 * Prints progress, then `power cuts: N, recovered: N, corrupt: 0, lost: 0` and the guard's, the event log's and
 * the authenticator's campaigns; exits 1 on any failure.
 */
import { parseArgs } from 'node:util';
import { runCampaign } from './campaign.js';
import { runGuardCampaign } from './guard-campaign.js';
import { runEventCampaign } from './event-campaign.js';
import { runAuthenticatorCampaign } from './authenticator-campaign.js';

const { values } = parseArgs({ options: { cuts: { type: 'string', default: '50000' }, seed: { type: 'string', default: '1' } } });
const minCuts = Number(values.cuts);
const seed = Number(values.seed);
if (!Number.isInteger(minCuts) || minCuts < 1 || !Number.isInteger(seed)) {
  process.stderr.write('usage: npm run faults -- [--cuts N] [--seed S]\n');
  process.exit(2);
}
const started = performance.now();
let lastReport = 0;
const result = runCampaign({
  seed,
  minCuts,
  probeEvery: 10,
  onProgress: (r) => {
    const now = performance.now();
    if (now - lastReport < 2000) return;
    lastReport = now;
    process.stderr.write(`  ${r.cuts} / ${minCuts} cuts, ${r.operations} operations, ${r.compactions} compactions, ${((now - started) / 1000).toFixed(0)} s\n`);
  },
});
for (const f of result.failures) process.stdout.write(`FAIL ${f}\n`);
process.stdout.write(`vault operations: ${result.operations}, compactions: ${result.compactions}, seed ${seed}, ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
process.stdout.write(`power cuts: ${result.cuts}, recovered: ${result.recovered}, corrupt: ${result.corrupt}, lost: ${result.lost}\n`);
// The guard's records (spend ledger, freeze, policy, code counter): a tenth as many cuts (each is a full guard
// operation on a 16 KiB vault).
const guardStarted = performance.now();
const guard = runGuardCampaign({
  seed,
  minCuts: Math.max(100, Math.floor(minCuts / 10)),
  onProgress: (cuts) => {
    const now = performance.now();
    if (now - lastReport < 2000) return;
    lastReport = now;
    process.stderr.write(`  guard: ${cuts} cuts, ${((now - guardStarted) / 1000).toFixed(0)} s\n`);
  },
});
for (const p of guard.problems.slice(0, 20)) process.stdout.write(`FAIL guard ${p}\n`);
process.stdout.write(`guard power cuts: ${guard.cuts} ${JSON.stringify(guard.byKind)}, problems: ${guard.problems.length}, ${((performance.now() - guardStarted) / 1000).toFixed(1)} s\n`);
// The event log: every flash operation of recording an event, past the ring's wrap (a fiftieth as many cuts:
// each reboot opens and checks the whole ring).
const eventsStarted = performance.now();
const events = runEventCampaign({
  seed,
  minCuts: Math.max(100, Math.floor(minCuts / 50)),
  onProgress: (cuts) => {
    const now = performance.now();
    if (now - lastReport < 2000) return;
    lastReport = now;
    process.stderr.write(`  events: ${cuts} cuts, ${((now - eventsStarted) / 1000).toFixed(0)} s\n`);
  },
});
for (const p of events.problems.slice(0, 20)) process.stdout.write(`FAIL events ${p}\n`);
process.stdout.write(`event log power cuts: ${events.cuts} over ${events.events} events (${events.compactionCuts} inside compactions), problems: ${events.problems.length}, ${((performance.now() - eventsStarted) / 1000).toFixed(1)} s\n`);
// The authenticator's accounts: adding, counter codes (the next counter before the code) and removing (a tenth
// as many cuts, like the guard).
const authStarted = performance.now();
const auth = runAuthenticatorCampaign({
  seed,
  minCuts: Math.max(100, Math.floor(minCuts / 10)),
  onProgress: (cuts) => {
    const now = performance.now();
    if (now - lastReport < 2000) return;
    lastReport = now;
    process.stderr.write(`  authenticator: ${cuts} cuts, ${((now - authStarted) / 1000).toFixed(0)} s\n`);
  },
});
for (const p of auth.problems.slice(0, 20)) process.stdout.write(`FAIL authenticator ${p}\n`);
process.stdout.write(`authenticator power cuts: ${auth.cuts} ${JSON.stringify(auth.byKind)}, problems: ${auth.problems.length}, ${((performance.now() - authStarted) / 1000).toFixed(1)} s\n`);
process.exit(result.corrupt || result.lost || result.recovered !== result.cuts || guard.problems.length || events.problems.length || auth.problems.length ? 1 : 0);
