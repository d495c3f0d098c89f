// Power cuts at every flash operation of recording an event, past the ring's wrap, on both engines
// (tests/faults/event-campaign.ts; npm run faults runs a big campaign): the head is before or after, nothing
// older is lost, and the log still passes the app's check.
import test from 'ava';
import { runEventCampaign } from '../faults/event-campaign.js';

test('a power cut at every flash operation of recording an event: the log is before or after, and still checks', (t) => {
  const r = runEventCampaign({ seed: 3, minCuts: 120 });
  t.deepEqual(r.problems.slice(0, 10), []);
  t.true(r.cuts >= 120, `${r.cuts} cuts`);
  t.true(r.events > 64, `${r.events} events: the ring wrapped`);
  t.true(r.compactionCuts > 0, 'some cuts fell inside a compaction');
  t.log(`${r.cuts} power cuts over ${r.events} events (${r.compactionCuts} inside compactions): 0 problems`);
});
