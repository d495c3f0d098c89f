/**
 * The app's identity on this machine: its static X25519 key and, once bound, the device's id and public key.
 * Kept in <home>/app.json, created owner-only (0600 in a 0700 folder); a key file others can read is refused.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fromHex, toHex } from '../../modules/bytes.js';
import { keyPair, type KeyPair } from '../../modules/session/noise-kk.js';
import type { DeviceIdentity } from './client.js';

export interface AppIdentity {
  label: string;
  key: KeyPair;
  device?: DeviceIdentity;
}

export function defaultHome(): string {
  return path.join(os.homedir(), '.latch');
}

function file(home: string): string {
  return path.join(home, 'app.json');
}

export function loadOrCreate(home: string, label = `latch-cli@${os.hostname()}`.slice(0, 32)): AppIdentity {
  const f = file(home);
  if (fs.existsSync(f)) {
    const mode = fs.statSync(f).mode & 0o077;
    if (mode !== 0) throw new Error(`${f} can be read by other users (mode ${(fs.statSync(f).mode & 0o777).toString(8)}): chmod 600 it first`);
    const j = JSON.parse(fs.readFileSync(f, 'utf8'));
    if (j.version !== 1) throw new Error(`${f} has an unknown format (version ${j.version})`);
    return {
      label: j.label,
      key: keyPair(fromHex(j.privateKey)),
      device: j.device ? { id: fromHex(j.device.id), publicKey: fromHex(j.device.publicKey) } : undefined,
    };
  }
  const identity: AppIdentity = { label, key: keyPair(new Uint8Array(randomBytes(32))) };
  save(home, identity);
  return identity;
}

export function save(home: string, id: AppIdentity): void {
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  const json = {
    version: 1,
    label: id.label,
    privateKey: toHex(id.key.priv),
    publicKey: toHex(id.key.pub),
    ...(id.device ? { device: { id: toHex(id.device.id), publicKey: toHex(id.device.publicKey) } } : {}),
  };
  const f = file(home);
  const tmp = `${f}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(json, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, f); // atomic: a crash never leaves half a key file
}
