// Anti-exfil through the whole device on both engines (modules/signing/approval.ts, anti-exfil-request.ts,
// protocol/methods/reveal.ts): the app commits, the owner approves on the usual screens, the device answers its
// signer commitment, the app reveals and checks the signature. Then what an attacker holding the app tries: reveal
// without a request, a wrong reveal, a second reveal, lock / disconnect / time-out between the steps, bad
// commitments; and devices built with a hostile signer, caught by the app's check every time.
import test from 'ava';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { toHex } from '../../modules/bytes.js';
import { decodeEvent } from '../../modules/guard/event-format.js';
import { personalMessageHash } from '../../modules/ethereum/message.js';
import { serializeUnsigned, signingHash, type EthTx } from '../../modules/ethereum/tx.js';
import { checkTypedData, summarizeTypedData } from '../../modules/ethereum/typed-data.js';
import { REVEAL_TTL_MS } from '../../modules/signing/approval.js';
import { hostCommit, hostVerify, type AntiExfilSigner } from '../../modules/signing/anti-exfil.js';
import { bindApp, deviceRig, type DeviceRig } from './support/device-rig.js';
import type { AppPeer } from './support/app-peer.js';
import { EVIL_SIGNERS } from './support/exfil-signers.js';

const TO = '0x1d1c328764a41bda0492b66baa30c4a339ff85ef';
const ETH = 10n ** 18n;
const ACCOUNT = [0x8000002c, 0x8000003c, 0x80000000, 0, 0];
const tx = (value = ETH / 100n, over: Partial<EthTx> = {}): Uint8Array => serializeUnsigned({ type: 'eip1559', chainId: 1n, nonce: 0n, maxPriorityFeePerGas: 1n, maxFeePerGas: 10n ** 9n, gasLimit: 21_000n, to: TO, value, data: new Uint8Array(0), accessList: [], ...over });

function ready(signer?: AntiExfilSigner): { rig: DeviceRig; app: AppPeer } {
  const rig = deviceRig({ wallet: true, unlocked: true, antiExfilSigner: signer });
  rig.d.vault.setPreferences({ ...rig.d.vault.preferences, autoLockMinutes: 30 });
  return { rig, app: bindApp(rig, 'ae-app', 'Wallet app') };
}

const entropyOf = (n: number) => new Uint8Array(32).fill(n);
const kinds = (rig: DeviceRig) => rig.d.events.since(1).events.map((e) => decodeEvent(e)).filter((e) => e.kind.startsWith('sign'));

/** Ask with a commitment, approve on the device: the signer commitment. */
function approveWithCommitment(rig: DeviceRig, app: AppPeer, method: string, params: Record<string, unknown>, entropy: Uint8Array): Uint8Array {
  app.ask(method, { ...params, antiExfil: hostCommit(entropy) });
  rig.readReview(40);
  rig.decide('c');
  const answer = app.answer();
  if (!answer?.result?.signerCommitment) throw new Error(`no signer commitment: ${JSON.stringify(answer)}`);
  return answer.result.signerCommitment;
}

test('eth_sign_tx: commitment, the usual review, signer commitment, reveal, a signature the app verifies; counted once', (t) => {
  const { rig, app } = ready();
  t.deepEqual(app.call('policy_set', { policy: { rules: [{ asset: 'eth:1', daily: (ETH / 10n).toString() }] } }).error, undefined);
  rig.readReview(40);
  rig.decide('c');
  app.answer();
  const raw = tx();
  const e = entropyOf(7);
  const opening = approveWithCommitment(rig, app, 'eth_sign_tx', { tx: raw }, e);
  t.is(opening.length, 33);
  t.is(rig.d.screen.id, 'eth-tx-done', 'no extra screen: the owner saw the review and the done screen, as without anti-exfil');
  const signed = app.call('sign_reveal', { entropy: e }).result;
  const pub = rig.d.keyring.derive(ACCOUNT).publicKey!;
  t.true(hostVerify({ r: BigInt('0x' + toHex(signed.r)), s: BigInt('0x' + toHex(signed.s)) }, signingHash(raw), pub, e, opening));
  const sig = new secp256k1.Signature(BigInt('0x' + toHex(signed.r)), BigInt('0x' + toHex(signed.s)), Number(signed.v));
  t.is(toHex(sig.recoverPublicKey(signingHash(raw)).toBytes(true)), toHex(pub), 'v is right');
  t.is(signed.signedTx[0], 2);
  t.like(app.call('sign_reveal', { entropy: e }), { error: { code: 'nothing-to-reveal' } }, 'one approval, one signature');
  const events = kinds(rig);
  t.deepEqual(events.map((x) => x.kind), ['sign-requested', 'signed']);
  t.is(events[1].details.antiExfil, true);
  t.deepEqual(app.call('policy_get').result.spent.map((s: any) => s.spent), [(ETH / 100n + 21_000n * 10n ** 9n).toString()], 'the ledger counts it once');
});

