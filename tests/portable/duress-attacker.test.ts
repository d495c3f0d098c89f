// The duress PIN attacked in the vault (vault/duress.ts, vault.ts, head.ts) by those it exists against: whoever
// knows only the duress PIN (he tries to learn the real PIN: wrong PINs between duress unlocks, or "Change PIN"
// used as an oracle), and a flash writer who puts back older duress records. Each test fails if the attack works.
import test from 'ava';
import { decodePreferences } from '../../modules/vault/preferences.js';
import { RecordKey } from '../../modules/vault/records.js';
import { MAX_PIN_ATTEMPTS } from '../../modules/vault/vault.js';
import { digestCounter, vaultRig, type Rig } from './support/vault-rig.js';

const ENTROPY = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
const PIN = '123456';
const DURESS = '654321';

function withDuress(options?: Parameters<typeof vaultRig>[0]): Rig {
  const rig = vaultRig(options);
  rig.vault.createWallet(PIN, ENTROPY);
  rig.vault.setDuressPin(DURESS);
  rig.vault.lock();
  return rig;
}

/** the attacker's next guess at the real PIN; the real one comes at `realAt` */
const guess = (i: number, realAt: number): string => (i === realAt ? PIN : String(200000 + i));

test('knowing the duress PIN buys no more than ten tries at the real PIN: a duress unlock between wrong PINs does not reset the wipe', (t) => {
  const rig = withDuress();
  let found = false;
  let tries = 0;
  for (let i = 0; i < 40 && rig.vault.hasWallet; i++) {
    rig.clock.advance(10_000_000); // every delay waited out
    const r = rig.vault.unlock(guess(i, 25));
    tries++;
    if (r.ok) { found = !rig.vault.duressMode; break; }
    if (!rig.vault.hasWallet) break;
    rig.clock.advance(10_000_000);
    t.deepEqual(rig.vault.unlock(DURESS), { ok: true }, 'the duress PIN opens the decoy in between');
    t.is(rig.vault.pinFailures, 0, 'and the count the screen shows is reset as by the real PIN');
    rig.vault.lock();
  }
  t.false(found, 'the real PIN was never found');
  t.false(rig.vault.hasWallet, 'the vault wiped itself');
  t.is(tries, MAX_PIN_ATTEMPTS, `after ${MAX_PIN_ATTEMPTS} wrong PINs`);
});

test('the owner\'s own unlock starts the count again; a reboot keeps it', (t) => {
  const rig = withDuress();
  for (let i = 0; i < MAX_PIN_ATTEMPTS - 1; i++) {
    rig.clock.advance(10_000_000);
    rig.vault.unlock(guess(i, -1));
    rig.vault.unlock(DURESS);
    rig.vault.lock();
  }
  const v = rig.reboot();
  t.true(v.hasWallet, 'nine wrong PINs, and the count survives the reboot (not wiped yet)');
  t.deepEqual(v.unlock(PIN), { ok: true });
  v.lock();
  for (let i = 0; i < MAX_PIN_ATTEMPTS - 1; i++) {
    rig.clock.advance(10_000_000);
    v.unlock(guess(i, -1));
    v.unlock(DURESS);
    v.lock();
  }
  t.true(v.hasWallet, 'after the real PIN, nine more wrong PINs are allowed again');
  rig.clock.advance(10_000_000);
  t.like(v.unlock('999999'), { ok: false, reason: 'wiped' });
});

test('"Change PIN" in duress mode is no free oracle for the real PIN: the same counter bits and hash work', (t) => {
  const counted = digestCounter();
  const counting = counted.port;
  const cost = (newPin: string): [number, number, number] => {
    const rig = withDuress({ pinIterations: 50, hash: counting });
    rig.vault.unlock(DURESS);
    const bits = rig.vault.counterRemaining;
    let written = 0;
    const write = rig.flash.write.bind(rig.flash);
    rig.flash.write = (offset: number, data: Uint8Array) => { written += data.length; write(offset, data); };
    counted.digests = 0;
    rig.vault.changePin(newPin);
    return [bits - rig.vault.counterRemaining, counted.digests, written];
  };
  const other = cost('222222');
  t.true(other[1] >= 100, `PBKDF2 ran (${other[1]} digests)`);
  t.deepEqual(cost(PIN), other, 'counter bits, digests and bytes written: the real PIN as the new one looks the same');
  // and as on an ordinary device (no duress PIN ever set), whose owner changes his PIN
  const plain = vaultRig({ pinIterations: 50, hash: counting });
  plain.vault.createWallet(DURESS, ENTROPY);
  const bits = plain.vault.counterRemaining;
  let written = 0;
  const write = plain.flash.write.bind(plain.flash);
  plain.flash.write = (offset: number, data: Uint8Array) => { written += data.length; write(offset, data); };
  counted.digests = 0;
  plain.vault.changePin('222222');
  t.deepEqual([bits - plain.vault.counterRemaining, counted.digests, written], other, 'the decoy\'s change costs what an ordinary one does');
});

