/**
 * The memory probe of `npm run memory:sim` (simulator build only: manifest.json maps it under "lin/*", and
 * drivers/platform-sim.ts imports it, dynamically, only when /tmp/latch-memory-probe exists, which only
 * scripts/sim-memory.mjs makes, in its own private /tmp). Board builds never contain it.
 *
 * It drives the firmware through unlock and one signature without the buttons, like the Node simulator's debug
 * link: the published test mnemonic ("all" x 12) is set up as a wallet with a test PIN (the vault's real
 * createWallet: PIN KDF, sealing, flash writes), the keys are made as after unlock, and one EIP-1559
 * transaction is parsed, reviewed (every page laid out, as while the owner reads), signed and serialized, as the
 * eth_signTransaction method does. Then it loads the Bitcoin code as the first btc_* request does and signs a
 * two-input PSBT (drivers/memory-probe-btc.ts). Between phases it forces a collection and traces a marker; the script reads
 * the SDK's instrumentation sample that follows each marker.
 */
import Debug from "debug";
import Timer from "timer";
import type { Device } from "../modules/device.js";
import { entropyFromWords } from "../modules/wallet/mnemonic.js";
import { decodeCall } from "../modules/ethereum/calldata.js";
import { txReview } from "../modules/ethereum/review.js";
import { signDigest } from "../modules/ethereum/sign.js";
import { parseTx, serializeSigned, serializeUnsigned, signatureV, signingHash } from "../modules/ethereum/tx.js";
import { reviewScreen } from "../modules/signing/review.js";
import { layoutScreen } from "../modules/ui/layout.js";

const TEST_MNEMONIC = "all all all all all all all all all all all all"; // Trezor's published test mnemonic
const TEST_PIN = "135790";
const ETH_PATH = [0x8000002c, 0x8000003c, 0x80000000, 0, 0];
/** longer than the instrumentation's one-second sampling, so a sample follows each marker */
const SETTLE_MS = 1600;

function mark(phase: string): void {
  trace(`latch-probe: ${phase}\n`);
}

function later(ms: number, then: () => void): void {
  Timer.set(() => {
    try {
      then();
    } catch (err) {
      mark(`failed ${(err as Error)?.message ?? err}`);
    }
  }, ms);
}

export function runMemoryProbe(device: Device): void {
  later(SETTLE_MS, () => {
    Debug.gc();
    mark("boot");
    later(SETTLE_MS, () => unlock(device));
  });
}

function unlock(device: Device): void {
  if (!device.vault.hasWallet) {
    const entropy = entropyFromWords(TEST_MNEMONIC.split(" "));
    device.vault.createWallet(TEST_PIN, entropy);
    entropy.fill(0);
  } else if (!device.vault.unlock(TEST_PIN).ok) {
    mark("failed the vault holds another wallet");
    return;
  }
  device.keyring.derive(ETH_PATH); // the keys as after unlock (the device makes them on the tick after)
  device.returnHome();
  Debug.gc();
  mark("unlocked");
  later(SETTLE_MS, () => sign(device));
}

function sign(device: Device): void {
  // Collected just before: the sample after "signed" is what was live at "unlocked" plus everything the signature
  // allocated (no collection in between: the script checks the count), an upper bound of the signing peak.
  Debug.gc();
  const raw = serializeUnsigned({
    type: "eip1559", chainId: 1n, nonce: 7n, maxPriorityFeePerGas: 1_000_000_000n, maxFeePerGas: 30_000_000_000n,
    gasLimit: 21_000n, to: "0x1d1c328764a41bda0492b66baa30c4a339ff85ef", value: 1_500_000_000_000_000_000n,
    data: new Uint8Array(0), accessList: [],
  });
  const tx = parseTx(raw);
  const review = txReview(tx, decodeCall(tx.data), "0x73d0385F4d8E00C5e6504C6030F47BF6212736A8", ETH_PATH, true);
  for (let i = 0; i <= review.pages.length; i++) layoutScreen(reviewScreen(review, i));
  const sig = signDigest(signingHash(raw), device.keyring.privateKey(ETH_PATH));
  const signed = serializeSigned(tx, { v: signatureV(tx, sig.recovery), r: sig.r, s: sig.s });
  mark(`signed ${signed.length} bytes`);
  later(SETTLE_MS, () => {
    Debug.gc();
    mark("after");
    // the Bitcoin code loads as on the first btc_* request (protocol/methods/btc.ts): by dynamic import
    // (after a sample: the instrumentation samples once a second, so work right after a marker would count in it)
    later(SETTLE_MS, () => {
      import("./memory-probe-btc.js").then((btc) => later(SETTLE_MS, () => bitcoin(device, btc)), (err) => mark(`failed ${err}`));
    });
  });
}

function bitcoin(device: Device, btc: typeof import("./memory-probe-btc.js")): void {
  Debug.gc();
  mark("bitcoin loaded");
  later(SETTLE_MS, () => {
    const psbt = btc.testPsbt(device.keyring); // what the app sends, made before the measured part
    later(SETTLE_MS, () => {
      Debug.gc(); // as for the Ethereum signature: the "psbt signed" sample holds what the signature allocated
      const length = btc.signTestPsbt(psbt, device.keyring, () => new Uint8Array(32));
      mark(`psbt signed ${length} bytes`);
      later(SETTLE_MS, () => {
        Debug.gc();
        mark("after psbt");
        later(SETTLE_MS, () => mark("done"));
      });
    });
  });
}
