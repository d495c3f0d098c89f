// The property, on both engines: random sequences of owner and attacker actions (signing on random chains
// and networks, loosening, setting up or removing codes, freezing, unfreezing, binding, cancelling, reboots, the
// device clock and the app's clock moved). The attacker holds the device and the PIN (and may drive the app), never
// the owner's authenticator; the owner only tightens (cancels what is pending, freezes) and unfreezes with his
// code. Whatever the sequence:
//  - no 24 hours of device time ever hold more signed spending on a budget than its limit in force;
//  - nothing that weakens a guard takes effect unless it was asked for, announced, and left uncancelled for 24
//    hours of device time, not counting time frozen (a PIN-only unfreeze: 24 hours, frozen or not).
import test from 'ava';
import fc from 'fast-check';
import { parsePolicy } from '../../modules/guard/policy.js';
import { coverage } from '../../modules/guard/coverage.js';
import type { Call } from '../../modules/ethereum/calldata.js';
import type { EthTx } from '../../modules/ethereum/tx.js';
import type { ChangeKind } from '../../modules/guard/pending.js';
import { DAY_MS } from '../../modules/guard/ledger.js';
import { totp } from '../../modules/guard/otp.js';
import { guardRig, type GuardRig } from './support/guard-rig.js';

const MIN = 60_000;
const OWNER_SECRET = new Uint8Array(20).fill(0x0a);
const THIEF_SECRET = new Uint8Array(20).fill(0x7e);
const T0 = 1_800_000_000;
const POLICY = parsePolicy({ rules: [{ asset: 'eth:1', daily: '1000' }, { asset: 'eth:*', daily: '500' }, { asset: 'btc:testnet', daily: '300' }] });
const LOOSE = parsePolicy({ rules: [{ asset: 'eth:1', daily: '100000' }, { asset: 'eth:*', daily: '500' }, { asset: 'btc:testnet', daily: '300' }] });
const NONE: Call = { kind: 'none' };

type Action =
  | { a: 'sign-eth'; chain: bigint; amount: bigint } | { a: 'sign-btc'; network: 'testnet' | 'regtest' | 'mainnet'; amount: bigint }
  | { a: 'loosen' } | { a: 'enrol' } | { a: 'remove-codes' } | { a: 'unfreeze-pin' } | { a: 'bind' } | { a: 'wrong-code' }
  | { a: 'owner-cancel' } | { a: 'owner-freeze' } | { a: 'owner-unfreeze' } | { a: 'reboot' } | { a: 'wait'; ms: number } | { a: 'app-time'; s: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ a: fc.constant('sign-eth' as const), chain: fc.constantFrom(1n, 10n, 137n, 8453n), amount: fc.bigInt({ min: 1n, max: 400n }) }) },
  { weight: 2, arbitrary: fc.record({ a: fc.constant('sign-btc' as const), network: fc.constantFrom('testnet' as const, 'regtest' as const, 'mainnet' as const), amount: fc.bigInt({ min: 1n, max: 200n }) }) },
  ...(['loosen', 'enrol', 'remove-codes', 'unfreeze-pin', 'bind', 'wrong-code', 'owner-freeze', 'owner-unfreeze', 'reboot'] as const).map((a) => ({ weight: 1, arbitrary: fc.constant({ a } as Action) })),
  { weight: 1, arbitrary: fc.constant({ a: 'owner-cancel' } as Action) },
  { weight: 4, arbitrary: fc.record({ a: fc.constant('wait' as const), ms: fc.oneof(fc.integer({ min: 0, max: 3 * 3_600_000 }), fc.integer({ min: DAY_MS - 10 * MIN, max: DAY_MS + 10 * MIN })) }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('app-time' as const), s: fc.integer({ min: -86_400, max: 86_400 }) }) },
);

const ethTx = (chainId: bigint, value: bigint): EthTx => ({ type: 'eip1559', chainId, nonce: 0n, gasLimit: 0n, maxFeePerGas: 0n, maxPriorityFeePerGas: 0n, to: '0x1d1c328764a41bda0492b66baa30c4a339ff85ef', value, data: new Uint8Array(0), accessList: [] });

interface Snapshot { daily: string; codes: 'none' | 'owner' | 'thief'; frozen: boolean; app: string }

function snapshot(r: GuardRig): Snapshot {
  const g = r.guard;
  return {
    daily: JSON.stringify(g.policy.rules.map((x) => [x.asset, String(x.daily)])),
    codes: !g.codes.enrolled ? 'none' : g.codes.isEnrolledSecret(OWNER_SECRET) ? 'owner' : 'thief',
    frozen: g.freeze.frozen,
    app: r.bound.at(-1)?.label ?? 'Alice phone',
  };
}