test('"Change PIN" in duress mode then unlock: at most ten guesses at the real PIN in all, then the wipe', (t) => {
  const rig = withDuress();
  let current = DURESS;
  let foundReal = false;
  let guesses = 0;
  for (let i = 0; i < 40 && rig.vault.hasWallet; i++) {
    rig.clock.advance(10_000_000);
    const opened = rig.vault.unlock(current);
    if (!opened.ok) break;
    const x = guess(i, 15);
    rig.vault.changePin(x); // the menu asked the current (duress) PIN first
    guesses++;
    rig.vault.lock();
    rig.clock.advance(10_000_000);
    const r = rig.vault.unlock(x);
    if (r.ok && !rig.vault.duressMode) { foundReal = true; break; }
    if (r.ok) { current = x; rig.vault.lock(); }
  }
  t.false(foundReal, 'the real PIN (the 16th guess) was never reached');
  t.false(rig.vault.hasWallet, 'the vault wiped itself');
  t.true(guesses <= MAX_PIN_ATTEMPTS, `${guesses} guesses`);
});

test('a change of the duress PIN in duress mode still works (a few times) like on an ordinary device', (t) => {
  const rig = withDuress();
  rig.vault.unlock(DURESS);
  const decoy = rig.vault.seedEntropy();
  rig.vault.changePin('222222');
  rig.vault.changePin('333333');
  rig.vault.lock();
  t.deepEqual(rig.vault.unlock('333333'), { ok: true });
  t.true(rig.vault.duressMode);
  t.deepEqual(rig.vault.seedEntropy(), decoy);
  rig.vault.lock();
  t.like(rig.vault.unlock('222222'), { ok: false, reason: 'wrong-pin' });
});

test('a flash writer who puts back older duress records never opens the real wallet without the real PIN', (t) => {
  const rig = vaultRig();
  rig.vault.createWallet(PIN, ENTROPY);
  const images: Uint8Array[][] = [];
  const keep = () => images.push([rig.vault.log.get(RecordKey.duressPin)!.slice(), rig.vault.log.get(RecordKey.decoy)!.slice()]);
  keep(); // filler
  rig.vault.setDuressPin(DURESS);
  keep(); // set
  rig.vault.changePin('111111'); // a real PIN change (the flag re-sealed, the salt kept)
  rig.vault.setDuressPin('777777');
  keep(); // replaced
  rig.vault.removeDuressPin();
  keep(); // removed
  for (const [pinRec, decoy] of images) {
    for (const [a, b] of [[pinRec, decoy], [pinRec, images[0][1]], [images[1][0], decoy]]) {
      rig.vault.log.set(RecordKey.duressPin, a);
      rig.vault.log.set(RecordKey.decoy, b);
      const v = rig.reboot();
      if (v.storage === 'tampered') { // the head covers the duress records: any but the current pair is caught
        t.false(a === images[3][0] && b === images[3][1], 'the current records are not tampered');
        t.throws(() => v.unlock('111111'), undefined, 'nothing opens');
        continue;
      }
      t.true(a === images[3][0] && b === images[3][1], 'only the current records pass the head');
      for (const pin of [DURESS, '777777', PIN]) {
        rig.clock.advance(10_000_000);
        let r;
        try {
          r = v.unlock(pin);
        } catch {
          continue; // a decoy record that does not open: no wallet at all
        }
        if (r.ok) t.true(v.duressMode, `an old duress PIN (${pin}) opens at most a decoy`);
        v.lock();
      }
      rig.clock.advance(10_000_000);
      t.deepEqual(v.unlock('111111'), { ok: true });
      t.false(v.duressMode);
      t.deepEqual(v.seedEntropy(), ENTROPY, 'the real PIN still opens the real wallet');
      v.lock();
    }
  }
});

