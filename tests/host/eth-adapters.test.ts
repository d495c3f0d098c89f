// The ethers signer and the viem account check what comes back from the device before they hand it on: a
// transaction signed by another key, or another transaction than the one asked, is refused. The device is
// played here by a stand-in that signs with ethers' own key code (and lies when told to).
import test from 'ava';
import { Transaction, Wallet, hexlify } from 'ethers';
import { LatchSigner } from '../../hosts/client/ethers-signer.js';
import { latchAccount } from '../../hosts/client/viem-account.js';
import type { EthApp } from '../../hosts/client/eth.js';

const deviceKey = new Wallet('0x4c0883a69102937d6231471b5dbb6204fe512961708279f2a3e9d6b6e8d1a3c5');
const otherKey = new Wallet('0x8da4ef21b864d2cc526dbdb2a120bd2874c36c9d0a1fb7f8c63d7f7a8b41de8f');
const TO = '0x1d1c328764a41bda0492b66baa30c4a339ff85ef';

type Lie = 'none' | 'other-tx' | 'other-key';

function standIn(lie: Lie): EthApp {
  return {
    getAddress: async () => ({ address: deviceKey.address, path: "m/44'/60'/0'/0/0" }),
    signTransaction: async (raw: Uint8Array) => {
      const tx = Transaction.from(hexlify(raw));
      if (lie === 'other-tx') tx.value += 1n;
      tx.signature = (lie === 'other-key' ? otherKey : deviceKey).signingKey.sign(tx.unsignedHash);
      const y = BigInt(tx.signature!.yParity);
      const v = tx.type === 0 ? tx.chainId * 2n + 35n + y : y;
      return { v, r: tx.signature!.r, s: tx.signature!.s, signedTx: tx.serialized };
    },
  } as unknown as EthApp;
}

const requests = [
  { type: 2, chainId: 1, nonce: 1, to: TO, value: 5n, gasLimit: 21000n, maxFeePerGas: 2n, maxPriorityFeePerGas: 1n },
  { type: 0, chainId: 137, nonce: 2, to: TO, value: 6n, gasLimit: 21000n, gasPrice: 3n },
  { type: 1, chainId: 10, nonce: 3, to: TO, value: 7n, gasLimit: 30000n, gasPrice: 3n, accessList: [{ address: TO, storageKeys: [`0x${'00'.repeat(31)}01`] }] },
];

test('ethers: an honest answer passes; another transaction or another key is refused', async (t) => {
  for (const request of requests) {
    const ok = await new LatchSigner(standIn('none')).signTransaction(request);
    t.is(Transaction.from(ok).from, deviceKey.address);
    t.is(Transaction.from(ok).value, request.value);
    await t.throwsAsync(new LatchSigner(standIn('other-tx')).signTransaction(request), { message: /another transaction than the one asked/ });
    await t.throwsAsync(new LatchSigner(standIn('other-key')).signTransaction(request), { message: /another key than its address/ });
  }
});

test('viem: an honest answer passes; another transaction or another key is refused', async (t) => {
  const viemTx = (r: typeof requests[number]) => ({
    ...r, type: (['legacy', 'eip2930', 'eip1559'] as const)[r.type], to: TO as `0x${string}`, nonce: r.nonce, gas: r.gasLimit,
    accessList: r.accessList?.map((a) => ({ address: a.address as `0x${string}`, storageKeys: a.storageKeys as `0x${string}`[] })),
  });
  for (const request of requests) {
    const tx = viemTx(request) as never;
    const ok = await (await latchAccount(standIn('none'))).signTransaction(tx);
    t.is(Transaction.from(ok).from, deviceKey.address);
    t.is(Transaction.from(ok).value, request.value);
    t.is(Transaction.from(ok).type, request.type);
    await t.throwsAsync((await latchAccount(standIn('other-tx'))).signTransaction(tx), { message: /another transaction than the one asked/ });
    await t.throwsAsync((await latchAccount(standIn('other-key'))).signTransaction(tx), { message: /another key than its address/ });
  }
});
