/**
 * `latch eth address [--index N | --path P] [--show]`, `latch eth xpub [--path P]`,
 * `latch eth sign-tx FILE|JSON`, `latch eth sign-message TEXT`, `latch eth sign-typed-data FILE` (all --json).
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { fromHex, toHex } from '../../../modules/bytes.js';
import { EthApp, type PathOptions } from '../eth.js';
import { antiExfilOptions, type CommandContext } from './context.js';
import { jsonArg } from './files.js';
import { showAddress } from './show-address.js';

export const ETH_USAGE = `  eth address [--index N | --path P] [--show]   the account's address (--show: on the device, as text and QR)
  eth xpub [--path P]                           the account's extended public key (default m/44'/60'/0')
  eth sign-tx FILE|JSON                         sign a transaction: JSON fields (chainId, nonce, to, value, data,
                                                gasLimit, maxFeePerGas/maxPriorityFeePerGas or gasPrice) or a raw
                                                "0x..." unsigned transaction, in a file or inline
  eth sign-message TEXT                         personal_sign (EIP-191); 0x-hex is signed as bytes
  eth sign-typed-data FILE                      EIP-712 v4 typed data (JSON: types, primaryType, domain, message)`;

function account(c: CommandContext): PathOptions {
  const { index, path } = c.values;
  if (index !== undefined && path !== undefined) throw c.usage('give --index or --path, not both');
  if (typeof index === 'string') {
    const n = Number(index);
    if (!Number.isInteger(n) || n < 0) throw c.usage('--index must be a whole number >= 0');
    return { index: n };
  }
  return typeof path === 'string' ? { path } : {};
}

export async function ethCommand(c: CommandContext): Promise<number> {
  const eth = new EthApp(c.session, antiExfilOptions(c));
  const [sub, arg, ...rest] = c.args;
  if (rest.length) throw c.usage(`too many arguments: ${rest.join(' ')}`);
  switch (sub) {
    case 'address': {
      if (arg) throw c.usage('eth address takes no argument (use --index or --path)');
      const options = account(c);
      return showAddress(c, (show) => eth.getAddress({ ...options, show }));
    }
    case 'xpub': {
      if (arg) throw c.usage('eth xpub takes no argument (use --path)');
      const r = await eth.getXpub(typeof c.values.path === 'string' ? c.values.path : undefined);
      c.out(`${r.xpub}  (${r.path}, master fingerprint ${r.fingerprint.toString(16).padStart(8, '0')})`, r);
      return 0;
    }
    case 'sign-tx': {
      if (!arg) throw c.usage('eth sign-tx needs a transaction: a JSON file, inline JSON, or a raw 0x unsigned transaction');
      const r = await eth.signTransaction(jsonArg(arg, true) as never, account(c));
      const hash = `0x${toHex(keccak_256(fromHex(r.signedTx.slice(2))))}`;
      c.out(`signed transaction: ${r.signedTx}\nhash: ${hash}\nv: ${r.v}\nr: ${r.r}\ns: ${r.s}`, { ...r, v: r.v.toString(), hash });
      return 0;
    }
    case 'sign-message': {
      if (arg === undefined) throw c.usage('eth sign-message needs the message text');
      const message = /^0x([0-9a-fA-F]{2})*$/.test(arg) ? fromHex(arg.slice(2)) : arg;
      const r = await eth.signMessage(message, account(c));
      c.out(`signature: ${r.signature}\naddress: ${r.address}`, r);
      return 0;
    }
    case 'sign-typed-data': {
      if (!arg) throw c.usage('eth sign-typed-data needs a JSON file (or inline JSON)');
      const r = await eth.signTypedData(jsonArg(arg), account(c));
      c.out(`signature: ${r.signature}\naddress: ${r.address}\ndomain hash: ${r.domainHash}${r.messageHash ? `\nmessage hash: ${r.messageHash}` : ''}`, r);
      return 0;
    }
    default:
      throw c.usage(sub ? `unknown eth command "${sub}"` : 'eth needs a command: address, xpub, sign-tx, sign-message, sign-typed-data');
  }
}
