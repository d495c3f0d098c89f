/**
 * The device identity (device id and chip check value, no key, in RecordKey.identity) and the keys that follow
 * from it and the chip key: the device key, which seals what is needed before the PIN, and the static X25519 key
 * sealed under it. A vault moved to another chip fails the check ("foreign"); firmware from before the chip key
 * wrote identity version 1 ("old-format").
 */
import { constantTimeEqual, wipe } from '../bytes.js';
import type { HealthTestedEntropy } from '../entropy/health.js';
import { LatchError } from '../errors.js';
import type { ChipKeyPort } from '../ports.js';
import type { RecordLog } from '../storage/record-log.js';
import { CHIP_CHECK_SIZE, chipCheck, deviceKey } from './chip-keys.js';
import { IDENTITY_VERSION, RecordKey } from './records.js';
import { NONCE_SIZE, open, seal } from './seal.js';

export class DeviceIdentity {
  /** the device id, once loaded or made */
  id: Uint8Array | undefined;
  /** the device key (never stored): HMAC_chip over the id */
  key: Uint8Array | undefined;

  constructor(
    private readonly log: RecordLog,
    private readonly chip: ChipKeyPort,
    private readonly entropy: HealthTestedEntropy,
  ) {}

  /** Read the identity record at boot: none yet and this chip's are 'ok'. */
  load(): 'ok' | 'foreign' | 'old-format' {
    const record = this.log.get(RecordKey.identity);
    if (!record) return 'ok';
    if (record[0] === 1) return 'old-format';
    if (record.length !== 1 + 16 + CHIP_CHECK_SIZE || record[0] !== IDENTITY_VERSION) {
      throw new LatchError('record-damaged', `the identity record has an unknown format (version ${record[0]}, ${record.length} bytes)`);
    }
    const id = record.slice(1, 17);
    if (!constantTimeEqual(chipCheck(this.chip, id), record.subarray(17))) return 'foreign';
    this.id = id;
    this.key = deviceKey(this.chip, id);
    return 'ok';
  }

  /** Make the identity (id, chip check) and the static X25519 key, whichever does not exist yet. */
  ensure(): void {
    if (!this.id) {
      const id = this.entropy.bytes(16);
      const check = chipCheck(this.chip, id);
      const record = new Uint8Array(1 + 16 + CHIP_CHECK_SIZE);
      record[0] = IDENTITY_VERSION;
      record.set(id, 1);
      record.set(check, 17);
      this.log.set(RecordKey.identity, record);
      this.id = id;
      this.key = deviceKey(this.chip, id);
    }
    if (!this.log.has(RecordKey.staticKey)) {
      // not covered by the head: a static key put back or retired only breaks the bound app's sessions
      const priv = this.entropy.bytes(32);
      this.log.set(RecordKey.staticKey, this.seal(RecordKey.staticKey, priv));
      wipe(priv);
    }
  }

  /** Zero and drop the id and key (a wipe). */
  forget(): void {
    wipe(this.key, this.id);
    this.key = undefined;
    this.id = undefined;
  }

  /** Seal `plaintext` for `recordKey` under the device key (which must exist). */
  seal(recordKey: number, plaintext: Uint8Array): Uint8Array {
    return sealWith(this.key!, recordKey, plaintext, this.entropy);
  }

  /** Open a record sealed under the device key (which must exist). */
  open(recordKey: number, sealed: Uint8Array): Uint8Array {
    return open(this.key!, recordKey, sealed);
  }
}

/** Seal under any key with a fresh nonce from the health-tested RNG. */
export function sealWith(key: Uint8Array, recordKey: number, plaintext: Uint8Array, entropy: HealthTestedEntropy): Uint8Array {
  return seal(key, recordKey, plaintext, entropy.bytes(NONCE_SIZE));
}
