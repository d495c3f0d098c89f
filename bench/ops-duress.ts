/**
 * The duress PIN's unlock (issue 23): an unlock at PIN_BENCH_ITERATIONS on a device with no duress PIN, on one with
 * a duress PIN and the real PIN, and with the duress PIN (the silent freeze and the alarm event written as the
 * device writes them). One PBKDF2 run serves both checks, so the rows differ by the writes alone.
 */
import { HealthTestedEntropy } from '../modules/entropy/health.js';
import { RecordLog } from '../modules/storage/record-log.js';
import { Vault } from '../modules/vault/vault.js';
import { softwareChipKey } from '../modules/vault/chip-keys.js';
import { Guard } from '../modules/guard/guard.js';
import { EventLog } from '../modules/guard/event-log.js';
import { NorFlash } from '../hosts/sim/nor-flash.js';
import type { BenchOp } from './bench-op.js';
import { healthySource } from './healthy-source.js';

function device(iterations: number, duress: boolean): Vault {
  const entropy = new HealthTestedEntropy(healthySource(0x5bd1e995));
  entropy.startup();
  const flash = new NorFlash({ size: 65536, sectorSize: 4096, random: () => 0.5 });
  let now = 0;
  const vault = new Vault(new RecordLog(flash), entropy, { now: () => (now += 1) }, softwareChipKey(new Uint8Array(32).fill(9)), { pinIterations: iterations });
  vault.open();
  const guard = new Guard(vault.records, vault.clock, () => {});
  const events = new EventLog(vault.records, vault.clock, { deviceId: () => vault.deviceIdBytesNow(), signingSeed: () => vault.eventSigningSeed() });
  events.load();
  guard.freeze.conceal = () => !vault.isUnlocked || vault.duressMode;
  vault.onDuress(() => {
    guard.freeze.freezeForDuress();
    events.record('duress-pin-entered', {});
  });
  vault.createWallet('123456', new Uint8Array(16).fill(3));
  if (duress) vault.setDuressPin('654321');
  vault.lock();
  return vault;
}

export function duressOps(iterations: number): BenchOp[] {
  const cases: [string, boolean, string][] = [
    ['no duress PIN, the PIN', false, '123456'],
    ['a duress PIN set, the PIN', true, '123456'],
    ['a duress PIN set, the duress PIN (freeze + alarm written)', true, '654321'],
    ['a duress PIN set, a wrong PIN', true, '111111'],
  ];
  return cases.map(([what, duress, pin]) => {
    let vault: Vault | undefined;
    return {
      name: `unlock x${iterations}: ${what}`,
      iterations: 3,
      prepare: () => {
        vault ??= device(iterations, duress);
        vault.lock();
        vault.head.commit([], { bump: false, failures: 0 }); // wrong PINs would add delays
      },
      run: () => vault!.unlock(pin),
    };
  });
}
