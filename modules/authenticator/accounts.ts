/**
 * The device as an authenticator for other services (as Jade does): accounts imported from `otpauth://` URIs
 * the bound app sends and the owner confirms on the device; their codes are shown on the LCD only, never sent
 * over the link.
 *
 * Storage: one vault record per account (AUTHENTICATOR_SLOTS of them), sealed twice: first under a key derived
 * from the wallet's seed (so an account opens only while the wallet is unlocked, and a PIN change needs no
 * re-sealing: the seed does not change), then under the chip-bound device key like the guard's records (so a
 * flash dump opens nothing even with the recovery words). A factory reset erases them with everything else.
 *
 * HOTP: the next counter is written (read back) before its code is shown, so a power cut can skip a code but
 * never show one twice; services accept a look-ahead window for that.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8Encode, wipe } from '../bytes.js';
import { LatchError } from '../errors.js';
import { otpCode, type OtpAlgorithm, type OtpParams } from '../guard/otp.js';
import { decodeCbor, encodeCbor } from '../protocol/cbor.js';
import { AUTHENTICATOR_SLOTS, RecordKey, type VaultRecords } from '../vault/records.js';
import { NONCE_SIZE, open, seal } from '../vault/seal.js';

export { AUTHENTICATOR_SLOTS };
export const MAX_ACCOUNT_NAME = 64;
const VERSION = 1;
const KEY_LABEL = utf8Encode('latch/v1/authenticator');

export interface AccountSummary {
  slot: number;
  name: string;
  kind: 'totp' | 'hotp';
  /** its record does not open (flash damage, or a wallet restored from other words): it can only be removed */
  damaged?: true;
}

/** A stored account: its parameters (the secret is a copy the caller wipes) and its name. */
export interface Account extends AccountSummary {
  params: OtpParams;
}

/** The name the device shows: "Issuer: account", or the URI's label when it already names the issuer. */
export function accountName(p: OtpParams): string {
  const label = p.label.trim();
  if (!p.issuer || label.startsWith(`${p.issuer}:`) || label === p.issuer) return label.replace(/:\s*/, ': ');
  return label ? `${p.issuer}: ${label}` : p.issuer;
}

/** Why an account cannot be shown on the LCD (undefined when it can). */
export function badAccountName(name: string): string | undefined {
  if (!name) return 'the URI names no account (its label is empty)';
  if (name.length > MAX_ACCOUNT_NAME) return `the account name is longer than ${MAX_ACCOUNT_NAME} characters`;
  if (!/^[\x20-\x7e]+$/.test(name)) return 'the account name must be printable ASCII: the device shows nothing else';
  return undefined;
}

export class AuthenticatorAccounts {
  constructor(
    private readonly records: VaultRecords,
    /** the wallet's BIP39 entropy (a copy this wipes); throws `locked` while locked */
    private readonly seedEntropy: () => Uint8Array,
    private readonly randomBytes: (n: number) => Uint8Array,
    /** true for the secret of the device's own verification codes (enrolled or pending), compared in constant time */
    private readonly isGuardSecret: (secret: Uint8Array) => boolean = () => false,
  ) {}

  /** The accounts, in slot order; an account whose record does not open is listed as damaged (it can be removed). */
  list(): AccountSummary[] {
    return this.withKey((key) => {
      const out: AccountSummary[] = [];
      for (let slot = 0; slot < AUTHENTICATOR_SLOTS; slot++) {
        if (!this.records.get(RecordKey.authenticatorFirst + slot)) continue;
        try {
          const a = this.read(key, slot);
          out.push({ slot, name: a.name, kind: a.kind });
          wipe(a.params.secret);
        } catch (err) {
          if (!(err instanceof LatchError)) throw err;
          out.push({ slot, name: '(damaged account)', kind: 'totp', damaged: true });
        }
      }
      return out;
    });
  }

  /** Why `p` cannot be added now (checked before the owner is asked), or undefined. */
  refusal(p: OtpParams): string | undefined {
    // Whatever digest, period or digits it comes with: the device showing its own codes on its own screen would
    // hand them to whoever holds it with the PIN, the very person they guard against.
    if (this.isGuardSecret(p.secret)) return 'that is the secret of this device\'s own verification codes: the device does not show its own codes (keep them in an authenticator app on another device)';
    const name = accountName(p);
    const bad = badAccountName(name);
    if (bad) return bad;
    const all = this.list();
    if (all.some((a) => !a.damaged && a.name === name)) return `an account named "${name}" is already on the device: remove it there first`;
    if (all.length >= AUTHENTICATOR_SLOTS) return `the device holds ${AUTHENTICATOR_SLOTS} accounts already: remove one on the device first`;
    return undefined;
  }

