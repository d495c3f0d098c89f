// Anti-exfil's two steps (signing/approval.ts) against a PIN holder who mixes them with the other new features
// (issue 23): a wallet switch, a per-wallet rule, the duress PIN at a PIN prompt, a reboot between the owner's
// approval and the app's reveal.
// What must hold: the signature comes from the wallet the owner approved, under that wallet's rules, counted once.
import test from 'ava';
import { decodeEvent } from '../../modules/guard/event-format.js';
import { hostCommit } from '../../modules/signing/anti-exfil.js';
import { enrolCodes, menuItem, PIN, walletWithApp, type DeviceRig } from './support/device-rig.js';
import { home, setDuress } from './support/duress-steps.js';
import type { AppPeer } from './support/app-peer.js';
import { dismiss, ETH, switchTo, tx } from './support/wallet-steps.js';

const T0 = 1_800_000_000;
const DURESS = '654321';
const entropyOf = (n: number) => new Uint8Array(32).fill(n);
const signEvents = (rig: DeviceRig) => rig.d.events.since(1).events.map((e) => decodeEvent(e)).filter((e) => e.kind.startsWith('sign'));

function ready() {
  const { rig, app } = walletWithApp('ae-attacker', 'Alice phone', T0);
  dismiss(rig);
  rig.d.vault.setPreferences({ ...rig.d.vault.preferences, appPassphrase: true }); // he knows the PIN: he can allow it
  app.collect();
  return { rig, app };
}

/** Ask with a commitment, approve on the device: the signer commitment (or the refusal). */
function approve(rig: DeviceRig, app: AppPeer, value: bigint, e: Uint8Array): any {
  const first = app.ask('eth_sign_tx', { tx: tx(value), antiExfil: hostCommit(e) }) as any[];
  const now = first.find((r) => r.id !== undefined);
  if (now) return now;
  rig.readReview(60);
  rig.decide('c');
  return app.answer();
}

test('a wallet switch between the approval and the reveal: the other wallet never signs what the owner approved for this one', (t) => {
  const { rig, app } = ready();
  const hidden = switchTo(rig, app, 'hidden');
  switchTo(rig, app, '');
  const standard = app.call('wallet_info').result.fingerprint;
  // the hidden wallet may spend 0.05 ETH a day; the standard wallet has no limit of its own
  app.ask('policy_set', { policy: { rules: [{ asset: 'eth:1', daily: (ETH / 20n).toString(), wallet: hidden }] } });
  rig.readReview(40);
  rig.decide('c');
  t.is(app.answer().result?.status, 'applied');
  dismiss(rig);

  const e = entropyOf(9);
  // 1 ETH: fine for the standard wallet, far over the hidden wallet's own rule
  t.truthy(approve(rig, app, ETH, e).result?.signerCommitment, 'approved for the standard wallet');
  t.is(switchTo(rig, app, 'hidden'), hidden, 'the switch itself is the PIN holder\'s to make');
  dismiss(rig);
  const reveal = app.call('sign_reveal', { entropy: e });
  t.is(reveal.error?.code, 'nothing-to-reveal', 'the switch withdrew the approval: no signature from either wallet');
  t.is(reveal.result, undefined);
  t.deepEqual(signEvents(rig).filter((x) => x.kind === 'sign-refused').map((x) => x.details.reason), ['anti-exfil: the wallet in use changed']);
  switchTo(rig, app, '');
  dismiss(rig);
  t.is(app.call('sign_reveal', { entropy: e }).error?.code, 'nothing-to-reveal', 'switching back does not bring it back');
  t.is(signEvents(rig).filter((x) => x.kind === 'signed' && x.details.wallet !== standard).length, 0, 'no signature in another wallet\'s name');
  t.is(signEvents(rig).filter((x) => x.kind === 'signed').length, 0);
  // Checked by which keys are loaded, not by the fingerprint (32 bits: a passphrase can be ground to match one):
  // away and back to a wallet of the same fingerprint before the reveal still withdraws the approval.
  const e2 = entropyOf(10);
  t.truthy(approve(rig, app, ETH / 100n, e2).result?.signerCommitment);
  switchTo(rig, app, 'hidden');
  t.is(switchTo(rig, app, ''), standard, 'the same fingerprint as at the approval');
  dismiss(rig);
  t.is(app.call('sign_reveal', { entropy: e2 }).error?.code, 'nothing-to-reveal');
  t.is(signEvents(rig).filter((x) => x.kind === 'signed').length, 0);
  t.like(app.call('policy_get').result.spent.find((s: any) => s.wallet === hidden), { spent: '0' });
});

