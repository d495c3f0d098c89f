// Anti-exfil for btc_sign_psbt through the whole device on both engines (modules/bitcoin/anti-exfil.ts): one host
// commitment per input the wallet signs (P2WPKH: ECDSA; taproot key path: BIP 340, signing/anti-exfil-schnorr.ts),
// the signer commitments after the usual approval, the PSBT at sign_reveal, checked input by input by the app
// (failedPsbtInputs); foreign inputs left alone; bad commitment lists refused before anything is shown; a device
// with a hostile signer caught on every input it signs.
import test from 'ava';
import { Transaction } from '@scure/btc-signer';
import { NETWORKS } from '../../modules/bitcoin/networks.js';
import { failedPsbtInputs } from '../../modules/bitcoin/anti-exfil.js';
import { hostCommit, type AntiExfilSigner } from '../../modules/signing/anti-exfil.js';
import { bindApp, deviceRig, type DeviceRig } from './support/device-rig.js';
import type { AppPeer } from './support/app-peer.js';
import { buildPsbt } from './support/psbt-builder.js';
import { EVIL_SIGNERS, EVIL_SCHNORR_SIGNERS } from './support/exfil-signers.js';
import { honestSigner } from '../../modules/signing/anti-exfil.js';

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

const entropy = (seed: number): (Uint8Array | null)[] => [new Uint8Array(32).fill(seed), new Uint8Array(32).fill(seed + 2), new Uint8Array(32).fill(seed + 1)];
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
  t.deepEqual(openings.map((o: Uint8Array) => o.length), [33, 33, 33], 'ECDSA and BIP 340 inputs alike');
  t.is(signed.result.signedInputs, 3);
  t.deepEqual(failedPsbtInputs(signed.result.psbt, e, openings), []);
  const tx = Transaction.fromPSBT(signed.result.psbt);
  t.is(tx.getInput(1).tapKeySig?.length, 64);
  tx.finalize(); // @scure/btc-signer checks nothing here; the chain would: the signatures verify (the app's check)
  t.true(tx.isFinal, 'a PSBT that finalizes');
  t.deepEqual(failedPsbtInputs(signed.result.psbt, entropy(7), openings), [0, 1, 2], 'another entropy: every input fails the check');
  t.deepEqual(failedPsbtInputs(signed.result.psbt, e, [openings[0], null, null], psbtOf(rig)), [1, 2], 'a signature where the device gave no commitment fails, taproot too');
  const swapped = [openings[0], openings[2], openings[1]];
  t.deepEqual(failedPsbtInputs(signed.result.psbt, e, swapped), [1, 2], 'another input\'s commitment does not open it');
  t.like(app.call('sign_reveal', { entropy: e }), { error: { code: 'nothing-to-reveal' } });
});

test('an app that commits to every input: a foreign one is ignored, the answer says where the device signs', (t) => {
  const { rig, app } = ready();
  const psbt = buildPsbt(rig.d.keyring, net, [{ type: 'tr', index: 0, amount: 30_000n }, { type: 'wpkh', index: 9, amount: 25_000n, foreign: true }, { type: 'wpkh', index: 1, amount: 20_000n }],
    [{ amount: 70_000n }]);
  const all = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2), new Uint8Array(32).fill(3)];
  app.ask('btc_sign_psbt', { psbt, network: 'testnet', antiExfil: all.map(hostCommit) });
  rig.readReview(60);
  rig.decide('c');
  const openings = app.answer().result.signerCommitments;
  t.deepEqual(openings.map((o: unknown) => o !== null), [true, false, true]);
  const e = all.map((x, i) => (openings[i] ? x : null));
  const signed = app.call('sign_reveal', { entropy: e });
  t.deepEqual(failedPsbtInputs(signed.result.psbt, e, openings, psbt), []);
  t.is(Transaction.fromPSBT(signed.result.psbt).getInput(1).partialSig, undefined, 'the foreign input is not signed');
});

test('bad commitment lists: clear errors before anything is shown; bad reveals spend the approval', (t) => {
  const { rig, app } = ready();
  const psbt = psbtOf(rig);
  const c = commitments(entropy(1));
  const before = rig.d.events.head.seq;
  const cases: [unknown, RegExp][] = [
    [c.slice(0, 2), /a list of 3 entries/],
    [[c[0], 5, c[2]], /"antiExfil"\[1\] must be the 32-byte host commitment of input 1 \(taproot, the wallet signs it\)/],
    [[c[0], c[1], null], /"antiExfil"\[2\] must be the 32-byte host commitment of input 2 \(P2WPKH/],
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
  const wrong = app.call('sign_reveal', { entropy: [e[0], e[1], e[0]] });
  t.is(wrong.error.code, 'bad-anti-exfil');
  t.regex(wrong.error.message, /entropy\[2\] does not match/);
  t.like(app.call('sign_reveal', { entropy: e }), { error: { code: 'nothing-to-reveal' } });
});

for (const [name, evil] of Object.entries(EVIL_SIGNERS)) {
  test(`a device whose ECDSA signer ${name} is caught on every P2WPKH input`, (t) => {
    const { rig, app } = ready(evil);
    const e = entropy(3);
    const { openings, signed } = signWithAntiExfil(rig, app, psbtOf(rig), e);
    t.deepEqual(failedPsbtInputs(signed.result.psbt, e, openings), [0, 2]);
    const tx = Transaction.fromPSBT(signed.result.psbt);
    tx.finalize(); // the signatures themselves are valid: only the nonce check catches it
    t.true(tx.isFinal);
  });
}

for (const [name, schnorr] of Object.entries(EVIL_SCHNORR_SIGNERS)) {
  test(`a device whose BIP 340 signer ${name} is caught on the taproot input`, (t) => {
    const { rig, app } = ready({ ...honestSigner, schnorr });
    const e = entropy(4);
    const { openings, signed } = signWithAntiExfil(rig, app, psbtOf(rig), e);
    t.deepEqual(failedPsbtInputs(signed.result.psbt, e, openings), [1]);
    t.is(Transaction.fromPSBT(signed.result.psbt).getInput(1).tapKeySig?.length, 64, 'a signature was made: only the nonce check catches it');
  });
}
