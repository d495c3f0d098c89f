// A small seeded power-cut campaign on both engines (npm run faults runs the big one).
import test from 'ava';
import { runCampaign } from '../faults/campaign.js';

test('vault workloads survive a power cut at every write and erase', (t) => {
  const r = runCampaign({ seed: 424242, minCuts: 600, probeEvery: 5 });
  t.deepEqual(r.failures, []);
  t.is(r.corrupt, 0);
  t.is(r.lost, 0);
  t.is(r.falseAlarms, 0, 'no power cut looks like a flash edit');
  t.true(r.bumps > 0, 'the rollback counter was bumped along the way');
  t.is(r.recovered, r.cuts);
  t.true(r.cuts >= 600);
  t.true(r.compactions > 0, 'the workload forced compactions');
  t.true(r.smallCounterCuts > 0, 'cuts fell on workloads whose counter ran out');
  t.true(r.spentRefusals > 0, 'a spent counter refused PIN attempts or setups along the way');
  t.log(`power cuts: ${r.cuts}, recovered: ${r.recovered}, corrupt: ${r.corrupt}, lost: ${r.lost}, compactions: ${r.compactions}, on spent counters: ${r.smallCounterCuts} cuts, ${r.spentRefusals} refusals`);
});
