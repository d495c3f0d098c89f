/**
 * An ethers v6 Signer backed by a Latch device, so existing tooling can use it: every signature is shown on the
 * device and needs the owner's hold C there. Transactions are filled in by ethers (nonce, fees, chain id) when a
 * provider is connected, then serialized unsigned and sent to the device; the device's answer is the signed
 * transaction.
 */
import { AbstractSigner, Transaction, TypedDataEncoder, getBytes, resolveAddress, type Provider, type TransactionLike, type TransactionRequest, type TypedDataDomain, type TypedDataField } from 'ethers';
import { EthApp, type PathOptions } from './eth.js';

export class LatchSigner extends AbstractSigner {
  private address: string | undefined;

  constructor(readonly eth: EthApp, readonly account: PathOptions = {}, provider: Provider | null = null) {
    super(provider);
  }

  connect(provider: Provider | null): LatchSigner {
    return new LatchSigner(this.eth, this.account, provider);
  }

  async getAddress(): Promise<string> {
    this.address ??= (await this.eth.getAddress(this.account)).address;
    return this.address;
  }

  async signTransaction(request: TransactionRequest): Promise<string> {
    const from = await this.getAddress();
    const tx = { ...request } as TransactionLike<string>;
    if (request.to) tx.to = await resolveAddress(request.to, this.provider);
    if (request.from && (await resolveAddress(request.from, this.provider)).toLowerCase() !== from.toLowerCase()) {
      throw new Error(`this signer is ${from}, not ${String(request.from)}`);
    }
    delete tx.from;
    const unsigned = Transaction.from(tx);
    const signed = await this.eth.signTransaction(getBytes(unsigned.unsignedSerialized), this.account);
    const result = Transaction.from(signed.signedTx);
    if (result.from?.toLowerCase() !== from.toLowerCase()) throw new Error('the device signed with another key than its address: refusing the result');
    return signed.signedTx;
  }

  async signMessage(message: string | Uint8Array): Promise<string> {
    return (await this.eth.signMessage(message, this.account)).signature;
  }

  async signTypedData(domain: TypedDataDomain, types: Record<string, TypedDataField[]>, value: Record<string, unknown>): Promise<string> {
    const payload = TypedDataEncoder.getPayload(domain, types, value);
    return (await this.eth.signTypedData(payload, this.account)).signature;
  }
}
