/**
 * The kept passphrase's power-cut campaign (issue 23): random workloads of keeping a passphrase (a new one, or
 * another over it), forgetting it, and changing the PIN (which re-seals it with the seed), on a 16 KiB vault with
 * a rollback counter (each keep and forget burns a bit). Each operation is cut at each of its flash writes and
 * erases in turn and the vault rebooted: never a false tamper alarm, the old or the new PIN opens the wallet, the
 * seed opens, and the kept passphrase is the one before the operation or the one after it (0 lost, 0 corrupt).
 * Portable: npm test runs a small seeded campaign on Node and XS; `npm run faults` runs a bigger one.
 */
import { HealthTestedEntropy } from '../../modules/entropy/health.js';
import { wipe } from '../../modules/bytes.js';
import { RecordLog } from '../../modules/storage/record-log.js';
import { Vault } from '../../modules/vault/vault.js';
import { softwareChipKey } from '../../modules/vault/chip-keys.js';
import { RecordKey } from '../../modules/vault/records.js';
import { Keyring } from '../../modules/wallet/keyring.js';
import { decodeStored, PassphraseWallet } from '../../modules/wallet/passphrase-wallet.js';
import type { EventLog } from '../../modules/guard/event-log.js';
import type { MonotonicCounterPort } from '../../modules/ports.js';
import { NorFlash, seededRandom } from '../../hosts/sim/nor-flash.js';
import { memoryCounter } from '../portable/support/fake-ports.js';
import { cutAt } from './cut-at.js';

const CHIP = softwareChipKey(new Uint8Array(32).fill(0x5a));
const SEED = Uint8Array.from({ length: 16 }, (_, i) => 0x40 + i);
const SECTOR = 4096;
const SECTORS = 4;
const PINS = ['111111', '222222'];

type Op = { kind: 'keep'; passphrase: string } | { kind: 'forget' } | { kind: 'pin' };

interface Booted { vault: Vault; wallet: PassphraseWallet }

/** what the owner depends on: which PIN opens the wallet, and the passphrase kept (or none) */
interface Seen { pin: string; kept: string | null }

const NO_EVENTS = { record: () => undefined } as unknown as EventLog;

function boot(flash: NorFlash, random: () => number, counter: MonotonicCounterPort): Booted {
  const entropy = new HealthTestedEntropy({ fill(t) { for (let i = 0; i < t.length; i++) t[i] = Math.floor(random() * 256); return t.length; } });
  const vault = new Vault(new RecordLog(flash), entropy, { now: () => 0 }, CHIP, { pinIterations: 1, counter });
  const opened = vault.open();
  if (opened.tampered) throw new Error(`a false tamper alarm: ${opened.tampered}`);
  const keyring = new Keyring(() => vault.seedEntropy());
  return { vault, wallet: new PassphraseWallet(vault, keyring, NO_EVENTS, { log: () => undefined }, () => undefined) };
}

/** Unlock with whichever PIN opens it; the seed must open, and the kept passphrase (if any). */
function seen(b: Booted): Seen {
  for (const pin of PINS) {
    if (!b.vault.unlock(pin).ok) continue;
    const seed = b.vault.seedEntropy();
    const good = seed.length === SEED.length && seed.every((x, i) => x === SEED[i]);
    wipe(seed);
    if (!good) throw new Error('the seed opened to other bytes');
    const raw = b.vault.openWithDek(RecordKey.passphrase); // throws record-damaged on a corrupt one
    const kept = raw ? decodeStored(raw) : null;
    wipe(raw);
    return { pin, kept };
  }
  throw new Error('no PIN opens the wallet');
}

function run(b: Booted, op: Op, pin: string): void {
  if (!b.vault.isUnlocked && !b.vault.unlock(pin).ok) throw new Error('the PIN before the operation did not open the wallet');
  if (op.kind === 'keep') b.wallet.store(op.passphrase);
  else if (op.kind === 'forget') b.wallet.forget();
  else b.vault.changePin(PINS[(PINS.indexOf(pin) + 1) % PINS.length]);
}

function pick(random: () => number): Op {
  const r = random();
  if (r < 0.5) {
    const len = 1 + Math.floor(random() * 100);
    let p = '';
    for (let i = 0; i < len; i++) p += String.fromCharCode(0x20 + Math.floor(random() * 95));
    return { kind: 'keep', passphrase: p };
  }
  return r < 0.8 ? { kind: 'forget' } : { kind: 'pin' };
}

export interface PassphraseCampaignResult { cuts: number; byKind: Record<string, number>; problems: string[] }

export function runPassphraseCampaign(o: { seed: number; minCuts: number; onProgress?: (cuts: number) => void }): PassphraseCampaignResult {
  let cuts = 0;
  const byKind: Record<string, number> = {};
  const problems: string[] = [];
  const show = (s: Seen) => JSON.stringify(s);
  for (let workload = 0; cuts < o.minCuts; workload++) {
    const random = seededRandom(o.seed * 9_000_011 + workload);
    const flash = new NorFlash({ size: SECTORS * SECTOR, sectorSize: SECTOR, random });
    const counter = memoryCounter();
    const counterAt = (value: number) => { const c = memoryCounter(); c.value = value; return c; };
    boot(flash, random, counter).vault.createWallet(PINS[0], SEED);
    for (let step = 0; step < 20 && cuts < o.minCuts; step++) {
      const op = pick(random);
      const image = flash.bytes.slice();
      const counterBefore = counter.value;
      // the clean run, counted after the unlock (each unlock is its own counted write, not the operation's)
      const clean = boot(flash, random, counter);
      const before = seen(clean);
      const start = flash.operations;
      run(clean, op, before.pin);
      const n = flash.operations - start;
      const after = seen(boot(flash, random, counter));
      for (let cut = 1; cut <= n; cut++) {
        const trial = counterAt(counterBefore);
        const c = cutAt(image, SECTOR, cut, workload * 7919 + step * 104729 + cut, (f) => {
          const b = boot(f, random, trial);
          b.vault.unlock(before.pin);
          return b;
        }, (victim) => run(victim, op, before.pin));
        if ('error' in c) { problems.push(`${op.kind} cut ${cut}: ${c.error}`); continue; }
        cuts++;
        byKind[op.kind] = (byKind[op.kind] ?? 0) + 1;
        const label = `workload ${workload} step ${step} ${op.kind} cut ${cut}/${n}`;
        let recovered: Seen;
        try {
          recovered = seen(boot(c.flash, random, trial));
        } catch (err) {
          problems.push(`${label}: ${(err as Error).message}`);
          continue;
        }
        if (show(recovered) !== show(before) && show(recovered) !== show(after)) problems.push(`${label}: recovered ${show(recovered)}, neither before ${show(before)} nor after ${show(after)}`);
      }
      o.onProgress?.(cuts);
    }
  }
  return { cuts, byKind, problems };
}
