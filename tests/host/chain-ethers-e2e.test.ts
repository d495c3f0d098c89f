// ethers v6 through a real node: the LatchSigner connected to a JsonRpcProvider on anvil, the device (the board
// simulator on XS) approving every signature through the control API. What the node mines and accepts is the
// judge: balances to the wei, an ERC-20 deployed and moved, an EIP-2612 permit taken by permit(), and a message
// recovered by the node's own ecrecover.
import test from 'ava';
import { ContractFactory, Contract, JsonRpcProvider, Network, Wallet, hashMessage, parseEther, zeroPadValue, Signature, type TransactionReceipt } from 'ethers';
import { LatchSigner } from '../../hosts/client/ethers-signer.js';
import { findAnvil } from './support/chain/node.js';
import { compilePermitToken } from './support/chain/node.js';
import { DEVICE_ADDRESS, START_BALANCE, blindSigningOn, permitTypedData, recoveredByNode, startChainRig, type ChainRig } from './support/chain/rig.js';

const anvil = findAnvil();

if ('missing' in anvil) {
  console.log(`The chain tests are skipped: ${anvil.missing}.`);
  test.skip(`ethers through a real node (anvil): skipped, ${anvil.missing}`, () => {});
} else {
  let rig: ChainRig | undefined;
  let provider: JsonRpcProvider;
  let signer: LatchSigner;
  let tokenAddress = '';
  const token = compilePermitToken();

  test.before(async () => {
    rig = await startChainRig(anvil.bin, 'ethers');
    provider = new JsonRpcProvider(rig.node.url, Network.from(rig.node.chainId), { staticNetwork: true, pollingInterval: 50, cacheTimeout: -1 });
    signer = new LatchSigner(rig.eth).connect(provider);
  });
  test.after.always(async () => {
    provider?.destroy();
    await rig?.stop();
  });

  /** Send through ethers while the owner approves on the device; the receipt once mined, and the pages read. */
  async function sendApproved(send: () => Promise<{ wait(): Promise<TransactionReceipt | null> }>): Promise<{ receipt: TransactionReceipt; pages: string[] }> {
    const [sent, pages] = await Promise.all([send(), rig!.d.review()]);
    const receipt = await sent.wait();
    if (!receipt) throw new Error('not mined');
    return { receipt, pages };
  }

  test.serial('EIP-1559, legacy and EIP-2930 sends through sendTransaction are mined with exact balances', async (t) => {
    t.timeout(180_000);
    t.is(await signer.getAddress(), DEVICE_ADDRESS);
    t.is(await provider.getBalance(DEVICE_ADDRESS), START_BALANCE);
    const to = Wallet.createRandom().address;
    let received = 0n;
    const cases = [
      { type: 2, value: parseEther('1.25') },
      { type: 0, value: parseEther('0.5') + 1n },
      { type: 1, value: 3n, accessList: [{ address: to, storageKeys: [zeroPadValue('0x01', 32)] }] },
    ];
    for (const request of cases) {
      const before = await provider.getBalance(DEVICE_ADDRESS);
      const { receipt, pages } = await sendApproved(() => signer.sendTransaction({ to, ...request }));
      t.is(receipt.status, 1);
      t.is(receipt.type, request.type, `mined as type ${request.type}`);
      t.is(receipt.from, DEVICE_ADDRESS);
      received += request.value;
      t.is(await provider.getBalance(to), received, 'the recipient got exactly the value');
      t.is(await provider.getBalance(DEVICE_ADDRESS), before - request.value - receipt.fee, 'the sender paid exactly the value and the fee');
      t.true(pages.some((p) => p.startsWith('Recipient:') && p.toLowerCase().includes(to.toLowerCase())), pages.join('\n'));
    }
    t.is(await provider.getTransactionCount(DEVICE_ADDRESS), 3);
  });

  test.serial('an ERC-20 is refused while blind signing is off, deployed once it is on, and transferred', async (t) => {
    t.timeout(180_000);
    const factory = new ContractFactory(token.abi, token.bytecode, signer);
    await t.throwsAsync(factory.deploy('Latch Test Token', 'LTT', 10n ** 24n), { message: /blind signing is off/ });
    t.is((await rig!.d.screen()).id, 'blind-refused');
    await rig!.d.press('b');
    await blindSigningOn(rig!.d);

    const [deployed, pages] = await Promise.all([factory.deploy('Latch Test Token', 'LTT', 10n ** 24n), rig!.d.review()]);
    t.true(pages.some((p) => /Contract creation/.test(p)), pages.join('\n'));
    await deployed.waitForDeployment();
    tokenAddress = await deployed.getAddress();
    const erc20 = new Contract(tokenAddress, token.abi, signer);
    t.is(await erc20.balanceOf(DEVICE_ADDRESS), 10n ** 24n);

    const to = Wallet.createRandom().address;
    const { receipt, pages: transferPages } = await sendApproved(() => erc20.transfer(to, 12_345n));
    t.is(receipt.status, 1);
    t.true(transferPages.some((p) => p.startsWith('Recipient:') && p.toLowerCase().includes(to.toLowerCase())), 'the device decoded the ERC-20 transfer');
    t.true(transferPages.some((p) => /12345|12,345/.test(p)), transferPages.join('\n'));
    t.is(await erc20.balanceOf(to), 12_345n);
    t.is(await erc20.balanceOf(DEVICE_ADDRESS), 10n ** 24n - 12_345n);
  });

  test.serial('an EIP-2612 permit signed as typed data is accepted on-chain by permit(), and the spender uses it', async (t) => {
    t.timeout(180_000);
    t.truthy(tokenAddress, 'the token from the test before');
    const spender = await provider.getSigner(0);
    const spenderAddress = await spender.getAddress();
    const deadline = BigInt((await provider.getBlock('latest'))!.timestamp + 3600);
    const p = permitTypedData(tokenAddress, 'Latch Test Token', rig!.node.chainId, DEVICE_ADDRESS, spenderAddress, 777n, 0n, deadline);
    const [signature, pages] = await Promise.all([signer.signTypedData(p.domain, p.types, p.message), rig!.d.review()]);
    t.true(pages.some((page) => page.includes('777')), pages.join('\n'));
    const { v, r, s } = Signature.from(signature);
    const asSpender = new Contract(tokenAddress, token.abi, spender);
    await (await asSpender.permit(DEVICE_ADDRESS, spenderAddress, 777n, deadline, v, r, s)).wait();
    t.is(await asSpender.allowance(DEVICE_ADDRESS, spenderAddress), 777n);
    t.is(await asSpender.nonces(DEVICE_ADDRESS), 1n);
    await (await asSpender.transferFrom(DEVICE_ADDRESS, spenderAddress, 700n)).wait();
    t.is(await asSpender.balanceOf(spenderAddress), 700n);
    t.is(await asSpender.allowance(DEVICE_ADDRESS, spenderAddress), 77n);
    // The same signature again is a replay: the contract refuses it.
    await t.throwsAsync(async () => (await asSpender.permit(DEVICE_ADDRESS, spenderAddress, 777n, deadline, v, r, s)).wait(), { message: /invalid permit signature/ });
  });

  test.serial('a message signed through ethers is recovered by the node to the device address', async (t) => {
    t.timeout(120_000);
    const text = 'Sign in to the Latch test dApp\nnonce: 42';
    const [signature] = await Promise.all([signer.signMessage(text), rig!.d.review()]);
    t.is(await recoveredByNode(rig!.node, hashMessage(text), signature), DEVICE_ADDRESS.toLowerCase());
    t.not(await recoveredByNode(rig!.node, hashMessage(`${text}!`), signature), DEVICE_ADDRESS.toLowerCase(), 'another message does not recover to it');
  });
}
