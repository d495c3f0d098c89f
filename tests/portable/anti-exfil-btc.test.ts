// Anti-exfil for btc_sign_psbt through the whole device on both engines (modules/bitcoin/anti-exfil.ts): one host
// commitment per P2WPKH input, the signer commitments after the usual approval, the PSBT at sign_reveal, checked
// input by input by the app (failedPsbtInputs); taproot inputs signed as before; bad commitment lists refused
// before anything is shown; a device with a hostile signer caught on every input.
import test from 'ava';
import { Transaction } from '@scure/btc-signer';
import { NETWORKS } from '../../modules/bitcoin/networks.js';
import { failedPsbtInputs } from '../../modules/bitcoin/anti-exfil.js';
import { hostCommit, type AntiExfilSigner } from '../../modules/signing/anti-exfil.js';
import { bindApp, deviceRig, type DeviceRig } from './support/device-rig.js';
import type { AppPeer } from './support/app-peer.js';
import { buildPsbt } from './support/psbt-builder.js';
import { EVIL_SIGNERS } from './support/exfil-signers.js';

const net = NETWORKS.testnet;

function ready(signer?: AntiExfilSigner): { rig: DeviceRig; app: AppPeer } {
  const rig = deviceRig({ wallet: true, unlocked: true, antiExfilSigner: signer });
  rig.d.vault.setPreferences({ ...rig.d.vault.preferences, autoLockMinutes: 30 });
  return { rig, app: bindApp(rig, 'btc-ae-app', 'Bitcoin app') };
}

/** two P2WPKH inputs of ours, a taproot one, and change */
function psbtOf(rig: DeviceRig): Uint8Array {
  return buildPsbt(rig.d.keyring, net, [{ type: 'wpkh', index: 0, amount: 60_000n }, { type: 'tr', index: 1, amount: 40_000n }, { type: 'wpkh', index: 5, amount: 10_000n }],
    [{ amount: 80_000n }, { amount: 28_500n, to: 'change', type: 'wpkh', index: 2 }]);
}

const entropy = (seed: number): (Uint8Array | null)[] => [new Uint8Array(32).fill(seed), null, new Uint8Array(32).fill(seed + 1)];
const commitments = (e: (Uint8Array | null)[]) => e.map((x) => (x ? hostCommit(x) : null));

function signWithAntiExfil(rig: DeviceRig, app: AppPeer, psbt: Uint8Array, e: (Uint8Array | null)[]): { openings: any[]; signed: any } {
  app.ask('btc_sign_psbt', { psbt, network: 'testnet', antiExfil: commitments(e) });
  rig.readReview(60);
  rig.decide('c');
  const openings = app.answer().result.signerCommitments;
  return { openings, signed: app.call('sign_reveal', { entropy: e }) };
}

test('a PSBT with two P2WPKH inputs and a taproot one: commitments per input, each signature checked by the app', (t) => {
  const { rig, app } = ready();
  const e = entropy(1);
  const { openings, signed } = signWithAntiExfil(rig, app, psbtOf(rig), e);
  t.is(openings[0].length, 33);
  t.is(openings[1], null, 'taproot: BIP 340 as before, no commitment');
  t.is(openings[2].length, 33);
  t.is(signed.result.signedInputs, 3);
  t.deepEqual(failedPsbtInputs(signed.result.psbt, e, openings), []);
  const tx = Transaction.fromPSBT(signed.result.psbt);
  t.is(tx.getInput(1).tapKeySig?.length, 64);
  tx.finalize();
  t.true(tx.isFinal, 'a PSBT that finalizes');
  t.deepEqual(failedPsbtInputs(signed.result.psbt, entropy(7), openings), [0, 2], 'another entropy: both inputs fail the check');
  t.deepEqual(failedPsbtInputs(signed.result.psbt, e, [openings[0], null, null], psbtOf(rig)), [2], 'a signature where the device gave no commitment fails');
  t.like(app.call('sign_reveal', { entropy: e }), { error: { code: 'nothing-to-reveal' } });
});

test('an app that commits to every input: the taproot one is ignored, the answer says where the device signs with ECDSA', (t) => {
  const { rig, app } = ready();
  const all = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2), new Uint8Array(32).fill(3)];
  const psbt = psbtOf(rig);
  app.ask('btc_sign_psbt', { psbt, network: 'testnet', antiExfil: all.map(hostCommit) });
  rig.readReview(60);
  rig.decide('c');
  const openings = app.answer().result.signerCommitments;
  t.deepEqual(openings.map((o: unknown) => o !== null), [true, false, true]);
  const e = all.map((x, i) => (openings[i] ? x : null));
  const signed = app.call('sign_reveal', { entropy: e });
  t.deepEqual(failedPsbtInputs(signed.result.psbt, e, openings, psbt), []);
});

test('bad commitment lists: clear errors before anything is shown; bad reveals spend the approval', (t) => {
  const { rig, app } = ready();
  const psbt = psbtOf(rig);
  const c = commitments(entropy(1));
  const before = rig.d.events.head.seq;
  const cases: [unknown, RegExp][] = [
    [c.slice(0, 2), /a list of 3 entries/],
    [[c[0], 5, c[2]], /"antiExfil"\[1\] must be a 32-byte host commitment or null/],
    [[c[0], null, null], /"antiExfil"\[2\] must be the 32-byte host commitment/],
    [[new Uint8Array(31), null, c[2]], /"antiExfil"\[0\]/],
    [hostCommit(new Uint8Array(32)), /a list of 3 entries/],
  ];
  for (const [antiExfil, why] of cases) {
    const r = app.call('btc_sign_psbt', { psbt, network: 'testnet', antiExfil });
    t.is(r.error?.code, 'bad-params');
    t.regex(r.error.message, why);
  }
  t.is(rig.d.events.head.seq, before, 'nothing recorded');
  t.is(rig.d.screen.id, 'unlocked');
  const e = entropy(2);
  app.ask('btc_sign_psbt', { psbt, network: 'testnet', antiExfil: commitments(e) });
  rig.readReview(60);
  rig.decide('c');
  app.answer();
  const wrong = app.call('sign_reveal', { entropy: [e[0], null, e[0]] });
  t.is(wrong.error.code, 'bad-anti-exfil');
  t.regex(wrong.error.message, /entropy\[2\] does not match/);
  t.like(app.call('sign_reveal', { entropy: e }), { error: { code: 'nothing-to-reveal' } });
});

for (const [name, evil] of Object.entries(EVIL_SIGNERS)) {
  test(`a device whose signer ${name} is caught on every P2WPKH input`, (t) => {
    const { rig, app } = ready(evil);
    const e = entropy(3);
    const { openings, signed } = signWithAntiExfil(rig, app, psbtOf(rig), e);
    t.deepEqual(failedPsbtInputs(signed.result.psbt, e, openings), [0, 2]);
    const tx = Transaction.fromPSBT(signed.result.psbt);
    tx.finalize(); // the signatures themselves are valid: only the nonce check catches it
    t.true(tx.isFinal);
  });
}
