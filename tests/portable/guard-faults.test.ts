// Power cuts at every flash operation of the guard's writes, on both engines (tests/faults/guard-campaign.ts;
// npm run faults runs a big campaign): spent never goes down, a freeze never disappears.
import test from 'ava';
import { runGuardCampaign } from '../faults/guard-campaign.js';

test('a power cut at every flash operation of guarded signing, freeze, unfreeze, policy and code checks', (t) => {
  const r = runGuardCampaign({ seed: 9, minCuts: 300 });
  t.deepEqual(r.problems.slice(0, 10), []);
  t.true(r.cuts >= 300, `${r.cuts} cuts`);
  t.true((r.byKind.sign ?? 0) > 100 && (r.byKind.freeze ?? 0) > 5, JSON.stringify(r.byKind));
  t.log(`${r.cuts} power cuts in guard operations ${JSON.stringify(r.byKind)}: 0 problems`);
});
