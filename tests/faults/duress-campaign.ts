/**
 * The duress PIN's power-cut campaign (vault/duress.ts): setting, replacing and removing the duress PIN, changing
 * the real PIN beside it, changing the duress PIN in duress mode, and unlocking with it. Each operation is cut at
 * each of its flash writes and erases in turn and the vault rebooted: the storage is never tampered or damaged, the
 * real wallet opens with exactly one of the real PINs before and after the operation, and the duress side is the
 * one before or the one after, whole: the duress PIN of that state opens its decoy, the real PIN never opens a
 * decoy, the duress PIN never the real wallet, and the owner's "duress PIN set" agrees (0 lost). Portable.
 */
import { HealthTestedEntropy } from '../../modules/entropy/health.js';
import { RecordLog } from '../../modules/storage/record-log.js';
import { Vault } from '../../modules/vault/vault.js';
import { softwareChipKey } from '../../modules/vault/chip-keys.js';
import { NorFlash, seededRandom } from '../../hosts/sim/nor-flash.js';
import { cutAt } from './cut-at.js';
import { memoryCounter } from '../portable/support/fake-ports.js';
import type { EntropyPort } from '../../modules/ports.js';

const CHIP = softwareChipKey(new Uint8Array(32).fill(0x5d));
const SECTOR = 4096;
const REAL_ENTROPY = Uint8Array.from({ length: 16 }, (_, i) => 0x30 + i);

/** what the owner set: the real PIN, and the duress PIN (none: undefined) */
interface State { real: string; duress?: string }

type OpKind = 'set' | 'remove' | 'change-real' | 'change-in-duress' | 'duress-unlock';

function makeVault(flash: NorFlash, random: () => number, counter: ReturnType<typeof memoryCounter>): Vault {
  const entropy: EntropyPort = { fill(t) { for (let i = 0; i < t.length; i++) t[i] = Math.floor(random() * 256); return t.length; } };
  const vault = new Vault(new RecordLog(flash), new HealthTestedEntropy(entropy), { now: () => 0 }, CHIP, { pinIterations: 1, counter });
  const opened = vault.open();
  if (opened.storage !== 'ok') throw new Error(`storage ${opened.storage}: ${opened.tampered ?? ''}`);
  return vault;
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Which of `candidates` opens the vault, and in which mode (each try counted; a success resets the count). */
function probe(vault: Vault, state: State): string | undefined {
  vault.lock();
  if (!vault.unlock(state.real).ok) return `the real PIN ${state.real} does not open`;
  if (vault.duressMode || !same(vault.seedEntropy(), REAL_ENTROPY)) return 'the real PIN opened something else than the real wallet';
  if (vault.hasDuressPin !== (state.duress !== undefined)) return `the owner sees the duress PIN ${vault.hasDuressPin ? 'set' : 'not set'}, expected ${state.duress ?? 'none'}`;
  vault.lock();
  if (state.duress) {
    if (!vault.unlock(state.duress).ok) return `the duress PIN ${state.duress} does not open`;
    if (!vault.duressMode) return 'the duress PIN opened the real wallet';
    if (same(vault.seedEntropy(), REAL_ENTROPY)) return 'the decoy is the real wallet';
    vault.lock();
  }
  return undefined;
}

export function runDuressCampaign(o: { seed: number; minCuts: number; onProgress?: (cuts: number) => void }): { cuts: number; problems: string[]; byKind: Record<string, number> } {
  const random = seededRandom(o.seed);
  const flash0 = new NorFlash({ size: 4 * SECTOR, sectorSize: SECTOR, random: seededRandom(o.seed) });
  const counter0 = memoryCounter();
  const vault = makeVault(flash0, random, counter0);
  vault.createWallet('100000', REAL_ENTROPY);
  let state: State = { real: '100000' };
  let image = flash0.bytes.slice();
  let counterValue = counter0.read();
  const problems: string[] = [];
  const byKind: Record<string, number> = {};
  let cuts = 0;
  let n = 0;
  const ORDER: OpKind[] = ['change-real', 'remove', 'set', 'change-real', 'duress-unlock', 'change-in-duress', 'set', 'remove', 'set', 'change-real'];
  for (let round = 0; cuts < o.minCuts && round < 10_000; round++) {
    const kind = ORDER[round % ORDER.length];
    if ((kind === 'remove' || kind === 'change-in-duress' || kind === 'duress-unlock') && !state.duress) continue;
    n++;
    const pin = String(200000 + n);
    const after: State = kind === 'set' ? { ...state, duress: pin } : kind === 'remove' ? { real: state.real }
      : kind === 'change-real' ? { ...state, real: pin } : kind === 'change-in-duress' ? { ...state, duress: pin } : state;
    const counterFor = () => { const c = memoryCounter(); while (c.read() < counterValue) c.increment(); return c; };
    const op = (v: Vault) => {
      if (kind === 'set') v.setDuressPin(pin);
      else if (kind === 'remove') v.removeDuressPin();
      else if (kind === 'change-real' || kind === 'change-in-duress') v.changePin(pin);
      else { v.lock(); v.unlock(state.duress!); }
    };
    // cut at every flash operation in turn, until the operation completes before its cut
    for (let cut = 0; ; cut++) {
      const counter = counterFor();
      const outcome = cutAt(image, SECTOR, cut, o.seed + cut, (f) => {
        const v = makeVault(f, random, counter);
        if (!v.unlock(kind === 'change-in-duress' ? state.duress! : state.real).ok) throw new Error('the PIN before the operation does not open');
        return v;
      }, op);
      if ('error' in outcome) {
        problems.push(`${kind} cut ${cut}: ${outcome.error}`);
        break;
      }
      cuts++;
      byKind[kind] = (byKind[kind] ?? 0) + 1;
      o.onProgress?.(cuts);
      let rebooted: Vault;
      try {
        rebooted = makeVault(outcome.flash, random, counter);
      } catch (err) {
        problems.push(`${kind} cut ${cut}: reboot: ${(err as Error).message}`);
        break;
      }
      const asBefore = probe(rebooted, state);
      const asAfter = asBefore === undefined ? undefined : probe(rebooted, after);
      if (asBefore !== undefined && asAfter !== undefined) problems.push(`${kind} cut ${cut}: neither before (${asBefore}) nor after (${asAfter})`);
      if (outcome.completed) {
        // the operation's own result becomes the next image (its run, uncut, from the same image)
        if (asBefore === undefined && kind !== 'duress-unlock') problems.push(`${kind} completed but the state is the one before`);
        image = outcome.flash.bytes.slice();
        counterValue = counter.read();
        break;
      }
    }
    state = after;
  }
  return { cuts, problems, byKind };
}
