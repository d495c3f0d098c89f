/**
 * The binding side of the vault: the binding code and the bound app (sealed under the device key before any PIN),
 * and the count of failed binding attempts with its lock-out, measured on the device clock so a reboot does not
 * restart it (pin-policy.ts: bindDelayMs).
 */
import { utf8Decode, utf8Encode, wipe } from '../bytes.js';
import { makeBindingCode } from '../binding/code.js';
import { decodeMs, encodeMs } from './device-clock.js';
import { BIND_FREE_ATTEMPTS, bindDelayMs } from './pin-policy.js';
import { RecordKey } from './records.js';
import { VaultStorage } from './vault-storage.js';
import type { AppBinding } from './vault-types.js';

export abstract class VaultBinding extends VaultStorage {
  bindingCode(): string | undefined {
    const sealed = this.log.get(RecordKey.bindingCode);
    if (!sealed || !this.identity.key || this.status !== 'ok') return undefined;
    const bytes = this.identity.open(RecordKey.bindingCode, sealed);
    const code = utf8Decode(bytes);
    wipe(bytes);
    return code;
  }

  setBindingCode(code: string): void {
    this.ensureIdentity();
    const bytes = utf8Encode(code);
    this.writeVerified(RecordKey.bindingCode, this.identity.seal(RecordKey.bindingCode, bytes), 'binding code');
    wipe(bytes);
  }

  /** A new binding code from the health-tested RNG, stored in place of any old one; returned for the LCD only. */
  newBindingCode(): string {
    const code = makeBindingCode(this.entropy);
    this.setBindingCode(code);
    return code;
  }

  /** The bound app, if any. */
  appBinding(): AppBinding | undefined {
    const sealed = this.log.get(RecordKey.appKey);
    if (!sealed || !this.identity.key || this.status !== 'ok') return undefined;
    const bytes = this.identity.open(RecordKey.appKey, sealed);
    const binding = { publicKey: bytes.slice(0, 32), label: utf8Decode(bytes.subarray(32)) };
    wipe(bytes);
    return binding;
  }

  /** Bind `binding`'s app, replacing any earlier one (binding is one-to-one). */
  setAppBinding(binding: AppBinding): void {
    this.ensureIdentity();
    const label = utf8Encode(binding.label);
    const bytes = new Uint8Array(32 + label.length);
    bytes.set(binding.publicKey, 0);
    bytes.set(label, 32);
    this.writeVerified(RecordKey.appKey, this.identity.seal(RecordKey.appKey, bytes), 'bound app');
  }

  get bindFailures(): number {
    return this.log.get(RecordKey.bindFailures)?.[0] ?? 0;
  }

  /** Milliseconds of device time before another binding attempt is accepted. */
  get bindWaitMs(): number {
    const raw = this.log.get(RecordKey.bindFailures);
    if (!raw || raw.length !== 9) return 0;
    return Math.max(0, decodeMs(raw, 1) - this.clock.now());
  }

  /** Count a binding attempt before answering it (written and read back); returns the new count. */
  countBindAttempt(): number {
    this.ensureIdentity(); // the head that guards the count is keyed by the device (a bind needs the identity anyway)
    const n = Math.min(255, this.bindFailures + 1);
    const until = n >= BIND_FREE_ATTEMPTS ? this.clock.now() + bindDelayMs(n) : 0;
    this.writeVerified(RecordKey.bindFailures, Uint8Array.of(n, ...encodeMs(until)), 'binding failure counter');
    return n;
  }

  /** A binding attempt proved the code, or the owner cleared the lock-out on the device: the count starts over. */
  clearBindFailures(): void {
    if (this.log.has(RecordKey.bindFailures)) this.writeVerified(RecordKey.bindFailures, Uint8Array.of(0, ...encodeMs(0)), 'binding failure counter');
  }
}
