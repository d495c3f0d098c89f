/**
 * The app side of the device's Bitcoin methods: account keys, addresses and PSBT signing. PSBTs go to the device
 * as bytes and come back with this wallet's signatures added (not finalized: the wallet that built the PSBT
 * finalizes and broadcasts it, as with any signer in BIP 174).
 */
import { base64 } from '@scure/base';
import { MAX_MESSAGE } from '../../modules/transport/framing.js';
import type { RpcSession } from './client.js';
import { InputError } from './input-error.js';
import { SIGNING_TIMEOUT_MS } from './eth.js';
import { Transaction } from '@scure/btc-signer/transaction.js';
import { failedPsbtInputs } from '../../modules/bitcoin/anti-exfil.js';
import { commitAndReveal, drawEntropy, refuse, type AntiExfilOptions } from './anti-exfil.js';

export type BtcAccountType = 'wpkh' | 'tr';
export type BtcNetworkName = 'mainnet' | 'testnet' | 'regtest';

export interface AccountOptions {
  type?: BtcAccountType;
  account?: number;
  network?: BtcNetworkName;
}

export interface AddressOptions extends AccountOptions {
  change?: boolean;
  index?: number;
  show?: boolean;
}

export interface BtcXpub {
  xpub: string;
  /** zpub/vpub for BIP84 accounts (SLIP-132), for wallets that want it */
  slip132?: string;
  /** the master fingerprint, 8 hex digits */
  fingerprint: string;
  path: string;
  /** an output descriptor (BIP 380 checksum) with receive and change branches, for watch-only wallets */
  descriptor: string;
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const PSBT_MAGIC = [0x70, 0x73, 0x62, 0x74, 0xff];

/** PSBT bytes from what wallets export: binary, base64 (Core, Sparrow) or hex. */
export function psbtBytes(input: Uint8Array | string): Uint8Array {
  if (input instanceof Uint8Array) {
    if (PSBT_MAGIC.every((b, i) => input[i] === b)) return input;
    return psbtBytes(new TextDecoder().decode(input));
  }
  const text = input.trim();
  if (/^70736274ff([0-9a-fA-F]{2})*$/i.test(text)) return Uint8Array.from(text.match(/../g)!.map((h) => parseInt(h, 16)));
  let bytes: Uint8Array;
  try {
    bytes = base64.decode(text);
  } catch {
    throw new InputError('not a PSBT: expected binary, base64 or hex starting with "psbt\\xff"');
  }
  if (!PSBT_MAGIC.every((b, i) => bytes[i] === b)) throw new InputError('not a PSBT: it does not start with "psbt\\xff"');
  return bytes;
}

export class BtcApp {
  /** anti-exfil is on unless `options.antiExfil` is false (hosts/client/anti-exfil.ts); it covers P2WPKH and taproot inputs */
  constructor(readonly session: RpcSession, readonly options: AntiExfilOptions = {}) {}

  async getXpub(o: AccountOptions = {}): Promise<BtcXpub> {
    return this.session.call('btc_get_xpub', defined({ type: o.type, account: o.account, network: o.network }), 30_000);
  }

  async getAddress(o: AddressOptions = {}): Promise<{ address: string; path: string; confirmed?: boolean }> {
    const params = defined({ type: o.type, account: o.account, network: o.network, change: o.change, index: o.index, show: o.show || undefined });
    return this.session.call('btc_get_address', params, o.show ? SIGNING_TIMEOUT_MS : 30_000);
  }

  /** Sign this wallet's inputs after the owner reviews the PSBT on the device. Returns the PSBT with signatures. */
  async signPsbt(psbt: Uint8Array | string, network?: BtcNetworkName): Promise<{ psbt: Uint8Array; signedInputs: number }> {
    const bytes = psbtBytes(psbt);
    // the request's CBOR and encryption add under 100 bytes to the PSBT
    if (bytes.length > MAX_MESSAGE - 100) {
      throw new InputError(`this PSBT is ${bytes.length} bytes; the device takes one of up to ${MAX_MESSAGE - 100} bytes (one message), and at most 50 inputs: split the spend into smaller transactions`);
    }
    const params = defined({ psbt: bytes, network });
    if (this.options.antiExfil === false) {
      const r = await this.session.call('btc_sign_psbt', params, SIGNING_TIMEOUT_MS);
      return { psbt: r.psbt, signedInputs: r.signedInputs };
    }
    // A commitment for every input: the device keeps those of the inputs it signs and answers null elsewhere.
    let inputs: number;
    try {
      inputs = Transaction.fromPSBT(bytes).inputsLength;
    } catch (err) {
      throw new InputError(`not a PSBT this client can read: ${(err as Error).message}`);
    }
    const drawn = Array.from({ length: inputs }, () => drawEntropy(this.options));
    let entropy: (Uint8Array | null)[] = [];
    const { answer, result } = await commitAndReveal(this.session, 'btc_sign_psbt', params, drawn.map((d) => d.commitment), (a) => {
      const openings = a.signerCommitments;
      if (!Array.isArray(openings) || openings.length !== inputs) refuse(this.options, 'btc_sign_psbt', 'the device answered a malformed list of signer commitments');
      entropy = drawn.map((d, i) => (openings[i] ? d.entropy : null));
      return entropy;
    }, SIGNING_TIMEOUT_MS, this.options);
    const failed = failedPsbtInputs(result.psbt, entropy, answer.signerCommitments, bytes);
    if (failed.length) refuse(this.options, 'btc_sign_psbt', `input${failed.length > 1 ? 's' : ''} ${failed.join(', ')}: the signature's nonce is not the committed one tweaked by this app's entropy`);
    return { psbt: result.psbt, signedInputs: result.signedInputs };
  }
}
