/**
 * Pending changes: every loosening made without the owner's verification code waits here, for 24 hours of
 * device time, announced to the bound app and cancellable from the app or the device (design section 13). One
 * mechanism for all of them:
 *   policy     a looser spending policy
 *   codes-on   verification codes set up where none were, while spending rules exist (the secret waits here)
 *   codes-off  verification codes removed without a code (a lost authenticator: the PIN only)
 *   unfreeze   unfreezing with the PIN alone, when no codes are enrolled
 *   bind       a new app (by binding code, backup code, or a first app on a device holding a wallet) while no
 *              codes are enrolled and spending rules exist
 * At most one of each kind. While the device is frozen nothing pending progresses, except the PIN-only unfreeze
 * itself: the waits are paused (the frozen time is added to their due time when the device is unfrozen), so a
 * freeze always gives the owner the whole remaining wait after it ends.
 *
 * One vault record (records.ts: pendingChanges), CBOR sealed under the device key (a pending secret and an app's
 * key are in it): [version 1, next id, credited until (device ms), [change...]], a change being
 * [id, kind, requested at, due at, payload]. "Credited until" makes the pause exact across a power cut in the
 * middle of an unfreeze: frozen time up to it was already added to the due times.
 */
import { wipe } from '../bytes.js';
import { LatchError } from '../errors.js';
import { decodeCbor, encodeCbor } from '../protocol/cbor.js';
import { RecordKey, type VaultRecords } from '../vault/records.js';
import { DAY_MS } from './ledger.js';
import { describeRule, parsePolicy, policyToPlain, type Policy } from './policy.js';
import { duration } from './spending.js';

export const PENDING_WAIT_MS = DAY_MS;

export type ChangeKind = 'policy' | 'codes-on' | 'codes-off' | 'unfreeze' | 'bind';
export const CHANGE_KINDS: readonly ChangeKind[] = ['policy', 'codes-on', 'codes-off', 'unfreeze', 'bind'];

export type BindHow = 'binding code' | 'backup code';

export type ChangePayload =
  | { kind: 'policy'; policy: Policy }
  | { kind: 'codes-on'; secret: Uint8Array; step: number }
  | { kind: 'codes-off' }
  | { kind: 'unfreeze' }
  | { kind: 'bind'; publicKey: Uint8Array; label: string; how: BindHow };

export type PendingChange = ChangePayload & {
  id: number;
  /** device time it was asked for */
  requestedAt: number;
  /** device time it takes effect (pushed back by the time frozen, once the device is unfrozen) */
  dueAt: number;
};

/** What the tick needs to know of a change: no payload (no secret), cheap to keep. */
export interface ChangeTimes {
  id: number;
  kind: ChangeKind;
  requestedAt: number;
  dueAt: number;
}

interface Stored {
  nextId: number;
  creditedUntil: number;
  changes: PendingChange[];
}

const VERSION = 1;
const EMPTY: Stored = { nextId: 1, creditedUntil: 0, changes: [] };

/** What a change does, in the owner's words (the screen, the app's notices). Never the secret. */
export function describeChange(c: ChangePayload): string {
  switch (c.kind) {
    case 'policy': return c.policy.rules.length ? `Looser spending limits: ${c.policy.rules.map((r) => describeRule(r)[0]).join(', ')}` : 'Remove every spending limit';
    case 'codes-on': return 'Set up verification codes (a new authenticator)';
    case 'codes-off': return 'Remove the verification codes (lost authenticator)';
    case 'unfreeze': return 'Unfreeze with the PIN alone';
    case 'bind': return `Bind the app named "${c.label.replace(/[^\x20-\x7e]/g, '?').slice(0, 24)}" (by ${c.how}); the bound app loses access`;
  }
}

function payloadToPlain(c: ChangePayload): unknown {
  switch (c.kind) {
    case 'policy': return policyToPlain(c.policy);
    case 'codes-on': return [c.secret, c.step];
    case 'bind': return [c.publicKey, c.label, c.how];
    default: return null;
  }
}

function payloadFromPlain(kind: unknown, v: unknown): ChangePayload {
  if (kind === 'policy') return { kind, policy: parsePolicy(v) };
  if (kind === 'codes-on' && Array.isArray(v) && v[0] instanceof Uint8Array && typeof v[1] === 'number') return { kind, secret: v[0], step: v[1] };
  if (kind === 'codes-off' || kind === 'unfreeze') return { kind };
  if (kind === 'bind' && Array.isArray(v) && v[0] instanceof Uint8Array && typeof v[1] === 'string' && (v[2] === 'binding code' || v[2] === 'backup code')) {
    return { kind, publicKey: v[0], label: v[1], how: v[2] };
  }
  throw new Error('unknown change');
}

export class PendingChanges {
  /** the last times read, with the sealed record they came from: the tick asks ten times a second */
  private timesCache: { sealed: Uint8Array; times: ChangeTimes[] } | undefined;

  constructor(private readonly records: VaultRecords) {}

  /**
   * The pending changes' kinds and times (no payloads), for the tick: the record is opened again only when its
   * sealed bytes changed, so an idle device does not decrypt it ten times a second.
   */
  times(): ChangeTimes[] {
    const sealed = this.records.get(RecordKey.pendingChanges);
    if (!sealed) return [];
    const cached = this.timesCache;
    if (cached && cached.sealed.length === sealed.length && cached.sealed.every((b, i) => b === sealed[i])) return cached.times;
    const times = this.list().map((c) => {
      if (c.kind === 'codes-on') wipe(c.secret);
      return { id: c.id, kind: c.kind, requestedAt: c.requestedAt, dueAt: c.dueAt };
    });
    this.timesCache = { sealed, times };
    return times;
  }

