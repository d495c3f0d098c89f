/*
 * The entry point of `npm run memory:breakdown` (scripts/sim-memory-breakdown.mjs), in place of main.ts: the same
 * manifest, preloading and drivers as the simulator build, but the libraries are imported one at a time, each
 * followed by a forced collection and a marker, so the instrumentation sample after each marker shows what that
 * library keeps live (with everything imported before it). Never part of the firmware's own builds.
 */
import Debug from "debug";
import Timer from "timer";
import "drivers/globals";
import "drivers/random";

// In the order the firmware's own imports reach them: hashes, curves, ciphers, HD keys, Ethereum, CBOR, then the
// board's drivers and the rest of the firmware (the Device and everything it imports): what boot loads. Then what
// the first Bitcoin request loads (protocol/methods/btc.ts imports btc-methods dynamically): @scure/btc-signer
// and the Bitcoin methods' code.
const STEPS = [
	"@noble/hashes/sha2", "@noble/hashes/sha3", "@noble/hashes/legacy", "@noble/hashes/pbkdf2",
	"modules/crypto/secp256k1", "modules/crypto/curve25519", "@noble/ciphers/chacha",
	"@scure/bip32", "@scure/bip39",
	"micro-eth-signer/core/rlp", "cborg",
	"drivers/platform", "modules/device",
	"@scure/btc-signer/utils", "@scure/btc-signer/script", "@scure/btc-signer/psbt",
	"@scure/btc-signer/transaction", "@scure/btc-signer/payment", "modules/protocol/methods/btc-methods",
];

const SETTLE_MS = 1600;
const wait = () => new Promise((resolve) => Timer.set(resolve, SETTLE_MS));

export default async function main() {
	await wait();
	Debug.gc();
	trace("latch-probe: step preloaded\n");
	for (const name of STEPS) {
		await wait();
		try {
			await import(name);
		} catch (err) {
			trace(`latch-probe: failed ${name}: ${err}\n`);
			return;
		}
		Debug.gc();
		trace(`latch-probe: step ${name}\n`);
	}
	await wait();
	trace("latch-probe: done\n");
}