test('property: the attacker without the authenticator never signs past the limits in any 24 h, and removes no guard without the stated wait', (t) => {
  let signed = 0;
  let refused = 0;
  let waitedOut = 0;
  fc.assert(fc.property(fc.boolean(), fc.array(action, { minLength: 5, maxLength: 40 }), (ownerCodes, actions) => {
    const r = guardRig();
    r.guard.world.tell(T0);
    if (ownerCodes) r.guard.codes.enrol(OWNER_SECRET, 1);
    r.guard.apply(POLICY);
    let appTime = T0;
    /** what the attacker asked for and how long it has waited, frozen time not counted (the unfreeze: counted) */
    const asked = new Map<ChangeKind, { waited: number }>();
    const spends: { bucket: string; at: number; amount: bigint }[] = [];
    const now = () => r.vault.clock.now();
    const attempt = (f: () => unknown) => { try { f(); } catch (err) { if (!(err as { code?: string }).code) throw err; } };
    const record = (kind: ChangeKind) => { const c = r.guard.changes.get(kind); if (c && !asked.has(kind)) asked.set(kind, { waited: 0 }); };
    for (const x of actions) {
      const before = snapshot(r);
      let ownerDid = false;
      switch (x.a) {
        case 'sign-eth': case 'sign-btc': {
          const v = x.a === 'sign-eth' ? r.guard.checkEthTx(ethTx(x.chain, x.amount), NONE)
            : r.guard.checkBtc({ outputs: [{ ownReceive: false, address: 'tb1qstranger', amount: x.amount }], sent: x.amount, fee: 0n } as any, x.network);
          if (v.kind === 'allow') {
            r.guard.record(v.outflows);
            for (const o of v.outflows) spends.push({ bucket: o.asset, at: now(), amount: o.amount });
            signed++;
            // no window ending now holds more than the limit in force for that budget
            for (const o of v.outflows) {
              const c = coverage(r.guard.policy, o.asset.startsWith('eth:*') ? 'eth:999' : o.asset);
              if (c.kind !== 'rule' || c.rule.daily === undefined) continue;
              const sum = spends.filter((s) => s.bucket === o.asset && s.at > now() - DAY_MS).reduce((n, s) => n + s.amount, 0n);
              if (sum > c.rule.daily) return false;
            }
          } else refused++;
          break;
        }
        case 'loosen': { // as app/guard-screens.ts does: tighter at once, looser with a code (he has none) or the wait
          if (r.guard.freeze.frozen) break;
          const kind = r.guard.compare(LOOSE);
          if (kind === 'tighter') r.guard.apply(LOOSE);
          else if (kind === 'looser' && !r.guard.codes.enrolled) attempt(() => r.guard.schedule({ kind: 'policy', policy: LOOSE }));
          record('policy');
          break;
        }
        case 'enrol': attempt(() => r.guard.setUpCodes(THIEF_SECRET, Math.floor(appTime / 30))); record('codes-on'); break;
        case 'remove-codes': attempt(() => r.guard.requestCodeRemoval()); record('codes-off'); break;
        case 'unfreeze-pin': attempt(() => r.guard.requestUnfreeze()); record('unfreeze'); break;
        case 'bind': { // as app/binding.ts does after the code on the screen and a held C (a frozen device binds nothing)
          if (r.guard.freeze.frozen) break;
          const needs = r.guard.newAppNeeds();
          if (needs === 'nothing') r.bound.push({ label: 'Thief', how: 'binding code' });
          else if (needs === 'wait') attempt(() => r.guard.schedule({ kind: 'bind', publicKey: new Uint8Array(32).fill(9), label: 'Thief', how: 'binding code' }));
          record('bind');
          break;
        }
        case 'wrong-code': r.guard.codes.verify('000000' === totp(OWNER_SECRET, appTime) ? '111111' : '000000'); break;
        case 'owner-cancel':
          for (const c of r.guard.changes.list()) r.guard.cancel(c.id, 'app');
          asked.clear();
          break;
        case 'owner-freeze': r.guard.freezeNow('app', 'Alice phone'); asked.delete('unfreeze'); break; // the phone insists: stay frozen
        case 'owner-unfreeze':
          if (before.codes === 'owner' && r.guard.codes.verify(totp(OWNER_SECRET, r.guard.world.now()!)).ok) { r.guard.unfreeze('the owner\'s code'); ownerDid = true; asked.delete('unfreeze'); }
          break;
        case 'reboot': r.reboot(); r.guard.world.tell(appTime); break;
        case 'app-time': appTime += x.s; r.guard.world.tell(appTime); break;
        case 'wait': {
          const frozen = r.guard.freeze.frozen;
          for (const [kind, w] of asked) if (!frozen || kind === 'unfreeze') w.waited += x.ms;
          r.advance(x.ms);
          appTime += x.ms / 1000;
          r.guard.world.tell(appTime);
          r.guard.tick();
          break;
        }
      }
      // anything weakened since `before` must have waited out its 24 hours (or be the owner's own doing, or come
      // after the thief's own codes took effect, which was itself such a wait)
      const after = snapshot(r);
      if (before.codes === 'thief') continue;
      const waited = (kind: ChangeKind) => (asked.get(kind)?.waited ?? -1) >= DAY_MS;
      const weakened: [boolean, ChangeKind][] = [
        [after.daily !== before.daily && after.daily === JSON.stringify(LOOSE.rules.map((x) => [x.asset, String(x.daily)])), 'policy'],
        [after.codes === 'thief', 'codes-on'],
        [before.codes === 'owner' && after.codes === 'none', 'codes-off'],
        [before.frozen && !after.frozen && !ownerDid, 'unfreeze'],
        [after.app !== before.app, 'bind'],
      ];
      for (const [did, kind] of weakened) {
        if (!did) continue;
        if (!waited(kind)) return false;
        waitedOut++;
        asked.delete(kind);
      }
      // a change the guard dropped (applied, cancelled by a tightening or a freeze) is no longer the attacker's
      for (const kind of [...asked.keys()]) if (!r.guard.changes.get(kind)) asked.delete(kind);
    }
    return true;
  }), { numRuns: 30, seed: 16 });
  t.true(signed > 20 && refused > 20, `${signed} signed, ${refused} refused: both sides exercised`);
  t.true(waitedOut > 0, `${waitedOut} guards weakened only after their wait`);
  t.log(`${signed} signatures, ${refused} refusals, ${waitedOut} weakenings after the full wait`);
});
