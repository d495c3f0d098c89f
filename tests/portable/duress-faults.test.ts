// Power cuts while setting, replacing or removing the duress PIN, changing either PIN, or unlocking with the
// duress PIN lose nothing (tests/faults/duress-campaign.ts): a small seeded campaign on both engines.
import test from 'ava';
import { runDuressCampaign } from '../faults/duress-campaign.js';

test('power cut at every flash operation of the duress PIN\'s operations: the state before or after, never lost', (t) => {
  const r = runDuressCampaign({ seed: 7, minCuts: 150 });
  t.deepEqual(r.problems, []);
  t.true(r.cuts >= 150, `${r.cuts} cuts`);
  for (const kind of ['set', 'remove', 'change-real', 'change-in-duress', 'duress-unlock']) t.true((r.byKind[kind] ?? 0) > 0, `${kind} was cut`);
});
