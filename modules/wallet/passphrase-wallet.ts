/**
 * Which wallet is in use: the standard one (the recovery words alone) or a passphrase wallet (the words and a
 * BIP39 passphrase, issue 23). The keyring derives the keys; this decides when it switches and says so:
 *  - a passphrase is entered on the device, or sent by the bound app when the owner allowed that in the menu;
 *    either way the owner sees the wallet's fingerprint and confirms it on the device before it is used;
 *  - locking returns to the standard wallet, unless the owner asked the device to keep the passphrase: then it
 *    is sealed under the DEK like the seed (RecordKey.passphrase, padded so its length does not show, covered
 *    by the vault head) and opened again at every unlock;
 *  - every switch is an event carrying the fingerprint (never the passphrase); signatures' events carry it too.
 * The spending policy, its ledger, codes and the freeze belong to the device, not to a wallet: a PIN holder who
 * switches wallets meets the same limits (guard/).
 */
import { HDKey } from '@scure/bip32';
import { wipe } from '../bytes.js';
import { LatchError } from '../errors.js';
import type { EventLog } from '../guard/event-log.js';
import type { LogPort } from '../ports.js';
import { RecordKey } from '../vault/records.js';
import type { Vault } from '../vault/vault.js';
import { checkPassphrase, MAX_PASSPHRASE, type Keyring } from './keyring.js';

export type SwitchedBy = 'device' | 'app';

const STORED_VERSION = 1;

/** A fingerprint as wallets show it: 8 hex digits. */
export function fingerprintHex(fp: number): string {
  return (fp >>> 0).toString(16).padStart(8, '0');
}

export function encodeStored(passphrase: string): Uint8Array {
  checkPassphrase(passphrase);
  const out = new Uint8Array(2 + MAX_PASSPHRASE);
  out[0] = STORED_VERSION;
  out[1] = passphrase.length;
  for (let i = 0; i < passphrase.length; i++) out[2 + i] = passphrase.charCodeAt(i);
  return out;
}

export function decodeStored(b: Uint8Array): string {
  if (b.length !== 2 + MAX_PASSPHRASE || b[0] !== STORED_VERSION || b[1] > MAX_PASSPHRASE) throw new LatchError('record-damaged', 'the kept passphrase has an unknown format');
  let s = '';
  for (let i = 0; i < b[1]; i++) s += String.fromCharCode(b[2 + i]);
  checkPassphrase(s);
  return s;
}

export class PassphraseWallet {
  constructor(
    private readonly vault: Vault,
    private readonly keyring: Keyring,
    private readonly events: EventLog,
    private readonly log: LogPort,
    /** why the device cannot switch now (an app's request waits, made for the wallet in use), if it cannot */
    private readonly busy: () => string | undefined,
  ) {}

  /** A passphrase wallet is in use (not the standard one). */
  get inUse(): boolean {
    return this.keyring.passphraseInUse;
  }

  /** The active wallet's master fingerprint, 8 hex digits (derives the keys now if they were not yet). */
  get fingerprint(): string {
    return fingerprintHex(this.keyring.fingerprint);
  }

  /**
   * The fingerprint of the wallet behind `passphrase`, without switching to it (the owner confirms it first). The
   * keyring keeps its key for `use` (or until `dropPreview`, or the lock).
   */
  preview(passphrase: string): string {
    return fingerprintHex(this.keyring.preview(passphrase));
  }

  /**
   * The BIP39 seed of the wallet behind `passphrase` and its fingerprint, switching nothing (a copy to wipe): the
   * duress PIN's decoy as a passphrase wallet (app/duress-screens.ts). In duress mode it never comes from the real
   * words: from the decoy's own words (an empty decoy), or, for a decoy kept as a seed (which has no words), from
   * a stand-in derived from that seed (Keyring.loadSeed): the same work, the same fingerprint for the same
   * passphrase, and nothing the decoy could not already give.
   */
  seedOf(passphrase: string): { seed: Uint8Array; fingerprint: string } {
    const seed = this.keyring.seedOf(passphrase);
    const master = HDKey.fromMasterSeed(seed);
    const fingerprint = fingerprintHex(master.fingerprint);
    master.wipePrivateData();
    return { seed, fingerprint };
  }

  /** The owner did not use the wallet previewed: its key is wiped. */
  dropPreview(): void {
    this.keyring.dropPreview();
  }

  /**
   * Switch to the wallet behind `passphrase` ('' = the standard wallet) and say so in the event log; returns its
   * fingerprint. The keys of the wallet before are wiped.
   */
  use(passphrase: string, by: SwitchedBy): string {
    if (!this.vault.isUnlocked) throw new LatchError('locked', 'the device is locked');
    const busy = this.busy();
    if (busy) throw new LatchError('busy', busy);
    this.keyring.usePassphrase(passphrase);
    const fp = this.fingerprint;
    this.events.record('wallet-switched', { wallet: fp, passphrase: passphrase !== '', by });
    this.log.log(`wallet switched by the ${by}: ${passphrase ? 'a passphrase wallet' : 'the standard wallet'}`);
    return fp;
  }

  /** A passphrase is kept on the device (sealed under the DEK). */
  get stored(): boolean {
    // in duress mode (vault/duress.ts) the real wallet's record is not the decoy's to show: the decoy shows what it
    // "kept" itself (held until the lock, never written: decoy-session.ts)
    if (this.vault.duressMode) return this.vault.decoyKeptPassphrase;
    return this.vault.records.get(RecordKey.passphrase) !== undefined;
  }

  /** Keep `passphrase` on the device: it opens again at every unlock. Sealed under the DEK, padded. */
  store(passphrase: string): void {
    if (!passphrase) throw new LatchError('bad-params', 'the standard wallet needs no passphrase kept');
    if (this.vault.duressMode) {
      this.vault.decoyKeptPassphrase = true; // nothing is written in duress mode; the menu and the event are the same
    } else {
      const plain = encodeStored(passphrase);
      try {
        this.vault.records.set(RecordKey.passphrase, this.vault.sealWithDek(RecordKey.passphrase, plain), 'kept passphrase');
      } finally {
        wipe(plain);
      }
    }
    this.events.record('wallet-passphrase-stored', { wallet: this.fingerprint });
  }

  /** Forget the kept passphrase: the next unlock opens the standard wallet (the wallet in use stays until then). */
  forget(): void {
    if (!this.stored) return;
    if (this.vault.duressMode) this.vault.decoyKeptPassphrase = false; // nothing is written there
    else this.vault.records.delete(RecordKey.passphrase);
    this.events.record('wallet-passphrase-forgotten', {});
  }

  /** Just unlocked: open the kept passphrase's wallet, if one is kept (no event: the owner chose it once). */
  restoreAtUnlock(): void {
    if (!this.stored) return;
    let plain: Uint8Array | undefined;
    try {
      plain = this.vault.openWithDek(RecordKey.passphrase);
      if (plain) this.keyring.usePassphrase(decodeStored(plain));
    } catch (err) {
      if (!(err instanceof LatchError)) throw err;
      this.log.log(`kept passphrase not opened: ${err.message}`);
    } finally {
      wipe(plain);
    }
  }

  /** The owner allowed the bound app to send a passphrase (still confirmed on the device). */
  get appAllowed(): boolean {
    return this.vault.preferences.appPassphrase === true;
  }

  setAppAllowed(allowed: boolean): void {
    this.vault.setPreferences({ ...this.vault.preferences, appPassphrase: allowed });
    this.events.record('wallet-app-passphrase', { allowed });
  }
}