  /** Every pending change, oldest first. A record that does not open reads as none: dropping a loosening only
   * tightens (and the app, which was told of each, sees them gone). */
  list(): PendingChange[] {
    return this.read().changes;
  }

  get(kind: ChangeKind): PendingChange | undefined {
    return this.list().find((c) => c.kind === kind);
  }

  /** Start the wait for `payload` (one of each kind at a time). */
  add(payload: ChangePayload, now: number): PendingChange {
    const s = this.read();
    if (s.changes.some((c) => c.kind === payload.kind)) throw new LatchError('change-pending', `${describeChange(payload).toLowerCase()} is already waiting: cancel it first`);
    const change = { ...payload, id: s.nextId, requestedAt: now, dueAt: now + PENDING_WAIT_MS } as PendingChange;
    this.write({ ...s, nextId: s.nextId + 1, changes: [...s.changes, change] });
    return change;
  }

  /** Drop the change `id` (cancelled, or applied); returns it, or undefined when it was not pending. */
  remove(id: number): PendingChange | undefined {
    const s = this.read();
    const change = s.changes.find((c) => c.id === id);
    if (!change) return undefined;
    this.write({ ...s, changes: s.changes.filter((c) => c !== change) });
    return change;
  }

  /**
   * The device is being unfrozen (frozen since `frozenAt`): the paused waits get the frozen time added. One record
   * write, before the freeze record is deleted (a pending PIN-only unfreeze is dropped after that: guard.ts).
   */
  creditFreeze(frozenAt: number, now: number): void {
    const s = this.read();
    if (!s.changes.some((c) => c.kind !== 'unfreeze')) return;
    const changes = s.changes.map((c) => {
      const from = Math.max(frozenAt, s.creditedUntil, c.requestedAt);
      return c.kind !== 'unfreeze' && now > from ? { ...c, dueAt: c.dueAt + (now - from) } : c;
    });
    this.write({ ...s, creditedUntil: now, changes });
  }

  /** The record opens and reads (or is absent): for the power-cut campaigns, which count a damaged one as corrupt. */
  get intact(): boolean {
    try {
      const raw = this.records.getSealed(RecordKey.pendingChanges);
      if (!raw) return true;
      const v = decodeCbor(raw) as unknown[];
      wipe(raw);
      return Array.isArray(v) && v[0] === VERSION && Array.isArray(v[3]) && (v[3] as unknown[]).every((c) => Array.isArray(c) && c.length === 5);
    } catch {
      return false;
    }
  }

  /** Device ms until `c` takes effect; while frozen (since `frozenAt`) a paused change's clock stands still. */
  remainingMs(c: PendingChange, now: number, frozenAt: number | undefined): number {
    if (frozenAt === undefined || c.kind === 'unfreeze') return Math.max(0, c.dueAt - now);
    const from = Math.max(frozenAt, this.read().creditedUntil, c.requestedAt);
    return Math.max(0, c.dueAt - Math.min(now, from));
  }

  /** "takes effect in 23 h 59 min", "paused while frozen (23 h 59 min left)". */
  when(c: PendingChange, now: number, frozenAt: number | undefined): string {
    const left = duration(this.remainingMs(c, now, frozenAt));
    return frozenAt !== undefined && c.kind !== 'unfreeze' ? `paused while frozen (${left} left)` : `takes effect in ${left}`;
  }

  private read(): Stored {
    let raw: Uint8Array | undefined;
    try {
      raw = this.records.getSealed(RecordKey.pendingChanges);
    } catch {
      return { ...EMPTY, changes: [] };
    }
    if (!raw) return { ...EMPTY, changes: [] };
    try {
      const v = decodeCbor(raw) as unknown[];
      if (!Array.isArray(v) || v[0] !== VERSION || typeof v[1] !== 'number' || typeof v[2] !== 'number' || !Array.isArray(v[3])) throw new Error('shape');
      const changes = (v[3] as unknown[]).map((c): PendingChange => {
        if (!Array.isArray(c) || c.length !== 5 || typeof c[0] !== 'number' || typeof c[2] !== 'number' || typeof c[3] !== 'number') throw new Error('change');
        return { ...payloadFromPlain(c[1], c[4]), id: c[0], requestedAt: c[2], dueAt: c[3] } as PendingChange;
      });
      return { nextId: v[1], creditedUntil: v[2], changes };
    } catch {
      return { ...EMPTY, changes: [] };
    } finally {
      wipe(raw);
    }
  }

  private write(s: Stored): void {
    if (!s.changes.length && s.nextId === 1) {
      if (this.records.get(RecordKey.pendingChanges)) this.records.delete(RecordKey.pendingChanges);
      return;
    }
    const plain = encodeCbor([VERSION, s.nextId, s.creditedUntil, s.changes.map((c) => [c.id, c.kind, c.requestedAt, c.dueAt, payloadToPlain(c)])]);
    try {
      this.records.setSealed(RecordKey.pendingChanges, plain, 'pending changes');
    } finally {
      wipe(plain);
    }
  }
}
