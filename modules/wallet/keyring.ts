/**
 * The HD keys of the unlocked wallet (BIP32 with @scure/bip32, from the BIP39 seed): made just after unlock
 * (the device schedules it on the next tick, so unlocking stays quick; a key request before then makes them at
 * once) and held only while unlocked. Locking, auto-lock and a factory reset wipe the master key and every
 * derived private key. The active wallet is the words plus a BIP39 passphrase ('' = the standard wallet): a
 * passphrase wallet (modules/wallet/passphrase-wallet.ts) only changes that passphrase; locking returns to ''.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { HDKey } from '@scure/bip32';
import { wipe } from '../bytes.js';
import { LatchError } from '../errors.js';
import type { HashPort } from '../ports.js';
import { seedFromEntropy } from './mnemonic.js';
import { formatPath } from './path.js';

export class Keyring {
  private master: HDKey | undefined;
  private readonly nodes = new Map<string, HDKey>();
  private scheduled = false;
  /** the active BIP39 passphrase ('' = the standard wallet); a JS string cannot be zeroed, so it is dropped on lock */
  private passphrase = '';
  /** a wallet shown by its fingerprint before it is used (`preview`): used without deriving it again */
  private previewed: { passphrase: string; master: HDKey } | undefined;
  /**
   * a wallet loaded as a seed (`loadSeed`: the duress PIN's decoy kept as one) has no words: its standard wallet is
   * that seed, and its passphrase wallets come from a stand-in (SHA-256 of the seed as BIP39 entropy): the same
   * work and the same fingerprint for the same passphrase as on a wallet of words, never the device's real words
   */
  private base: Uint8Array | undefined;
  /**
   * Which wallet the keys are: changes whenever they are forgotten (a switch, a lock, a decoy loaded). Why: a
   * fingerprint is 32 bits, so "the same fingerprint" is no proof of the same wallet; an approval made for one
   * set of keys (an anti-exfil reveal, signing/approval.ts) checks this instead.
   */
  private keysGeneration = 0;

  constructor(private readonly seedEntropy: () => Uint8Array, private readonly hash?: HashPort) {}

  /** Changes whenever the wallet the keys belong to may have changed (see keysGeneration). */
  get generation(): number {
    return this.keysGeneration;
  }

  get loaded(): boolean {
    return this.master !== undefined;
  }

  /** The wallet was unlocked: make the keys at the next tick. */
  schedule(): void {
    this.scheduled = true;
  }

  /** Called from the device's tick. */
  loadIfScheduled(): boolean {
    if (!this.scheduled) return false;
    this.scheduled = false;
    this.ensure();
    return true;
  }

  /** The master node (made now if it was not yet); throws `locked` if the vault cannot give the seed. */
  ensure(): HDKey {
    if (this.master) return this.master;
    this.scheduled = false;
    const seed = this.seedOf(this.passphrase);
    try {
      this.master = HDKey.fromMasterSeed(seed);
    } finally {
      wipe(seed);
    }
    return this.master;
  }

  /** The node at `path` (derived once, kept until the wallet locks). */
  derive(path: number[]): HDKey {
    const key = formatPath(path);
    const cached = this.nodes.get(key);
    if (cached) return cached;
    const master = this.ensure();
    // Derive from the longest cached ancestor: accounts are reused, addresses differ in the last level.
    let node = master;
    let start = 0;
    for (let depth = path.length - 1; depth > 0; depth--) {
      const ancestor = this.nodes.get(formatPath(path.slice(0, depth)));
      if (ancestor) { node = ancestor; start = depth; break; }
    }
    for (let i = start; i < path.length; i++) {
      node = node.deriveChild(path[i]);
      if (i < path.length - 1 && this.nodes.size < 64) this.nodes.set(formatPath(path.slice(0, i + 1)), node);
    }
    if (this.nodes.size < 64) this.nodes.set(key, node);
    return node;
  }

  /** The private key at `path` (a copy the caller must wipe). */
  privateKey(path: number[]): Uint8Array {
    const k = this.derive(path).privateKey;
    if (!k) throw new LatchError('locked', 'the device is locked');
    return k.slice();
  }

  get fingerprint(): number {
    return this.ensure().fingerprint;
  }

  /**
   * Load a 64-byte BIP39 seed directly (the duress PIN's decoy kept as a seed, vault/duress.ts): every key is
   * forgotten first. The caller wipes its copy of the seed.
   */
  loadSeed(seed: Uint8Array): void {
    if (seed.length !== 64) throw new LatchError('bad-params', 'a BIP39 seed is 64 bytes');
    this.wipe();
    this.master = HDKey.fromMasterSeed(seed);
    this.base = seed.slice();
  }

  /**
   * Switch to the wallet behind `passphrase` ('' = the standard wallet): every key of the wallet before is wiped
   * and the next `ensure()` derives the seed with it. Printable ASCII only (what the device can enter and show),
   * at most 100 characters.
   */
  usePassphrase(passphrase: string): void {
    checkPassphrase(passphrase);
    const previewed = this.previewed?.passphrase === passphrase ? this.previewed.master : undefined;
    if (previewed) this.previewed = undefined;
    this.forgetKeys();
    this.passphrase = passphrase;
    this.master = previewed;
  }

  /**
   * The fingerprint of the wallet behind `passphrase`, without switching to it: the owner confirms a wallet by its
   * fingerprint first. Its master key is kept until `usePassphrase` takes it (a BIP39 seed costs seconds on the
   * device: not twice), `dropPreview`, or the lock.
   */
  preview(passphrase: string): number {
    checkPassphrase(passphrase);
    this.dropPreview();
    const seed = this.seedOf(passphrase);
    try {
      this.previewed = { passphrase, master: HDKey.fromMasterSeed(seed) };
    } finally {
      wipe(seed);
    }
    return this.previewed.master.fingerprint;
  }

  /**
   * The 64-byte BIP39 seed of the words with `passphrase` (a copy the caller must wipe), switching nothing: the
   * duress PIN's decoy kept as a passphrase wallet of these words (app/duress-screens.ts, vault/duress.ts).
   * For a wallet loaded as a seed: that seed for '', else the stand-in's (`base`).
   */
  seedOf(passphrase: string): Uint8Array {
    checkPassphrase(passphrase);
    if (this.base && passphrase === '') return this.base.slice();
    // throws LatchError('locked') when locked
    const entropy = this.base ? sha256(this.base) : this.seedEntropy();
    try {
      return seedFromEntropy(entropy, passphrase, this.hash);
    } finally {
      wipe(entropy);
    }
  }

  /** Forget a previewed wallet's key (the owner did not use it). */
  dropPreview(): void {
    this.previewed?.master.wipePrivateData();
    this.previewed = undefined;
  }

  /** A passphrase wallet is active (not the standard one). */
  get passphraseInUse(): boolean {
    return this.passphrase !== '';
  }

  /** Forget every key and the passphrase (lock, auto-lock, reset): the next unlock opens the standard wallet. */
  wipe(): void {
    this.scheduled = false;
    this.forgetKeys();
    this.dropPreview();
    this.passphrase = '';
    wipe(this.base);
    this.base = undefined;
  }

  private forgetKeys(): void {
    this.keysGeneration++;
    for (const node of this.nodes.values()) node.wipePrivateData();
    this.nodes.clear();
    this.master?.wipePrivateData();
    this.master = undefined;
  }
}

/** the longest passphrase taken (BIP39 sets none; 100 printable characters is more than any peer shows) */
export const MAX_PASSPHRASE = 100;

/** Throws bad-params unless `p` is printable ASCII (0x20..0x7e) of at most MAX_PASSPHRASE characters. */
export function checkPassphrase(p: unknown): asserts p is string {
  if (typeof p !== 'string') throw new LatchError('bad-params', 'a passphrase is a string');
  if (p.length > MAX_PASSPHRASE) throw new LatchError('bad-params', `a passphrase is at most ${MAX_PASSPHRASE} characters (this one has ${p.length})`);
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) throw new LatchError('bad-params', `a passphrase is printable ASCII only (character ${i + 1} is not)`);
  }
}
