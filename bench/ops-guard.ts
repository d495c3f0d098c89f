/**
 * The guards and the event log on the device, on a real vault over 64 KiB of in-memory NOR (as on the device):
 * what a guarded signature, a verification code and an event add to a request, and what the app pays to check
 * a full log. The ledger and the ring are filled first (unmeasured), so each row is the worst the device meets.
 */
import { HealthTestedEntropy } from '../modules/entropy/health.js';
import { RecordLog } from '../modules/storage/record-log.js';
import { Vault } from '../modules/vault/vault.js';
import { softwareChipKey } from '../modules/vault/chip-keys.js';
import { Guard } from '../modules/guard/guard.js';
import { MAX_ENTRIES } from '../modules/guard/ledger.js';
import { totp } from '../modules/guard/otp.js';
import { EventLog, EVENT_SLOTS } from '../modules/guard/event-log.js';
import { verifyEvents } from '../modules/guard/event-verify.js';
import { decodeCall } from '../modules/ethereum/calldata.js';
import { parseTx, serializeUnsigned } from '../modules/ethereum/tx.js';
import { NorFlash } from '../hosts/sim/nor-flash.js';
import type { BenchOp } from './bench-op.js';
import { healthySource } from './healthy-source.js';

/** A board for the bench: a clock the bench moves, NOR flash, a fixed chip key, a deterministic healthy RNG. */
export function benchVault(): { vault: Vault; advance(ms: number): void } {
  let now = 0;
  const entropy = new HealthTestedEntropy(healthySource(0x9e3779b9));
  entropy.startup();
  const flash = new NorFlash({ size: 65536, sectorSize: 4096, random: () => 0.5 });
  const clock = { now: () => now, tick: () => {} };
  const vault = new Vault(new RecordLog(flash), entropy, clock, softwareChipKey(new Uint8Array(32).fill(7)), { pinIterations: 2 });
  vault.open();
  vault.ensureIdentity();
  return { vault, advance: (ms) => { now += ms; } };
}

const TO = '0x1d1c328764a41bda0492b66baa30c4a339ff85ef';
const guardedTx = parseTx(serializeUnsigned({ type: 'eip1559', chainId: 1n, nonce: 7n, maxPriorityFeePerGas: 1n, maxFeePerGas: 10n ** 9n, gasLimit: 21_000n, to: TO, value: 10n ** 12n, data: new Uint8Array(0), accessList: [] }));
const guardedCall = decodeCall(guardedTx.data);

let guarded: { guard: Guard; advance(ms: number): void } | undefined;
/** A guard with a daily ETH limit and a full ledger (32 spends inside the window): the check's worst case. */
function guardReady() {
  if (guarded) return guarded;
  const { vault, advance } = benchVault();
  const guard = new Guard(vault.records, vault.clock, () => {});
  guard.apply({ rules: [{ asset: 'eth:1', daily: 10n ** 20n, perTx: 10n ** 19n, allow: [TO] }], overLimitWithCode: false });
  for (let i = 0; i < MAX_ENTRIES; i++) {
    advance(1000);
    guard.record([{ asset: 'eth:1', amount: 10n ** 12n, to: [TO] }]);
  }
  guarded = { guard, advance };
  return guarded;
}

const OTP_SECRET = new Uint8Array(20).map((_, i) => i * 7 + 1);
let coded: { guard: Guard; unix: number } | undefined;
/** A guard with codes enrolled; every run moves the app's time on a step, so each code is fresh. */
function codesReady() {
  if (coded) return coded;
  const { vault } = benchVault();
  const guard = new Guard(vault.records, vault.clock, () => {});
  const unix = 1_800_000_000;
  guard.codes.enrol(OTP_SECRET, Math.floor(unix / 30) - 1);
  coded = { guard, unix };
  return coded;
}

let logged: { vault: Vault; log: EventLog; advance(ms: number): void } | undefined;
/** An event log whose ring is full and wrapped (100 events), with app-like details. */
function logReady() {
  if (logged) return logged;
  const { vault, advance } = benchVault();
  const log = new EventLog(vault.records, vault.clock, { deviceId: () => vault.deviceIdBytesNow(), signingSeed: () => vault.eventSigningSeed() });
  logged = { vault, log, advance };
  for (let i = 0; i < 100; i++) recordOne();
  return logged;
}
function recordOne() {
  logged!.advance(1000);
  return logged!.log.record('signed', { app: 'phone', chain: '1', to: TO, value: '1000000000000', fee: '21000000000000' });
}
let fullAnswer: ReturnType<EventLog['since']> | undefined;

export const GUARD_OPS: BenchOp[] = [
  {
    name: `guarded ETH transaction (device): policy check over a full ledger (${MAX_ENTRIES} spends), spend sealed and written`,
    iterations: 10,
    prepare: () => { guardReady(); },
    run: () => {
      const g = guarded!;
      g.advance(1000);
      const verdict = g.guard.checkEthTx(guardedTx, guardedCall);
      if (verdict.kind !== 'allow') throw new Error(`bench: the guard said ${verdict.kind}`);
      g.guard.record(verdict.outflows);
    },
  },
  {
    name: 'verification code (device): counted in flash, TOTP checked (±1 step), state written',
    iterations: 10,
    prepare: () => { codesReady(); },
    run: () => {
      const c = coded!;
      c.unix += 30;
      c.guard.world.tell(c.unix);
      const r = c.guard.codes.verify(totp(OTP_SECRET, c.unix));
      if (!r.ok) throw new Error(`bench: the code was refused (${r.reason})`);
    },
  },
  {
    name: 'event recorded (device): CBOR, chain hash, sealed record write',
    iterations: 20,
    prepare: () => { logReady(); },
    run: () => recordOne(),
  },
  {
    name: `events_since reply of the whole ring (device): ${EVENT_SLOTS} records read and opened, head signed (Ed25519)`,
    iterations: 2,
    prepare: () => { logReady(); },
    run: () => { fullAnswer = logged!.log.since(1); },
  },
  {
    name: `event log check (app): ${EVENT_SLOTS} events chained, head signature verified`,
    iterations: 2,
    prepare: () => { logReady(); fullAnswer ??= logged!.log.since(1); },
    run: () => {
      const check = verifyEvents(fullAnswer!, { deviceId: logged!.vault.deviceIdBytesNow(), since: 1 });
      if (!check.ok) throw new Error(`bench: the log did not check: ${check.problems.join('; ')}`);
    },
  },
];
