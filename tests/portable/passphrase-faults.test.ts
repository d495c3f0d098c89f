// Power cuts at every flash operation of keeping, forgetting and re-sealing (a PIN change) a passphrase, on both
// engines (tests/faults/passphrase-campaign.ts; npm run faults runs a bigger campaign): no false tamper alarm, the
// old or new PIN opens the wallet, and the kept passphrase is the one before or after, never lost or damaged.
import test from 'ava';
import { runPassphraseCampaign } from '../faults/passphrase-campaign.js';

test('a power cut at every flash operation of keeping, forgetting and re-sealing a passphrase loses nothing', (t) => {
  const r = runPassphraseCampaign({ seed: 23, minCuts: 300 });
  t.deepEqual(r.problems.slice(0, 10), []);
  t.true(r.cuts >= 300, `${r.cuts} cuts`);
  t.true((r.byKind.keep ?? 0) > 50 && (r.byKind.forget ?? 0) > 10 && (r.byKind.pin ?? 0) > 10, JSON.stringify(r.byKind));
  t.log(`${r.cuts} power cuts ${JSON.stringify(r.byKind)}: 0 problems`);
});
