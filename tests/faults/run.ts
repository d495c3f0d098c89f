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
import { runDuressCampaign } from './duress-campaign.js';
import { runPassphraseCampaign } from './passphrase-campaign.js';

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
process.stdout.write(`power cuts: ${result.cuts}, recovered: ${result.recovered}, corrupt: ${result.corrupt}, lost: ${result.lost}, false tamper alarms: ${result.falseAlarms}, counter bits burned: ${result.bumps}\n`);
process.stdout.write(`  of which on counters that ran out (1..6 bits): ${result.smallCounterCuts} cuts; operations a spent counter refused: ${result.spentRefusals}\n`);
/**
 * One of the smaller campaigns, with `minCuts / share` cuts (at least 100): progress on stderr, each problem as a
 * FAIL line, then `summary` with the problem count and the time.
 */
function sideCampaign<R extends { cuts: number; problems: string[] }>(
  name: string,
  share: number,
  run: (o: { seed: number; minCuts: number; onProgress: (cuts: number) => void }) => R,
  summary: (r: R) => string,
): R {
  const sideStarted = performance.now();
  const r = run({
    seed,
    minCuts: Math.max(100, Math.floor(minCuts / share)),
    onProgress: (cuts) => {
      const now = performance.now();
      if (now - lastReport < 2000) return;
      lastReport = now;
      process.stderr.write(`  ${name}: ${cuts} cuts, ${((now - sideStarted) / 1000).toFixed(0)} s\n`);
    },
  });
  for (const p of r.problems.slice(0, 20)) process.stdout.write(`FAIL ${name} ${p}\n`);
  process.stdout.write(`${summary(r)}, problems: ${r.problems.length}, ${((performance.now() - sideStarted) / 1000).toFixed(1)} s\n`);
  return r;
}
// The guard's records (spend ledger, freeze, policy, code counter): a tenth as many cuts (each is a full guard
// operation on a 16 KiB vault).
const guard = sideCampaign('guard', 10, runGuardCampaign, (r) => `guard power cuts: ${r.cuts} ${JSON.stringify(r.byKind)}`);
// The event log: every flash operation of recording an event, past the ring's wrap (a fiftieth as many cuts:
// each reboot opens and checks the whole ring).
const events = sideCampaign('events', 50, runEventCampaign, (r) => `event log power cuts: ${r.cuts} over ${r.events} events (${r.compactionCuts} inside compactions)`);
// The authenticator's accounts: adding, counter codes (the next counter before the code) and removing (a tenth
// as many cuts, like the guard).
const auth = sideCampaign('authenticator', 10, runAuthenticatorCampaign, (r) => `authenticator power cuts: ${r.cuts} ${JSON.stringify(r.byKind)}`);
// A kept passphrase: keeping, forgetting, and the PIN change that re-seals it (a fiftieth as many cuts).
const passphrase = sideCampaign('passphrase', 50, runPassphraseCampaign, (r) => `kept passphrase power cuts: ${r.cuts} ${JSON.stringify(r.byKind)}`);
// The duress PIN: setting, replacing, removing it, changing either PIN, unlocking with it (a fiftieth: each cut
// reboots and tries both PINs).
const duress = sideCampaign('duress', 50, runDuressCampaign, (r) => `duress PIN power cuts: ${r.cuts} ${JSON.stringify(r.byKind)}`);
process.exit(result.corrupt || result.lost || result.falseAlarms || result.recovered !== result.cuts || guard.problems.length || events.problems.length || auth.problems.length || duress.problems.length || passphrase.problems.length ? 1 : 0);
