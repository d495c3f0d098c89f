// The hardening issue's critical finding: a flash dump alone must open nothing, not even with the right PIN.
import test from 'ava';
import { sha256 } from '@noble/hashes/sha2.js';
import { softwareChipKey } from '../../modules/vault/chip-keys.js';
import { RecordKey } from '../../modules/vault/records.js';
import { contains, vaultRig } from './support/vault-rig.js';
import { TEST_CHIP_KEY } from './support/fake-ports.js';
import { attackDump } from './support/flash-attacker.js';

const ENTROPY = Uint8Array.from({ length: 16 }, (_, i) => 0x30 + i);
const APP_KEY = new Uint8Array(32).fill(0x61);

function provisioned() {
  const rig = vaultRig();
  rig.vault.createWallet('123456', ENTROPY);
  rig.vault.setBindingCode('K7M2QX9P');
  rig.vault.setAppBinding({ publicKey: APP_KEY, label: 'Phone' });
  return rig;
}

test('with the chip key, the attack recovers everything: the attacker is real', (t) => {
  const rig = provisioned();
  const loot = attackDump(rig.flash.bytes.slice(), 4096, softwareChipKey(TEST_CHIP_KEY), '123456');
  t.is(loot.bindingCode, 'K7M2QX9P');
  t.deepEqual(loot.appKey, APP_KEY);
  t.deepEqual(loot.seed, ENTROPY);
  t.truthy(loot.staticKey);
});

test('without the chip key, a dump opens nothing, even with the right PIN', (t) => {
  const rig = provisioned();
  const image = rig.flash.bytes.slice();
  const identity = rig.vault.log.get(RecordKey.identity)!;
  // Guesses an attacker with the format would try: another chip, a zero key, and every byte string the dump
  // itself holds that could stand in for a key (the identity record's contents and hashes of them).
  const guesses = [
    new Uint8Array(32), new Uint8Array(32).fill(0xff), Uint8Array.from(TEST_CHIP_KEY, (b) => b ^ 1),
    sha256(identity), sha256(identity.subarray(1, 17)), Uint8Array.from({ length: 32 }, (_, i) => identity[1 + (i % 32)] ?? 0),
  ];
  for (const guess of guesses) {
    const loot = attackDump(image, 4096, softwareChipKey(guess), '123456');
    t.deepEqual(loot, {}, `a guessed chip key opened ${Object.keys(loot).join(', ')}`);
  }
  t.false(contains(image, ENTROPY), 'the seed is not in the dump in the clear');
  t.false(contains(image, new TextEncoder().encode('K7M2QX9P')), 'nor the binding code');
  t.false(contains(image, APP_KEY), 'nor the app key');
});

test('the identity record holds no key: only the device id and a 16-byte chip check', (t) => {
  const rig = provisioned();
  const identity = rig.vault.log.get(RecordKey.identity)!;
  t.is(identity.length, 33);
  t.is(identity[0], 2);
  const priv = rig.vault.staticPrivateKey();
  t.false(contains(rig.flash.bytes, priv), 'the static X25519 key is sealed');
});
