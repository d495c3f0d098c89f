// viem through a real node: the Latch account (toAccount) in a wallet client on anvil, the device (the board
// simulator on XS) approving every signature through the control API. The node is the judge, as for ethers:
// balances to the wei, an ERC-20 deployed and moved, an EIP-2612 permit taken by permit(), a message recovered
// by the node's own ecrecover.
import test from 'ava';
import { createPublicClient, createWalletClient, hashMessage, http, parseEther, parseSignature, type Hex, type LocalAccount, type PublicClient, type WalletClient } from 'viem';
import { anvil as anvilChain } from 'viem/chains';
import { generatePrivateKey, privateKeyToAddress } from 'viem/accounts';
import { latchAccount } from '../../hosts/client/viem-account.js';
import { compilePermitToken, findAnvil } from './support/chain/node.js';
import { DEVICE_ADDRESS, START_BALANCE, blindSigningOn, permitTypedData, recoveredByNode, startChainRig, type ChainRig } from './support/chain/rig.js';

const anvil = findAnvil();

if ('missing' in anvil) {
  console.log(`The chain tests are skipped: ${anvil.missing}.`);
  test.skip(`viem through a real node (anvil): skipped, ${anvil.missing}`, () => {});
} else {
  let rig: ChainRig | undefined;
  let account: LocalAccount;
  let wallet: WalletClient;
  let chainClient: PublicClient;
  let tokenAddress: Hex | undefined;
  const token = compilePermitToken();

  test.before(async () => {
    rig = await startChainRig(anvil.bin, 'viem');
    const transport = http(rig.node.url);
    const chain = { ...anvilChain, id: rig.node.chainId };
    account = await latchAccount(rig.eth);
    wallet = createWalletClient({ account, chain, transport, pollingInterval: 50, cacheTime: 0 });
    chainClient = createPublicClient({ chain, transport, pollingInterval: 50, cacheTime: 0 }) as PublicClient;
  });
  test.after.always(async () => {
    await rig?.stop();
  });

  /** Send while the owner approves on the device; the receipt once mined, and the pages the owner read. */
  async function sendApproved(send: () => Promise<Hex>) {
    const [hash, pages] = await Promise.all([send(), rig!.d.review()]);
    const receipt = await chainClient.waitForTransactionReceipt({ hash, pollingInterval: 50 });
    return { receipt, pages };
  }

  test.serial('EIP-1559, legacy and EIP-2930 sends through a wallet client are mined with exact balances', async (t) => {
    t.timeout(180_000);
    t.is(account.address, DEVICE_ADDRESS);
    t.is(await chainClient.getBalance({ address: DEVICE_ADDRESS }), START_BALANCE);
    const to = privateKeyToAddress(generatePrivateKey());
    let received = 0n;
    const cases = [
      { type: 'eip1559' as const, value: parseEther('1.25') },
      { type: 'legacy' as const, value: parseEther('0.5') + 1n },
      { type: 'eip2930' as const, value: 3n, accessList: [{ address: to, storageKeys: [`0x${'00'.repeat(31)}01` as Hex] }] },
    ];
    for (const request of cases) {
      const before = await chainClient.getBalance({ address: DEVICE_ADDRESS });
      const { receipt, pages } = await sendApproved(() => wallet.sendTransaction({ account, chain: wallet.chain, to, ...request } as never));
      t.is(receipt.status, 'success');
      t.is(receipt.type, request.type);
      received += request.value;
      t.is(await chainClient.getBalance({ address: to }), received, 'the recipient got exactly the value');
      t.is(await chainClient.getBalance({ address: DEVICE_ADDRESS }), before - request.value - receipt.gasUsed * receipt.effectiveGasPrice, 'the sender paid exactly the value and the fee');
      t.true(pages.some((p) => p.startsWith('Recipient:') && p.toLowerCase().includes(to.toLowerCase())), pages.join('\n'));
    }
  });

  test.serial('an ERC-20 deployed with blind signing on, then transferred with writeContract', async (t) => {
    t.timeout(180_000);
    await blindSigningOn(rig!.d);
    const { receipt, pages } = await sendApproved(() => wallet.deployContract({ account, chain: wallet.chain, abi: token.abi, bytecode: token.bytecode as Hex, args: ['Latch Viem Token', 'LVT', 10n ** 24n] }));
    t.true(pages.some((p) => /Contract creation/.test(p)), pages.join('\n'));
    tokenAddress = receipt.contractAddress!;
    t.truthy(tokenAddress);
    const balanceOf = (address: Hex) => chainClient.readContract({ address: tokenAddress!, abi: token.abi, functionName: 'balanceOf', args: [address] });
    t.is(await balanceOf(DEVICE_ADDRESS), 10n ** 24n);
    const to = privateKeyToAddress(generatePrivateKey());
    const sent = await sendApproved(() => wallet.writeContract({ account, chain: wallet.chain, address: tokenAddress!, abi: token.abi, functionName: 'transfer', args: [to, 54_321n] }));
    t.is(sent.receipt.status, 'success');
    t.true(sent.pages.some((p) => p.startsWith('Recipient:') && p.toLowerCase().includes(to.toLowerCase())), 'the device decoded the ERC-20 transfer');
    t.is(await balanceOf(to), 54_321n);
  });

  test.serial('an EIP-2612 permit signed with signTypedData is accepted on-chain by permit()', async (t) => {
    t.timeout(180_000);
    t.truthy(tokenAddress, 'the token from the test before');
    const [spenderAddress] = await rig!.node.rpc<Hex[]>('eth_accounts'); // an account the node holds
    const deadline = (await chainClient.getBlock()).timestamp + 3600n;
    const p = permitTypedData(tokenAddress!, 'Latch Viem Token', rig!.node.chainId, DEVICE_ADDRESS, spenderAddress, 4242n, 0n, deadline);
    const [signature, pages] = await Promise.all([wallet.signTypedData({ account, ...p } as never), rig!.d.review()]);
    t.true(pages.some((page) => page.includes('4242')), pages.join('\n'));
    const { v, r, s } = parseSignature(signature);
    // The spender submits the permit.
    const asSpender = createWalletClient({ account: spenderAddress, chain: wallet.chain, transport: http(rig!.node.url), pollingInterval: 50, cacheTime: 0 });
    const hash = await asSpender.writeContract({ address: tokenAddress!, abi: token.abi, functionName: 'permit', args: [DEVICE_ADDRESS, spenderAddress, 4242n, deadline, Number(v), r, s] } as never);
    t.is((await chainClient.waitForTransactionReceipt({ hash, pollingInterval: 50 })).status, 'success');
    const read = (functionName: string, args: unknown[]) => chainClient.readContract({ address: tokenAddress!, abi: token.abi, functionName, args });
    t.is(await read('allowance', [DEVICE_ADDRESS, spenderAddress]), 4242n);
    t.is(await read('nonces', [DEVICE_ADDRESS]), 1n);
  });

  test.serial('a message signed through viem is recovered by the node to the device address', async (t) => {
    t.timeout(120_000);
    const text = 'viem via Latch';
    const [signature] = await Promise.all([wallet.signMessage({ account, message: text }), rig!.d.review()]);
    t.is(await recoveredByNode(rig!.node, hashMessage(text), signature), DEVICE_ADDRESS.toLowerCase());
    const raw = '0xdeadbeef' as Hex;
    const [rawSignature] = await Promise.all([wallet.signMessage({ account, message: { raw } }), rig!.d.review()]);
    t.is(await recoveredByNode(rig!.node, hashMessage({ raw }), rawSignature), DEVICE_ADDRESS.toLowerCase(), 'bytes are signed as bytes');
  });
}
