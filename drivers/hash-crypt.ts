/**
 * HashPort on Moddable: the SDK's native `crypt` Digest (portable C, on ESP32 and the simulator), so PBKDF2 for
 * the PIN and the BIP39 seed runs its compressions in C instead of pure JS.
 */
import { Digest } from "crypt";
import type { HashAlgorithm, HashPort, Hasher } from "../modules/ports.js";

export class CryptHash implements HashPort {
  create(algorithm: HashAlgorithm): Hasher {
    const digest = new Digest(algorithm === "SHA-256" ? "SHA256" : "SHA512");
    return {
      blockSize: digest.blockSize,
      outputSize: digest.outputSize,
      reset: () => digest.reset(),
      update: (data) => digest.write(data.slice().buffer),
      digest: () => new Uint8Array(digest.close()),
    };
  }
}