test('a power cut between the approval and the reveal: after the reboot nothing reveals, the spend stays counted once, nothing is logged signed', (t) => {
  const { rig, app } = ready();
  app.ask('policy_set', { policy: { rules: [{ asset: 'eth:1', daily: (ETH / 10n).toString() }] } });
  rig.readReview(40);
  rig.decide('c');
  t.is(app.answer().result?.status, 'applied');
  dismiss(rig);
  const e = entropyOf(3);
  t.truthy(approve(rig, app, ETH / 20n, e).result?.signerCommitment);
  const spent = () => app.call('policy_get').result.spent.map((s: any) => s.spent);
  const once = spent();
  rig.reboot(); // the approval lived in RAM only; the ledger was written before the commitment left
  rig.unlock();
  app.connect();
  app.openSession();
  dismiss(rig);
  t.is(app.call('sign_reveal', { entropy: e }).error?.code, 'nothing-to-reveal');
  t.deepEqual(spent(), once, 'counted once, at the approval: the cut gave the limit nothing back');
  t.is(signEvents(rig).filter((x) => x.kind === 'signed').length, 0);
  // and the half the limit left is all there is: 0.05 + 0.06 is over 0.1
  t.is(approve(rig, app, 6n * ETH / 100n, entropyOf(4)).error?.code, 'policy');
});

test('the duress PIN typed at a PIN prompt while an approval waits for its reveal: the decoy never signs it', (t) => {
  const { rig, app } = walletWithApp('ae-duress', 'Alice phone', T0);
  app.call('ping');
  enrolCodes(rig);
  setDuress(rig, DURESS, PIN);
  home(rig);
  const e = entropyOf(11);
  app.ask('eth_sign_message', { message: 'approved for the real wallet', antiExfil: hostCommit(e) });
  rig.readReview(10);
  rig.decide('c');
  t.truthy(app.answer().result?.signerCommitment);
  rig.press('b'); // Hide: the approval waits for the app's entropy
  menuItem(rig, 'Change PIN');
  rig.enterPin(DURESS); // the PIN prompt of an unlocked device: the duress PIN switches to the decoy
  t.true(rig.d.vault.duressMode);
  const reveal = app.call('sign_reveal', { entropy: e });
  t.is(reveal.error?.code, 'nothing-to-reveal', JSON.stringify(reveal));
  // withdrawn at the switch, as by a lock (the real wallet's keys are gone), so the app sees what a relock shows
  t.deepEqual(signEvents(rig).filter((x) => x.kind === 'sign-refused').map((x) => x.details.reason), ['anti-exfil: the device was locked']);
  t.is(signEvents(rig).filter((x) => x.kind === 'signed').length, 0);
});

test('a request queued while the duress PIN is typed at a PIN prompt: the decoy neither shows the real address nor signs it', (t) => {
  const { rig, app } = walletWithApp('ae-duress', 'Alice phone', T0);
  app.call('ping');
  enrolCodes(rig);
  setDuress(rig, DURESS, PIN);
  home(rig);
  const real = app.call('eth_get_address').result.address;
  menuItem(rig, 'Change PIN');
  app.ask('eth_sign_message', { message: 'asked of the real wallet' }); // waits: the owner is busy
  rig.enterPin(DURESS); // the duress PIN at the prompt: the decoy, without a lock
  t.true(rig.d.vault.duressMode);
  t.is(app.answer()?.error?.code, 'locked', 'withdrawn as by a lock: the keys it was made for are gone');
  rig.press('a', true); // cancel the new PIN
  rig.b.tick();
  t.false(/review|confirm/.test(rig.d.screen.id), `no review of the real wallet's request in duress mode (${rig.d.screen.id})`);
  t.false(rig.text().includes(real), 'the real address is never on the screen');
  t.is(signEvents(rig).filter((x) => x.kind === 'signed').length, 0);
});
