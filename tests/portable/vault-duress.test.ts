// The duress PIN in the vault (vault/duress.ts), played as an attacker who knows a PIN or reads the flash: the
// duress PIN opens only the decoy, never the real words; both PINs share the failure count and its wipe; the
// two PINs can never be equal (set, real change, duress-mode change); the flash looks the same with or without
// a duress PIN; one PBKDF2 run serves both checks (the same work with or without one).
import test from 'ava';
import { RecordKey } from '../../modules/vault/records.js';
import { MAX_PIN_ATTEMPTS } from '../../modules/vault/vault.js';
import { contains, digestCounter, vaultRig } from './support/vault-rig.js';

const ENTROPY = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
const PIN = '123456';
const DURESS = '654321';

function withDuress(seed?: Uint8Array) {
  const rig = vaultRig();
  rig.vault.createWallet(PIN, ENTROPY);
  rig.vault.setDuressPin(DURESS, seed);
  rig.vault.lock();
  return rig;
}

test('the duress PIN opens the decoy: its own words, never the real ones; the real PIN still opens the real wallet', (t) => {
  const rig = withDuress();
  const heard: string[] = [];
  rig.vault.onDuress(() => heard.push('duress'));
  t.deepEqual(rig.vault.unlock(DURESS), { ok: true });
  t.true(rig.vault.duressMode);
  const decoy = rig.vault.seedEntropy();
  t.is(decoy.length, 16);
  t.notDeepEqual(decoy, ENTROPY);
  t.false(rig.vault.hasDuressPin, 'the decoy does not know a duress PIN exists');
  t.deepEqual(heard, ['duress']);
  rig.vault.lock();
  t.false(rig.vault.duressMode);
  const v = rig.reboot();
  t.deepEqual(v.unlock(PIN), { ok: true });
  t.false(v.duressMode);
  t.deepEqual(v.seedEntropy(), ENTROPY);
  t.true(v.hasDuressPin);
  t.false(contains(rig.flash.bytes, decoy), 'the decoy is only stored sealed');
});

test('a decoy kept as a BIP39 seed gives the seed and no words at all', (t) => {
  const seed = Uint8Array.from({ length: 64 }, (_, i) => i);
  const rig = withDuress(seed);
  rig.vault.unlock(DURESS);
  t.deepEqual(rig.vault.decoySeed(), seed);
  t.throws(() => rig.vault.seedEntropy(), { code: 'no-words' });
  rig.vault.lock();
  rig.vault.unlock(PIN);
  t.is(rig.vault.decoySeed(), undefined, 'the real wallet has no decoy seed');
});

test('the duress PIN can never equal the real PIN: refused when set, refused as a new real PIN', (t) => {
  const rig = vaultRig();
  rig.vault.createWallet(PIN, ENTROPY);
  t.throws(() => rig.vault.setDuressPin(PIN), { code: 'pin-is-real' });
  t.false(rig.vault.hasDuressPin);
  rig.vault.setDuressPin(DURESS);
  t.throws(() => rig.vault.changePin(DURESS), { code: 'pin-is-duress' });
  rig.vault.changePin('111111');
  rig.vault.lock();
  t.is(rig.vault.unlock(PIN).ok, false, 'the old PIN is gone');
  t.deepEqual(rig.vault.unlock('111111'), { ok: true });
  t.false(rig.vault.duressMode);
  t.true(rig.vault.hasDuressPin, 'the duress PIN survives a real PIN change');
  rig.vault.lock();
  rig.vault.unlock(DURESS);
  t.true(rig.vault.duressMode, 'and still opens the decoy');
});

test('in duress mode "Change PIN" changes the duress PIN; the real PIN as its new value is silently not written', (t) => {
  const rig = withDuress();
  rig.vault.unlock(DURESS);
  const decoy = rig.vault.seedEntropy();
  rig.vault.changePin('222222');
  rig.vault.changePin(PIN); // no oracle: no error, nothing written
  rig.vault.lock();
  t.is(rig.vault.unlock(DURESS).ok, false, 'the old duress PIN no longer opens anything');
  t.deepEqual(rig.vault.unlock('222222'), { ok: true });
  t.true(rig.vault.duressMode);
  t.deepEqual(rig.vault.seedEntropy(), decoy);
  rig.vault.lock();
  t.deepEqual(rig.vault.unlock(PIN), { ok: true });
  t.false(rig.vault.duressMode, 'the real PIN still opens the real wallet');
  t.deepEqual(rig.vault.seedEntropy(), ENTROPY);
});

