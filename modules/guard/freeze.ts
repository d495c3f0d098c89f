/**
 * The emergency stop. The bound app (with one request, no confirmation) or the owner (from the menu) freezes the
 * device: the freeze is written to flash before anything else happens, and from then on the device signs
 * nothing, changes no policy, binds no new app and makes no backup code. Only the owner unfreezes, on the
 * device, with the PIN and then a verification code when one is enrolled. A reboot does not unfreeze.
 *
 * Record (plaintext: a dump shows that the device is frozen and by whom, nothing secret):
 *   version 1 | by (1 = the app, 2 = the owner, 3 = the duress PIN) | device time (u64 ms) | the app's label (ASCII)
 *   a duress freeze: version 1 | 3 | device time | shown (0 none, 1 the app, 2 the owner) | the app's label
 * A damaged freeze record reads as frozen: an emergency stop must fail closed.
 *
 * The duress PIN's freeze (issue 23, vault/duress.ts) is silent: while `conceal()` says so (the device locked, or
 * unlocked with the duress PIN) it is not shown and does not stop the decoy, since whoever holds the device must
 * not tell it from an ordinary one. It stops the real wallet: the real PIN shows it, and only a verification code
 * lifts it. `inForce` is the freeze as stored, for what must not be fooled by the disguise (pending changes'
 * waits stand still under it, and no other freeze replaces it). What the decoy shows is an ordinary freeze kept
 * inside the duress one ("shown"): one in force before the duress PIN was entered, or one asked for in duress
 * mode; lifting it there lifts only it.
 */
import { utf8Decode, utf8Encode } from '../bytes.js';
import { decodeMs, encodeMs, type DeviceClock } from '../vault/device-clock.js';
import { RecordKey, type VaultRecords } from '../vault/records.js';

export interface FreezeState {
  by: 'app' | 'owner' | 'duress' | 'unknown';
  /** device time of the freeze */
  at: number;
  /** the app's label, when the app froze it */
  label?: string;
}

export class Freeze {
  /** Whether a duress freeze is to be hidden now (set by the device: locked, or in duress mode). */
  conceal: () => boolean = () => false;

  constructor(private readonly records: VaultRecords, private readonly clock: DeviceClock) {}

  /** The freeze as shown and enforced now (a duress freeze is hidden while `conceal()`), or undefined. */
  get state(): FreezeState | undefined {
    const s = this.inForce;
    return s?.by === 'duress' && this.conceal() ? this.shown : s;
  }

  /** The ordinary freeze a concealed duress freeze shows, if any. */
  private get shown(): FreezeState | undefined {
    const raw = this.records.get(RecordKey.freeze);
    if (!raw || raw.length < 11 || raw[1] !== 3 || (raw[10] !== 1 && raw[10] !== 2)) return undefined;
    return { by: raw[10] === 1 ? 'app' : 'owner', at: decodeMs(raw, 2), ...(raw[10] === 1 ? { label: utf8Decode(raw.subarray(11)) } : {}) };
  }

  /** The freeze as stored, whoever may see it. */
  get inForce(): FreezeState | undefined {
    const raw = this.records.get(RecordKey.freeze);
    if (!raw) return undefined;
    if (raw.length < 10 || raw[0] !== 1 || raw[1] < 1 || raw[1] > 3) return { by: 'unknown', at: 0 };
    const by = raw[1] === 1 ? 'app' : raw[1] === 2 ? 'owner' : 'duress';
    return { by, at: decodeMs(raw, 2), ...(raw[1] === 1 ? { label: utf8Decode(raw.subarray(10)) } : {}) };
  }

  get frozen(): boolean {
    return this.state !== undefined;
  }

  /** Freeze (written and read back before returning). Freezing a frozen device keeps the first freeze. */
  freeze(by: 'app' | 'owner', label = ''): FreezeState {
    const current = this.inForce;
    if (current?.by === 'duress' && this.conceal() && !this.shown) {
      this.records.set(RecordKey.freeze, duressRecord(current.at, by, label), 'freeze'); // burns a bit, as a freeze does
      return this.state!;
    }
    if (current) return current;
    const name = by === 'app' ? utf8Encode(label.slice(0, 64)) : new Uint8Array(0);
    const record = new Uint8Array(10 + name.length);
    record[0] = 1;
    record[1] = by === 'app' ? 1 : 2;
    record.set(encodeMs(this.clock.now()), 2);
    record.set(name, 10);
    this.records.set(RecordKey.freeze, record, 'freeze');
    return this.state!;
  }

  /**
   * The duress PIN was entered: freeze silently (an earlier freeze becomes this one: from now on only a code
   * lifts it). Marked as only loosening, so no rollback-counter bit is burned: a bit more than an ordinary unlock
   * burns would show in the counter the link reports. (A flash clip could then set it back; README.)
   */
  freezeForDuress(): void {
    const current = this.inForce;
    if (current?.by === 'duress') return;
    // a freeze already in force stays what the decoy shows: the locked screen showed it a moment ago
    const shown = current?.by === 'app' || current?.by === 'owner' ? current.by : undefined;
    this.records.set(RecordKey.freeze, duressRecord(this.clock.now(), shown, current?.label ?? ''), 'freeze', { loosens: true });
  }

  /** Lift the freeze; while a duress freeze is concealed, only the ordinary freeze it shows. */
  unfreeze(): void {
    const current = this.inForce;
    if (current?.by === 'duress' && this.conceal() && this.shown) this.records.set(RecordKey.freeze, duressRecord(current.at), 'freeze');
    else this.records.delete(RecordKey.freeze);
  }
}

function duressRecord(at: number, shown?: 'app' | 'owner', label = ''): Uint8Array {
  const name = shown === 'app' ? utf8Encode(label.slice(0, 64)) : new Uint8Array(0);
  const record = new Uint8Array(11 + name.length);
  record[0] = 1;
  record[1] = 3;
  record.set(encodeMs(at), 2);
  record[10] = shown === 'app' ? 1 : shown === 'owner' ? 2 : 0;
  record.set(name, 11);
  return record;
}

/** "the app "Alice's phone"", "the owner": who froze it, for the screen and the link. */
export function frozenBy(s: FreezeState): string {
  if (s.by === 'app') return `the app "${s.label ?? ''}"`;
  if (s.by === 'duress') return 'the duress PIN (entered at unlock)';
  return s.by === 'owner' ? 'the owner, on the device' : 'an unreadable freeze record';
}
