/**
 * The simulator's debug link, in the spirit of Trezor's debuglink and speculos --seed: load a published test
 * mnemonic with a PIN, so QA benches can check known answers. It lives in the simulator's guest only: main.ts
 * and the Moddable manifest never reach it (tests/host/module-hygiene.test.ts checks).
 *
 * A device without a wallet gets it as if set up on its screen (and is left unlocked, as after setup).
 * `replace` first factory-resets a device that holds a wallet (its binding and identity go with it).
 */
import type { Device } from '../../../modules/device.js';
import { LatchError } from '../../../modules/errors.js';
import { entropyFromWords } from '../../../modules/wallet/mnemonic.js';
import { isValidPin } from '../../../modules/vault/pin-kdf.js';
import type { EventsAnswer } from '../../../modules/guard/event-format.js';
import { fromHex } from '../../../modules/bytes.js';

export interface DebugLoad {
  mnemonic: string;
  pin: string;
  replace?: boolean;
}

export interface DebugLoadResult {
  loaded: boolean;
  /** why it was not loaded: the device holds a wallet */
  reason?: string;
  /** the request itself was wrong (a bad mnemonic or PIN) */
  bad?: string;
}

/** Load a test wallet; never throws for bad input (the answer says what was wrong). */
export function debugLoadWallet(device: Device, load: DebugLoad): DebugLoadResult {
  try {
    return load_(device, load);
  } catch (err) {
    if (err instanceof LatchError && (err.code === 'bad-mnemonic' || err.code === 'bad-debug-load')) return { loaded: false, bad: err.message };
    throw err;
  }
}

function load_(device: Device, load: DebugLoad): DebugLoadResult {
  if (typeof load.mnemonic !== 'string' || typeof load.pin !== 'string') throw new LatchError('bad-debug-load', 'give "mnemonic" and "pin" as strings');
  if (!isValidPin(load.pin)) throw new LatchError('bad-debug-load', 'a PIN is 6 to 8 digits');
  const entropy = entropyFromWords(load.mnemonic.trim().toLowerCase().split(/\s+/));
  if (device.vault.hasWallet || device.vault.storage !== 'ok') {
    if (!load.replace) return { loaded: false, reason: 'the device already holds a wallet (load with "replace": true to reset it first)' };
    device.vault.wipe();
  }
  device.vault.createWallet(load.pin, entropy);
  entropy.fill(0);
  device.returnHome();
  return { loaded: true };
}

/** The whole event log as the app would get it (events_since 1), for the simulator's page; null before an identity. */
export function deviceEventsOf(device: Device): { answer: EventsAnswer; deviceId: Uint8Array } | null {
  // Reading it must change nothing: no identity is made for it (a blank device has none until it binds or sets up).
  if (device.vault.storage !== 'ok' || !device.vault.deviceId) return null;
  return { answer: device.events.since(1), deviceId: fromHex(device.vault.deviceId) };
}

/** The bound app's label, for the simulator's page. */
export function boundApp(device: Device): string | null {
  return device.vault.storage === 'ok' ? device.vault.appBinding()?.label ?? null : null;
}
