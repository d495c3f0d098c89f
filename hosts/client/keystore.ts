/**
 * The app's identity on this machine: its static X25519 key and, once bound, the device's id and public key.
 * Kept in <home>/app.json, created owner-only (0600 in a 0700 folder); a key file others can read is refused.
 *
 * `latch bind --protect` encrypts the private key with a passphrase: scrypt (N=2^15, r=8, p=1, from
 * @noble/hashes) derives a key that seals it with XChaCha20-Poly1305 (@noble/ciphers), the file's other fields as
 * associated data. A protected file asks for the passphrase on a terminal, or reads LATCH_PASSPHRASE.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scrypt } from '@noble/hashes/scrypt.js';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { fromHex, toHex, utf8Encode } from '../../modules/bytes.js';
import { keyPair, type KeyPair } from '../../modules/session/noise-kk.js';
import type { DeviceIdentity } from './client.js';

export interface AppIdentity {
  label: string;
  key: KeyPair;
  device?: DeviceIdentity;
  /** the passphrase the file is protected with, if it is (kept to save it again the same way) */
  passphrase?: string;
}

const SCRYPT = { N: 2 ** 15, r: 8, p: 1, dkLen: 32 };

export class PassphraseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PassphraseError';
  }
}

/** The key file is there but is not one this client can read: the message names it and says what to do. */
export class KeyFileError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`${file} ${problem}: move it away and run "latch bind" to make a new app key (the device then needs its binding code again), or put back a copy of the file`);
    this.name = 'KeyFileError';
  }
}

export function defaultHome(): string {
  return path.join(os.homedir(), '.latch');
}

function file(home: string): string {
  return path.join(home, 'app.json');
}

/** Where a protected file gets its passphrase: LATCH_PASSPHRASE, else the caller (a terminal prompt). */
export type PassphraseSource = () => Promise<string>;

export function envPassphrase(): string | undefined {
  const p = process.env.LATCH_PASSPHRASE;
  return p === undefined || p === '' ? undefined : p;
}

export async function loadOrCreate(home: string, label = `latch-cli@${os.hostname()}`.slice(0, 32), ask?: PassphraseSource): Promise<AppIdentity> {
  const f = file(home);
  if (fs.existsSync(f)) {
    const mode = fs.statSync(f).mode & 0o077;
    if (mode !== 0) throw new Error(`${f} can be read by other users (mode ${(fs.statSync(f).mode & 0o777).toString(8)}): chmod 600 it first`);
    let j: any;
    try {
      j = JSON.parse(fs.readFileSync(f, 'utf8'));
    } catch (err) {
      throw new KeyFileError(f, (err as NodeJS.ErrnoException).code ? `cannot be read (${(err as NodeJS.ErrnoException).code})` : 'is not a Latch key file (not JSON)');
    }
    if (typeof j !== 'object' || j === null || (j.version !== 1 && j.version !== 2)) throw new KeyFileError(f, `is not a Latch key file this client knows (format ${JSON.stringify(j?.version)})`);
    const hex = (v: unknown, size: number, what: string): Uint8Array => {
      if (typeof v !== 'string' || !new RegExp(`^[0-9a-f]{${size * 2}}$`, 'i').test(v)) throw new KeyFileError(f, `is damaged (its ${what} is not ${size} bytes of hex)`);
      return fromHex(v);
    };
    if (typeof j.label !== 'string' || !j.label) throw new KeyFileError(f, 'is damaged (it has no label)');
    const device = j.device ? { id: hex(j.device.id, 16, 'device id'), publicKey: hex(j.device.publicKey, 32, 'device key') } : undefined;
    if (j.version === 1) return { label: j.label, key: keyPair(hex(j.privateKey, 32, 'private key')), device };
    const passphrase = envPassphrase() ?? (ask ? await ask() : undefined);
    if (passphrase === undefined) throw new PassphraseError(`${f} is protected by a passphrase: set LATCH_PASSPHRASE, or run latch in a terminal`);
    return { label: j.label, key: keyPair(unprotect(f, j, passphrase)), device, passphrase };
  }
  const identity: AppIdentity = { label, key: keyPair(new Uint8Array(randomBytes(32))) };
  save(home, identity);
  return identity;
}

function associatedData(label: string, publicKey: string): Uint8Array {
  return utf8Encode(`latch-app-key-v2|${label}|${publicKey}`);
}

function unprotect(f: string, j: any, passphrase: string): Uint8Array {
  const p = j.protected;
  if (!p || p.kdf !== 'scrypt' || typeof p.salt !== 'string' || typeof p.nonce !== 'string' || typeof p.ciphertext !== 'string') throw new KeyFileError(f, 'is protected in a way this client does not know, or is damaged');
  const key = scrypt(utf8Encode(passphrase), fromHex(p.salt), { N: p.N, r: p.r, p: p.p, dkLen: 32 });
  try {
    return xchacha20poly1305(key, fromHex(p.nonce), associatedData(j.label, j.publicKey)).decrypt(fromHex(p.ciphertext));
  } catch {
    throw new PassphraseError('wrong passphrase for the app\'s key file (or the file was altered)');
  } finally {
    key.fill(0);
  }
}

export function save(home: string, id: AppIdentity): void {
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  const publicKey = toHex(id.key.pub);
  const common = {
    label: id.label,
    publicKey,
    ...(id.device ? { device: { id: toHex(id.device.id), publicKey: toHex(id.device.publicKey) } } : {}),
  };
  let json: Record<string, unknown>;
  if (id.passphrase !== undefined) {
    const salt = new Uint8Array(randomBytes(16));
    const nonce = new Uint8Array(randomBytes(24));
    const key = scrypt(utf8Encode(id.passphrase), salt, SCRYPT);
    const ciphertext = xchacha20poly1305(key, nonce, associatedData(id.label, publicKey)).encrypt(id.key.priv);
    key.fill(0);
    json = { version: 2, ...common, protected: { kdf: 'scrypt', N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, salt: toHex(salt), nonce: toHex(nonce), cipher: 'xchacha20-poly1305', ciphertext: toHex(ciphertext) } };
  } else {
    json = { version: 1, ...common, privateKey: toHex(id.key.priv) };
  }
  const f = file(home);
  const tmp = `${f}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(json, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, f); // atomic: a crash never leaves half a key file
}