  /** Store `p` in a free slot (the caller had the owner confirm it). */
  add(p: OtpParams): AccountSummary {
    const refused = this.refusal(p);
    if (refused) throw new LatchError('bad-params', refused);
    let slot = 0;
    while (this.records.get(RecordKey.authenticatorFirst + slot)) slot++;
    const name = accountName(p);
    this.withKey((key) => this.write(key, slot, name, p, p.counter ?? 0n));
    return { slot, name, kind: p.kind };
  }

  /** The account in `slot` (its secret is a copy the caller wipes). */
  get(slot: number): Account {
    return this.withKey((key) => this.read(key, slot));
  }

  /** The TOTP code at `unixSeconds` and how many seconds it stays current. */
  totp(slot: number, unixSeconds: number): { code: string; validForS: number } {
    const a = this.get(slot);
    try {
      if (a.kind !== 'totp') throw new LatchError('bad-params', 'that account counts (HOTP): ask it for its next code');
      const period = a.params.period;
      return { code: otpCode(a.params, unixSeconds), validForS: period - (Math.floor(unixSeconds) % period) };
    } finally {
      wipe(a.params.secret);
    }
  }

  /** The next HOTP code: the counter after it is written first (see above). */
  nextHotp(slot: number): { code: string; counter: bigint } {
    return this.withKey((key) => {
      const a = this.read(key, slot);
      try {
        if (a.kind !== 'hotp') throw new LatchError('bad-params', 'that account is time-based (TOTP)');
        const counter = a.params.counter ?? 0n;
        this.write(key, slot, a.name, a.params, counter + 1n);
        return { code: otpCode(a.params, counter), counter };
      } finally {
        wipe(a.params.secret);
      }
    });
  }

  /** Forget the account in `slot`; returns its name. */
  remove(slot: number): string {
    let name = '(damaged account)';
    try {
      const a = this.get(slot);
      name = a.name;
      wipe(a.params.secret);
    } catch (err) {
      if (!(err instanceof LatchError)) throw err;
    }
    this.records.delete(RecordKey.authenticatorFirst + slot);
    return name;
  }

  private withKey<T>(use: (key: Uint8Array) => T): T {
    const seed = this.seedEntropy();
    const key = hmac(sha256, seed, KEY_LABEL);
    wipe(seed);
    try {
      return use(key);
    } finally {
      wipe(key);
    }
  }

  private write(key: Uint8Array, slot: number, name: string, p: OtpParams, counter: bigint): void {
    const recordKey = RecordKey.authenticatorFirst + slot;
    const plain = encodeCbor([VERSION, name, p.kind, p.secret, p.algorithm, p.digits, p.period, counter.toString(), p.label, p.issuer ?? '']);
    const inner = seal(key, recordKey, plain, this.randomBytes(NONCE_SIZE));
    wipe(plain);
    this.records.setSealed(recordKey, inner, 'authenticator account');
  }

  private read(key: Uint8Array, slot: number): Account {
    const recordKey = RecordKey.authenticatorFirst + slot;
    const inner = this.records.getSealed(recordKey);
    if (!inner) throw new LatchError('bad-params', `no account in slot ${slot}`);
    let plain: Uint8Array;
    try {
      plain = open(key, recordKey, inner);
    } catch {
      throw new LatchError('record-damaged', `the authenticator account in slot ${slot} does not open`);
    }
    const v = decodeCbor(plain) as unknown[];
    wipe(plain);
    if (!Array.isArray(v) || v[0] !== VERSION || v.length !== 10) throw new LatchError('record-damaged', `the authenticator account in slot ${slot} is not one this firmware reads`);
    const [, name, kind, secret, algorithm, digits, period, counter, label, issuer] = v as [number, string, 'totp' | 'hotp', Uint8Array, OtpAlgorithm, 6 | 8, number, string, string, string];
    const params: OtpParams = { kind, secret, algorithm, digits, period, label, ...(issuer ? { issuer } : {}), ...(kind === 'hotp' ? { counter: BigInt(counter) } : {}) };
    return { slot, name, kind, params };
  }
}
