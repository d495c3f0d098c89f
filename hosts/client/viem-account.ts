/**
 * A viem account backed by a Latch device (`toAccount`), beside the ethers signer: a wallet client prepares
 * transactions (nonce, gas, fees, chain id) through its transport and hands them here; the unsigned
 * serialization goes to the device, which shows it and signs after the owner's hold C. Raw hash signing
 * (`sign`) is not offered: the device signs only what it can show.
 */
import { getAddress, getTypesForEIP712Domain, hexToBytes, recoverTransactionAddress, serializeTransaction, type Hex, type LocalAccount, type TypedDataDefinition } from 'viem';
import { toAccount } from 'viem/accounts';
import { EthApp, type PathOptions } from './eth.js';

/** The account at `account` (m/44'/60'/0'/0/0 by default) as a viem LocalAccount; asks the device for its address once. */
export async function latchAccount(eth: EthApp, account: PathOptions = {}): Promise<LocalAccount> {
  const address = getAddress((await eth.getAddress(account)).address);
  return toAccount({
    address,
    async signMessage({ message }) {
      const payload = typeof message === 'string' ? message : typeof message.raw === 'string' ? hexToBytes(message.raw) : message.raw;
      return (await eth.signMessage(payload, account)).signature as Hex;
    },
    async signTransaction(transaction, options) {
      const serializer = options?.serializer ?? serializeTransaction;
      const unsigned = (await serializer(transaction)) as Hex;
      const signed = await eth.signTransaction(hexToBytes(unsigned), account);
      const typed = unsigned.startsWith('0x01') || unsigned.startsWith('0x02');
      const yParity = typed ? Number(signed.v) : Number((signed.v - 35n) % 2n);
      // The device's answer must be exactly this transaction with a signature by this account.
      const expected = (await serializer(transaction, { r: signed.r as Hex, s: signed.s as Hex, v: signed.v, yParity })) as Hex;
      if (expected.toLowerCase() !== signed.signedTx.toLowerCase()) throw new Error('the device signed another transaction than the one asked: refusing the result');
      if ((await recoverTransactionAddress({ serializedTransaction: expected as never })) !== address) throw new Error('the device signed with another key than its address: refusing the result');
      return expected;
    },
    async signTypedData(definition) {
      const { domain = {}, types, primaryType, message } = definition as TypedDataDefinition & { domain?: Record<string, unknown> };
      const { EIP712Domain: _declared, ...rest } = types as Record<string, unknown>;
      void _declared;
      const payload = { types: { EIP712Domain: getTypesForEIP712Domain({ domain: domain as never }), ...rest }, primaryType, domain, message };
      return (await eth.signTypedData(payload, account)).signature as Hex;
    },
  });
}