test('a flash writer who takes the duress PIN away (the records of before it was set, deleted, another device\'s) is caught: never a device silently without it', (t) => {
  const other = vaultRig(undefined, 2);
  other.vault.createWallet(PIN, ENTROPY);
  other.vault.setDuressPin(DURESS);
  const foreign = [other.vault.log.get(RecordKey.duressPin)!.slice(), other.vault.log.get(RecordKey.decoy)!.slice()];
  const rig = vaultRig();
  rig.vault.createWallet(PIN, ENTROPY);
  const filler = [rig.vault.log.get(RecordKey.duressPin)!.slice(), rig.vault.log.get(RecordKey.decoy)!.slice()];
  rig.vault.setDuressPin(DURESS);
  const set = [rig.vault.log.get(RecordKey.duressPin)!.slice(), rig.vault.log.get(RecordKey.decoy)!.slice()];
  rig.vault.lock();
  const attacks: [string, (Uint8Array | undefined)[]][] = [
    ['the filler of before', filler], ['the filler\'s PIN record only', [filler[0], set[1]]], ['the filler\'s decoy only', [set[0], filler[1]]],
    ['both deleted', [undefined, undefined]], ['the PIN record deleted', [undefined, set[1]]], ['another device\'s', foreign],
  ];
  for (const [what, [pinRec, decoy]] of attacks) {
    for (const [key, value] of [[RecordKey.duressPin, pinRec], [RecordKey.decoy, decoy]] as const) {
      if (value) rig.vault.log.set(key, value);
      else rig.vault.log.delete(key);
    }
    const v = rig.reboot();
    rig.clock.advance(10_000_000);
    if (v.storage === 'tampered') {
      t.throws(() => v.unlock(PIN), undefined, `${what}: tampered, nothing opens`);
    } else {
      const r = v.unlock(DURESS);
      t.true(r.ok && v.duressMode, `${what}: the duress PIN must still open the decoy, or the storage be found tampered (${JSON.stringify(r)}, ${v.storage})`);
      if (r.ok) v.lock();
    }
    rig.vault.log.set(RecordKey.duressPin, set[0]);
    rig.vault.log.set(RecordKey.decoy, set[1]);
  }
  const v = rig.reboot();
  t.is(v.storage, 'ok', 'the records put back as they were: the device as before');
  rig.clock.advance(10_000_000);
  t.true(v.unlock(DURESS).ok && v.duressMode);
});

test('the settings changed in duress mode are the decoy\'s: blind signing, app passphrases, auto-lock never reach the owner\'s wallet, with the same flash work', (t) => {
  const rig = withDuress();
  rig.clock.advance(10_000_000);
  t.true(rig.vault.unlock(DURESS).ok && rig.vault.duressMode);
  const before = decodePreferences(rig.vault.log.get(RecordKey.preferences));
  const bits = rig.counter!.read();
  rig.vault.setPreferences({ autoLockMinutes: 30, blindSigning: true, appPassphrase: true });
  t.deepEqual(rig.vault.preferences, { autoLockMinutes: 30, blindSigning: true, appPassphrase: true }, 'the decoy acts on them, as any device');
  t.is(rig.counter!.read(), bits + 1, 'a bit burned, as for a real change of settings');
  t.deepEqual(decodePreferences(rig.vault.log.get(RecordKey.preferences)), before, 'the owner\'s settings are written back unchanged');
  rig.vault.lock();
  rig.clock.advance(10_000_000);
  t.deepEqual(rig.vault.unlock(PIN), { ok: true });
  t.like(rig.vault.preferences, { autoLockMinutes: 5, blindSigning: false, appPassphrase: false }, 'the owner finds the settings they left');
  rig.vault.setPreferences({ ...rig.vault.preferences, blindSigning: true });
  t.true(rig.vault.preferences.blindSigning, 'the owner\'s own change is written');
  rig.vault.lock();
  rig.clock.advance(10_000_000);
  t.true(rig.vault.unlock(DURESS).ok);
  t.true(rig.vault.preferences.blindSigning, 'the decoy starts from the device\'s settings');
});