test('both PINs share the failure count: the duress PIN resets the count shown, and ten wrong PINs since the real PIN wipe whatever was set', (t) => {
  const rig = withDuress();
  for (let i = 0; i < 3; i++) rig.vault.unlock('000000');
  t.is(rig.vault.pinFailures, 3);
  t.deepEqual(rig.vault.unlock(DURESS), { ok: true });
  t.is(rig.vault.pinFailures, 0);
  rig.vault.lock();
  // the three before the duress unlock still count toward the wipe (head.ts `guesses`; duress-attacker)
  for (let i = 0; i < MAX_PIN_ATTEMPTS - 3; i++) {
    t.true(rig.vault.hasWallet);
    rig.clock.advance(1_000_000);
    rig.vault.unlock('000000');
  }
  t.false(rig.vault.hasWallet);
  t.false(rig.vault.log.has(RecordKey.duressPin));
  t.false(rig.vault.log.has(RecordKey.decoy));
});

test('the flash does not tell whether a duress PIN is set: the same records, the same sizes, the same salt', (t) => {
  const without = vaultRig();
  without.vault.createWallet(PIN, ENTROPY);
  const withOne = withDuress();
  for (const key of [RecordKey.pin, RecordKey.duressPin, RecordKey.decoy]) {
    t.is(without.vault.log.get(key)!.length, withOne.vault.log.get(key)!.length, `record ${key}`);
  }
  // the salt the duress record carries is the real record's (one PBKDF2 run serves both)
  for (const rig of [without, withOne]) t.deepEqual(rig.vault.log.get(RecordKey.duressPin)!.subarray(5, 21), rig.vault.log.get(RecordKey.pin)!.subarray(5, 21));
  // removing writes filler again: the records stay, nothing opens with the old duress PIN
  withOne.vault.unlock(PIN);
  withOne.vault.removeDuressPin();
  t.false(withOne.vault.hasDuressPin);
  t.true(withOne.vault.log.has(RecordKey.duressPin) && withOne.vault.log.has(RecordKey.decoy));
  withOne.vault.lock();
  t.like(withOne.vault.unlock(DURESS), { ok: false, reason: 'wrong-pin' });
});

test('the same hash work per attempt whether a duress PIN is set or not, and whichever PIN it is', (t) => {
  // A HashPort that counts every digest: PBKDF2 dominates an unlock; the count is the same in every case.
  const counted = digestCounter();
  const counting = counted.port;
  const work = (setDuress: boolean, pin: string): number => {
    const rig = vaultRig({ pinIterations: 50, hash: counting });
    rig.vault.createWallet(PIN, ENTROPY);
    if (setDuress) rig.vault.setDuressPin(DURESS);
    rig.vault.lock();
    counted.digests = 0;
    rig.vault.unlock(pin);
    return counted.digests;
  };
  const base = work(false, PIN);
  t.true(base >= 100, `PBKDF2 ran (${base} digests)`);
  t.deepEqual([work(true, PIN), work(true, DURESS), work(false, '000000'), work(true, '000000')], [base, base, base, base]);
});

test('a damaged duress record reads as not set and does not stand in the way of a PIN change, which writes filler again', (t) => {
  const rig = vaultRig();
  rig.vault.createWallet(PIN, ENTROPY);
  rig.vault.setDuressPin(DURESS);
  const raw = rig.vault.log.get(RecordKey.duressPin)!.slice();
  raw[raw.length - 1] ^= 1; // the flag's tag
  rig.vault.log.set(RecordKey.duressPin, raw);
  t.false(rig.vault.hasDuressPin);
  rig.vault.changePin('111111');
  t.false(rig.vault.hasDuressPin);
  t.is(rig.vault.log.get(RecordKey.duressPin)!.length, raw.length, 'filler of the same size');
  rig.vault.lock();
  t.like(rig.vault.unlock(DURESS), { ok: false, reason: 'wrong-pin' });
  t.deepEqual(rig.vault.unlock('111111'), { ok: true });
  rig.vault.setDuressPin(DURESS);
  t.true(rig.vault.hasDuressPin);
  t.false(rig.vault.duressMode);
});
