/**
 * The simulated board's chip key: 32 random bytes in a file of its own (`--chip-key PATH`, by default beside the
 * flash image), standing in for the ESP32-S3's eFuse HMAC key. It is never part of the flash image, so
 * GET /api/flash is what a flash dump of a real board yields: nothing opens without this file. Memory-only when
 * no file is given (tests).
 */
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ChipKeyPort } from '../../modules/ports.js';

export class ChipKeyFile implements ChipKeyPort {
  private key: Buffer;

  constructor(readonly file?: string, key?: Uint8Array) {
    if (key) {
      if (key.length !== 32) throw new Error('a chip key is 32 bytes');
      this.key = Buffer.from(key);
    } else if (file && fs.existsSync(file)) {
      const existing = fs.readFileSync(file);
      if (existing.length !== 32) throw new Error(`chip key file ${file} has ${existing.length} bytes, not 32: delete it to make a new board`);
      this.key = existing;
    } else {
      this.key = randomBytes(32);
    }
    if (file && !fs.existsSync(file)) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, this.key, { mode: 0o600 });
    }
  }

  hmac(message: Uint8Array): Uint8Array {
    return new Uint8Array(createHmac('sha256', this.key).update(message).digest());
  }

  /** Only for tests that play a second board or an attacker who has the chip. */
  exportForTest(): Uint8Array {
    return new Uint8Array(this.key);
  }
}
