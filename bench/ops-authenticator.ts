/**
 * The authenticator on the device: what showing a code costs with 16 accounts stored (each open derives the
 * seed key and opens two seals), and what listing them costs (the menu and `authenticator_list`).
 */
import { AuthenticatorAccounts, AUTHENTICATOR_SLOTS } from '../modules/authenticator/accounts.js';
import { parseOtpauth } from '../modules/guard/otp.js';
import type { BenchOp } from './bench-op.js';
import { benchVault } from './ops-guard.js';

const SEED = new Uint8Array(16).fill(0x42);
let store: AuthenticatorAccounts | undefined;
let unix = 1_800_000_000;

function storeReady(): AuthenticatorAccounts {
  if (store) return store;
  const { vault } = benchVault();
  const s = new AuthenticatorAccounts(vault.records, () => SEED.slice(), (n) => new Uint8Array(n).fill(n));
  for (let i = 0; i < AUTHENTICATOR_SLOTS; i++) s.add(parseOtpauth(`otpauth://totp/Service${i}:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Service${i}`));
  store = s;
  return s;
}

export const AUTHENTICATOR_OPS: BenchOp[] = [
  {
    name: 'authenticator code (device): seed key, account opened (two seals), TOTP',
    iterations: 10,
    prepare: () => { storeReady(); },
    run: () => storeReady().totp(7, (unix += 30)),
  },
  {
    name: `authenticator list (device): ${AUTHENTICATOR_SLOTS} accounts opened for their names`,
    iterations: 2,
    prepare: () => { storeReady(); },
    run: () => storeReady().list(),
  },
];
