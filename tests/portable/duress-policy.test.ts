// The spending policy in duress mode (issue 23): a tightening made there (the daily limit set to 0, say) is the
// decoy's, held in memory until the device locks, as its settings are: the decoy shows it applied and judges by it,
// while the owner's policy record is written again unchanged (the same flash work and counter bit), so the owner
// never has to wait out 24 hours to undo what was forced on the decoy. Both engines.
import test from 'ava';
import { decodeCbor } from '../../modules/protocol/cbor.js';
import { RecordKey } from '../../modules/vault/records.js';
import type { AppPeer } from './support/app-peer.js';
import { enrolCodes, PIN, walletWithApp, type DeviceRig } from './support/device-rig.js';
import { home, setDuress } from './support/duress-steps.js';

const DURESS = '654321';
const T0 = 1_800_000_000;
const ETH = 10n ** 18n;
const daily = (p: { rules: { daily?: string }[] }) => p.rules.map((r) => r.daily);

function setPolicy(rig: DeviceRig, app: AppPeer, wei: bigint): string | undefined {
  app.ask('policy_set', { policy: { rules: [{ asset: 'eth:1', daily: wei.toString() }] } });
  rig.readReview(40);
  rig.decide('c');
  const status = app.answer().result?.status;
  home(rig);
  return status;
}

test('a tightening made in duress mode is the decoy\'s until the lock: shown applied, never written to the owner\'s policy', (t) => {
  const { rig, app } = walletWithApp('duress-policy', 'Alice phone', T0);
  app.call('ping');
  enrolCodes(rig);
  t.is(setPolicy(rig, app, ETH), 'applied', 'the owner\'s limit: 1 ETH a day');
  setDuress(rig, DURESS, PIN);
  home(rig);
  const owners = rig.d.vault.records.getSealed(RecordKey.policy)!.slice();
  rig.press('a');
  rig.unlock(DURESS);
  t.true(rig.d.vault.duressMode);
  const bits = rig.d.vault.counterRemaining;
  t.is(setPolicy(rig, app, 0n), 'applied', 'the forced tightening is applied, as on any device');
  t.deepEqual(daily(app.call('policy_get').result.policy), ['0'], 'the decoy shows it in force');
  t.is(rig.d.vault.counterRemaining, bits - 1, 'a counter bit burned, as a real change burns one');
  t.deepEqual(decodeCbor(rig.d.vault.records.getSealed(RecordKey.policy)!), decodeCbor(owners), 'the owner\'s policy record is unchanged');
  // the owner, later: the limit they set, with nothing to wait out
  rig.press('a');
  rig.unlock(PIN);
  t.false(rig.d.vault.duressMode);
  t.deepEqual(daily(app.call('policy_get').result.policy), [ETH.toString()]);
  // and the decoy after a lock starts again from the device's policy, as its settings do
  rig.press('a');
  rig.unlock(DURESS);
  t.deepEqual(daily(app.call('policy_get').result.policy), [ETH.toString()]);
});