test('messages and typed data take a commitment too', (t) => {
  const { rig, app } = ready();
  const pub = rig.d.keyring.derive(ACCOUNT).publicKey!;
  const e = entropyOf(3);
  const opening = approveWithCommitment(rig, app, 'eth_sign_message', { message: 'hello anti-exfil' }, e);
  const signature: Uint8Array = app.call('sign_reveal', { entropy: e }).result.signature;
  const digest = personalMessageHash(new TextEncoder().encode('hello anti-exfil'));
  t.true(hostVerify(signature.subarray(0, 64), digest, pub, e, opening));
  t.is(toHex(secp256k1.Signature.fromBytes(signature.subarray(0, 64), 'compact').addRecoveryBit(signature[64] - 27).recoverPublicKey(digest).toBytes(true)), toHex(pub));
  const typed = {
    types: { EIP712Domain: [{ name: 'name', type: 'string' }, { name: 'chainId', type: 'uint256' }], Mail: [{ name: 'contents', type: 'string' }] },
    primaryType: 'Mail', domain: { name: 'Ether Mail', chainId: 1 }, message: { contents: 'Hello, Bob!' },
  };
  const e2 = entropyOf(4);
  const opening2 = approveWithCommitment(rig, app, 'eth_sign_typed_data', { data: typed }, e2);
  const answer = app.call('sign_reveal', { entropy: e2 }).result;
  t.truthy(answer.domainHash);
  t.true(hostVerify(answer.signature.subarray(0, 64), summarizeTypedData(checkTypedData(typed)).digest, pub, e2, opening2));
});

test('bad commitments: a clear error before anything is shown, nothing recorded, and the app can ask again', (t) => {
  const { rig, app } = ready();
  const before = rig.d.events.head.seq;
  for (const antiExfil of [new Uint8Array(31), new Uint8Array(33), 'ab'.repeat(32), 5, [1, 2]]) {
    const r = app.call('eth_sign_tx', { tx: tx(), antiExfil });
    t.is(r.error?.code, 'bad-params');
    t.regex(r.error.message, /"antiExfil" must be the 32-byte host commitment/);
  }
  t.is(rig.d.events.head.seq, before, 'nothing in the event log');
  t.is(rig.d.screen.id, 'unlocked', 'still the home screen');
  const e = entropyOf(1);
  approveWithCommitment(rig, app, 'eth_sign_message', { message: 'still works' }, e);
  t.truthy(app.call('sign_reveal', { entropy: e }).result.signature);
});

test('reveal without an approved request, with a wrong entropy, twice: refused, nothing signed twice', (t) => {
  const { rig, app } = ready();
  t.like(app.call('sign_reveal', { entropy: entropyOf(1) }), { error: { code: 'nothing-to-reveal' } });
  const e = entropyOf(2);
  approveWithCommitment(rig, app, 'eth_sign_tx', { tx: tx() }, e);
  const wrong = app.call('sign_reveal', { entropy: entropyOf(9) });
  t.is(wrong.error.code, 'bad-anti-exfil');
  t.regex(wrong.error.message, /does not match the host commitment: nothing was signed and the approval is spent/);
  t.like(app.call('sign_reveal', { entropy: e }), { error: { code: 'nothing-to-reveal' } }, 'the right one after a wrong one: too late');
  approveWithCommitment(rig, app, 'eth_sign_tx', { tx: tx() }, e);
  t.like(app.call('sign_reveal', { entropy: new Uint8Array(16) }), { error: { code: 'bad-anti-exfil' } });
  t.like(app.call('sign_reveal', { entropy: e, extra: 1 }), { error: { code: 'bad-params' } });
  const events = kinds(rig).map((x) => `${x.kind}${x.details.reason ? `: ${x.details.reason}` : ''}`);
  t.deepEqual(events, [
    'sign-requested', 'sign-refused: anti-exfil: the entropy does not match the host commitment',
    'sign-requested', 'sign-refused: anti-exfil: the entropy must be 32 bytes',
  ]);
});