test('Menu > Duress PIN in duress mode acts a device with none set: the decoy\'s own PIN refused, another "set" (the menu says so, Change PIN refuses it), the same work', (t) => {
  const counted = digestCounter();
  const counting = counted.port;
  const measure = (rig: Rig, act: () => void): [number, number] => {
    let written = 0;
    const write = rig.flash.write.bind(rig.flash);
    rig.flash.write = (offset: number, data: Uint8Array) => { written += data.length; write(offset, data); };
    counted.digests = 0;
    act();
    rig.flash.write = write;
    return [counted.digests, written];
  };
  // an ordinary device: the owner, with no duress PIN, sets one
  const plain = vaultRig({ pinIterations: 50, hash: counting });
  plain.vault.createWallet(DURESS, ENTROPY); // his PIN is what the forced one's duress PIN is
  const ordinary = measure(plain, () => plain.vault.setDuressPin('777777'));
  t.true(plain.vault.hasDuressPin);
  t.throws(() => plain.vault.setDuressPin(DURESS), { code: 'pin-is-real' });
  t.throws(() => plain.vault.changePin('777777'), { code: 'pin-is-duress' });
  // the decoy
  const rig = withDuress({ pinIterations: 50, hash: counting });
  rig.vault.unlock(DURESS);
  t.false(rig.vault.hasDuressPin);
  t.throws(() => rig.vault.setDuressPin(DURESS), { code: 'pin-is-real' }, 'its own PIN refused as on any device');
  const before = rig.vault.log.get(RecordKey.duressPin)!.slice();
  const acted = measure(rig, () => rig.vault.setDuressPin('777777'));
  t.deepEqual(acted, ordinary, 'the same hash work and bytes written');
  t.true(rig.vault.hasDuressPin, 'the menu says on');
  t.deepEqual(rig.vault.log.get(RecordKey.duressPin), before, 'nothing written in truth');
  t.throws(() => rig.vault.changePin('777777'), { code: 'pin-is-duress' });
  rig.vault.removeDuressPin();
  t.false(rig.vault.hasDuressPin);
  rig.vault.setDuressPin(PIN); // the real PIN as the new one: "set" too, no oracle
  t.true(rig.vault.hasDuressPin);
  rig.vault.lock();
  rig.vault.unlock(PIN);
  t.false(rig.vault.duressMode);
  t.deepEqual(rig.vault.seedEntropy(), ENTROPY, 'the real PIN still opens the real wallet');
});

test('the head\'s failure byte is the one older firmware wrote unless duress-mode guesses are counted beside it', (t) => {
  const rig = withDuress();
  for (let i = 0; i < 3; i++) {
    rig.clock.advance(10_000_000);
    rig.vault.unlock(guess(i, -1));
  }
  t.is(rig.vault.log.get(RecordKey.head)![5], 3, 'three wrong PINs: 3, as before');
  rig.clock.advance(10_000_000);
  rig.vault.unlock(DURESS);
  t.is(rig.vault.log.get(RecordKey.head)![5], 3 << 4, 'after a duress unlock: none shown, three still counted');
  rig.vault.lock();
  rig.vault.unlock(PIN);
  t.is(rig.vault.log.get(RecordKey.head)![5], 0, 'the real PIN clears both');
});

test('power cut at every flash write of a duress unlock, a duress-mode Change PIN and a duress set: the state before or after, at most one guess counted, the real PIN still opens', (t) => {
  const ops: [string, (r: Rig) => void][] = [
    ['duress unlock', (r) => r.vault.unlock(DURESS)],
    ['change in duress mode', (r) => { r.flash.disarmPowerCut(); r.vault.unlock(DURESS); r.flash.armPowerCut(pending); r.vault.changePin('222222'); }],
    ['set in duress mode', (r) => { r.flash.disarmPowerCut(); r.vault.unlock(DURESS); r.flash.armPowerCut(pending); r.vault.setDuressPin('777777'); }],
  ];
  let pending = 0;
  let cuts = 0;
  for (const [what, op] of ops) {
    for (let cut = 1; cut < 40; cut++) {
      const rig = withDuress();
      pending = cut;
      rig.flash.armPowerCut(cut);
      let done = false;
      try { op(rig); done = true; } catch { /* the cut */ }
      rig.flash.disarmPowerCut();
      rig.flash.powerOn();
      const v = rig.reboot();
      t.is(v.storage, 'ok', `${what}, cut ${cut}`);
      t.true(v.head.guesses <= 1, `${what}, cut ${cut}: ${v.head.guesses} guesses`);
      const reopened = what === 'change in duress mode' ? ['222222', DURESS] : [DURESS];
      t.true(reopened.some((p) => { rig.clock.advance(10_000_000); const ok = v.unlock(p).ok && v.duressMode; if (ok) v.lock(); return ok; }), `${what}, cut ${cut}: a duress PIN opens the decoy`);
      rig.clock.advance(10_000_000);
      t.deepEqual(v.unlock(PIN), { ok: true });
      t.deepEqual(v.seedEntropy(), ENTROPY, `${what}, cut ${cut}: the real wallet`);
      if (done) break;
      cuts++;
    }
  }
  t.true(cuts >= 3, `${cuts} cuts`);
});
