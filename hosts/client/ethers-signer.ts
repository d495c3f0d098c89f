/**
 * An ethers v6 Signer backed by a Latch device, so existing tooling can use it: every signature is shown on the
 * device and needs the owner's hold C there. Connected to a provider, ethers fills in what a transaction lacks
 * (nonce, gas, fees, chain id) and `sendTransaction`, `ContractFactory.deploy()` and contract calls all end in
 * `signTransaction`: the unsigned serialization goes to the device, whose answer is the signed transaction.
 */
import {
  AbstractSigner, Transaction, TypedDataEncoder, copyRequest, getAddress, getBytes, resolveAddress,
  type Provider, type TransactionRequest, type TypedDataDomain, type TypedDataField,
} from 'ethers';
import { EthApp, type PathOptions } from './eth.js';

export class LatchSigner extends AbstractSigner {
  private address: string | undefined;

  constructor(readonly eth: EthApp, readonly account: PathOptions = {}, provider: Provider | null = null) {
    super(provider);
  }

  connect(provider: Provider | null): LatchSigner {
    const signer = new LatchSigner(this.eth, this.account, provider);
    signer.address = this.address;
    return signer;
  }

  async getAddress(): Promise<string> {
    this.address ??= (await this.eth.getAddress(this.account)).address;
    return this.address;
  }

  async signTransaction(request: TransactionRequest): Promise<string> {
    const from = await this.getAddress();
    // copyRequest reads each field by name: ethers hands `sendTransaction`'s result over as a Transaction, whose
    // fields are getters that a spread ({...tx}) would silently drop.
    const tx = copyRequest(request);
    if (tx.to != null) tx.to = await resolveAddress(tx.to, this.provider);
    if (tx.from != null) {
      const claimed = await resolveAddress(tx.from, this.provider);
      if (getAddress(claimed) !== from) throw new Error(`this signer is ${from}, not ${claimed}`);
      delete tx.from;
    }
    const unsigned = Transaction.from(tx as Parameters<typeof Transaction.from>[0]);
    const signed = await this.eth.signTransaction(getBytes(unsigned.unsignedSerialized), this.account);
    const result = Transaction.from(signed.signedTx);
    if (result.from !== from) throw new Error('the device signed with another key than its address: refusing the result');
    if (result.unsignedHash !== unsigned.unsignedHash) throw new Error('the device signed another transaction than the one asked: refusing the result');
    return signed.signedTx;
  }

  async signMessage(message: string | Uint8Array): Promise<string> {
    return (await this.eth.signMessage(message, this.account)).signature;
  }

  async signTypedData(domain: TypedDataDomain, types: Record<string, TypedDataField[]>, value: Record<string, unknown>): Promise<string> {
    // ENS names in the domain or the message are resolved first, as ethers' own Wallet does.
    const resolved = await TypedDataEncoder.resolveNames(domain, types, value, async (name) => resolveAddress(name, this.provider));
    const payload = TypedDataEncoder.getPayload(resolved.domain, types, resolved.value);
    return (await this.eth.signTypedData(payload, this.account)).signature;
  }
}
