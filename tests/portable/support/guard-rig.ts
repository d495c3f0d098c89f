/** A Guard on a real Vault over the fake board's flash (both engines); `reboot()` opens the same flash anew. */
import { HealthTestedEntropy } from '../../../modules/entropy/health.js';
import { RecordLog } from '../../../modules/storage/record-log.js';
import { Vault } from '../../../modules/vault/vault.js';
import { Guard, type GuardNotice, type GuardReport } from '../../../modules/guard/guard.js';
import { fakeBoard, type FakeBoard } from './fake-ports.js';

export interface GuardRig {
  b: FakeBoard;
  vault: Vault;
  guard: Guard;
  notices: { notice: GuardNotice | GuardReport; data: Record<string, unknown> }[];
  /** apps bound when a pending binding's wait was over */
  bound: { label: string; how: string }[];
  /** advance the board's clock (device time moves with it) */
  advance(ms: number): void;
  reboot(): void;
}

export function guardRig(): GuardRig {
  const b = fakeBoard();
  const entropy = new HealthTestedEntropy(b.ports.entropy);
  entropy.startup();
  const notices: GuardRig['notices'] = [];
  const bound: GuardRig['bound'] = [];
  const open = () => {
    const vault = new Vault(new RecordLog(b.ports.flash), entropy, b.ports.clock, b.ports.chipKey, { pinIterations: 2, counter: b.counter });
    vault.open();
    vault.ensureIdentity();
    const push = (notice: GuardRig['notices'][number]['notice'], data: Record<string, unknown>) => void notices.push({ notice, data });
    return { vault, guard: new Guard(vault.records, vault.clock, push, push, { bindApp: (app, how) => void bound.push({ label: app.label, how }) }) };
  };
  const rig = {
    b, notices, bound, ...open(),
    advance: (ms: number) => b.advance(ms),
    reboot() {
      rig.vault.clock.persist();
      Object.assign(rig, open());
    },
  };
  return rig;
}