test('lock, disconnect, another request or the time-out between the two steps withdraw the approval', (t) => {
  const { rig, app } = ready();
  const e = entropyOf(5);
  // lock
  approveWithCommitment(rig, app, 'eth_sign_message', { message: 'm' }, e);
  rig.press('b'); // OK on the done screen
  rig.press('a'); // Lock, on the home screen
  t.is(rig.d.screen.id, 'locked');
  rig.unlock();
  app.connect();
  app.openSession();
  t.like(app.call('sign_reveal', { entropy: e }), { error: { code: 'nothing-to-reveal' } });
  // disconnect
  approveWithCommitment(rig, app, 'eth_sign_message', { message: 'm' }, e);
  app.disconnect();
  app.connect();
  app.openSession();
  t.like(app.call('sign_reveal', { entropy: e }), { error: { code: 'nothing-to-reveal' } });
  // another request
  approveWithCommitment(rig, app, 'eth_sign_message', { message: 'm' }, e);
  app.ask('eth_sign_message', { message: 'other' });
  t.like(app.call('sign_reveal', { entropy: e }), { error: { code: 'busy' } }, 'the new request waits for the owner');
  app.call('cancel');
  t.like(app.call('sign_reveal', { entropy: e }), { error: { code: 'nothing-to-reveal' } });
  rig.b.tick();
  // time-out
  rig.press('b');
  approveWithCommitment(rig, app, 'eth_sign_message', { message: 'm' }, e);
  rig.b.advance(REVEAL_TTL_MS);
  rig.b.tick();
  t.like(app.call('sign_reveal', { entropy: e }), { error: { code: 'nothing-to-reveal' } });
  const reasons = kinds(rig).filter((x) => x.kind === 'sign-refused').map((x) => x.details.reason);
  t.deepEqual(reasons, [
    'anti-exfil: the device was locked', 'anti-exfil: the session ended',
    'anti-exfil: another request came before the reveal', 'anti-exfil: no entropy within 60 s',
  ]);
  t.is(kinds(rig).filter((x) => x.kind === 'signed').length, 0, 'nothing signed');
});

for (const [name, evil] of Object.entries(EVIL_SIGNERS)) {
  test(`a device whose signer ${name} is caught by the app's check (transaction and message)`, (t) => {
    const { rig, app } = ready(evil);
    const pub = rig.d.keyring.derive(ACCOUNT).publicKey!;
    for (let i = 0; i < 3; i++) {
      const raw = tx(ETH / 1000n * BigInt(i + 1));
      const e = entropyOf(0x20 + i);
      const opening = approveWithCommitment(rig, app, 'eth_sign_tx', { tx: raw }, e);
      const r = app.call('sign_reveal', { entropy: e }).result;
      const sig = { r: BigInt('0x' + toHex(r.r)), s: BigInt('0x' + toHex(r.s)) };
      t.true(secp256k1.verify(new secp256k1.Signature(sig.r, sig.s).toBytes('compact'), signingHash(raw), pub, { prehash: false }), 'a valid signature');
      t.false(hostVerify(sig, signingHash(raw), pub, e, opening), 'whose nonce is not the committed one tweaked by our entropy');
    }
    const e = entropyOf(0x30);
    const opening = approveWithCommitment(rig, app, 'eth_sign_message', { message: 'leak?' }, e);
    const signature: Uint8Array = app.call('sign_reveal', { entropy: e }).result.signature;
    t.false(hostVerify(signature.subarray(0, 64), personalMessageHash(new TextEncoder().encode('leak?')), pub, e, opening));
  });
}

test('the spending limit counts an approval once, when the owner approves: a failed reveal does not free it, a second reveal cannot add to it', (t) => {
  const { rig, app } = ready();
  app.call('policy_set', { policy: { rules: [{ asset: 'eth:1', daily: (ETH / 10n).toString() }] } });
  rig.readReview(40);
  rig.decide('c');
  app.answer();
  const spent = () => app.call('policy_get').result.spent.map((s: any) => s.spent);
  const one = ETH / 100n + 21_000n * 10n ** 9n;
  const e = entropyOf(6);
  approveWithCommitment(rig, app, 'eth_sign_tx', { tx: tx() }, e);
  t.deepEqual(spent(), [one.toString()], 'counted at the approval, before the commitment left');
  t.is(app.call('sign_reveal', { entropy: entropyOf(1) }).error.code, 'bad-anti-exfil');
  t.like(app.call('sign_reveal', { entropy: e }), { error: { code: 'nothing-to-reveal' } });
  t.deepEqual(spent(), [one.toString()], 'still once: an app that wastes its approval only loses the signature');
  rig.press('b');
  approveWithCommitment(rig, app, 'eth_sign_tx', { tx: tx() }, e);
  t.truthy(app.call('sign_reveal', { entropy: e }).result.signedTx);
  t.like(app.call('sign_reveal', { entropy: e }), { error: { code: 'nothing-to-reveal' } });
  t.deepEqual(spent(), [(2n * one).toString()], 'the second approval, once');
});

test('a freeze between the two steps withdraws the approval: nothing signs while frozen', (t) => {
  const { rig, app } = ready();
  const e = entropyOf(8);
  approveWithCommitment(rig, app, 'eth_sign_message', { message: 'before the freeze' }, e);
  t.true(app.call('freeze').result.frozen);
  t.like(app.call('sign_reveal', { entropy: e }), { error: { code: 'nothing-to-reveal' } });
  const refused = kinds(rig).filter((x) => x.kind === 'sign-refused').map((x) => x.details.reason);
  t.deepEqual(refused, ['anti-exfil: the device was frozen']);
  t.is(kinds(rig).filter((x) => x.kind === 'signed').length, 0);
});
