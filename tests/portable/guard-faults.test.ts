// Power cuts at every flash operation of the guard's writes, on both engines (tests/faults/guard-campaign.ts;
// npm run faults runs a big campaign): spent never goes down, a freeze never disappears, every pending change
// (looser limits, codes set up or removed, a PIN-only unfreeze, a new app) is kept, cancelled or applied whole,
// and the pending record always opens.
import test from 'ava';
import { runGuardCampaign } from '../faults/guard-campaign.js';

test('a power cut at every flash operation of guarded signing, freezes, policy changes, code checks and pending changes', (t) => {
  const r = runGuardCampaign({ seed: 9, minCuts: 400 });
  t.deepEqual(r.problems.slice(0, 10), []);
  t.true(r.cuts >= 400, `${r.cuts} cuts`);
  const k = r.byKind;
  t.true((k.sign ?? 0) > 100 && (k.freeze ?? 0) > 5 && (k.loosen ?? 0) > 20 && (k.bind ?? 0) > 10 && (k.wait ?? 0) > 10 && (k.unfreeze ?? 0) > 10, JSON.stringify(k));
  t.log(`${r.cuts} power cuts in guard operations ${JSON.stringify(k)}: 0 problems`);
});
