/**
 * `latch btc xpub`, `latch btc address [--show]`, `latch btc sign-psbt FILE [-o OUT]` (all --json), with
 * --type wpkh|tr, --account N, --network mainnet|testnet|regtest, --change, --index N.
 */
import fs from 'node:fs';
import { base64 } from '@scure/base';
import { BtcApp, type AccountOptions, type BtcAccountType, type BtcNetworkName } from '../btc.js';
import { antiExfilOptions, type CommandContext } from './context.js';
import { checkWritable, readNamedFile, writeNamedFile } from './files.js';
import { showAddress } from './show-address.js';

export const BTC_USAGE = `  btc xpub                                      the account's xpub (tpub off mainnet), zpub/vpub and descriptor
  btc address [--change] [--index N] [--show]   an address of the account (--show: on the device, as text and QR)
  btc sign-psbt FILE|BASE64 [--out FILE]        review a PSBT on the device and sign this wallet's inputs; the
                                                signed PSBT is printed as base64 or written to --out (binary if
                                                the input was binary), not finalized`;

function whole(c: CommandContext, name: string): number | undefined {
  const v = c.values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !/^[0-9]+$/.test(v) || !Number.isSafeInteger(n) || n >= 0x80000000) throw c.usage(`--${name} must be a whole number below 2^31`);
  return n;
}

function account(c: CommandContext): AccountOptions {
  const type = c.values.type ?? 'wpkh';
  if (type !== 'wpkh' && type !== 'tr') throw c.usage('--type is wpkh (BIP84, native segwit) or tr (BIP86, taproot)');
  const network = c.values.network ?? 'mainnet';
  if (network !== 'mainnet' && network !== 'testnet' && network !== 'regtest') throw c.usage('--network is mainnet, testnet or regtest');
  return { type: type as BtcAccountType, network: network as BtcNetworkName, account: whole(c, 'account') };
}

export async function btcCommand(c: CommandContext): Promise<number> {
  const btc = new BtcApp(c.session, antiExfilOptions(c));
  const [sub, arg, ...rest] = c.args;
  if (rest.length) throw c.usage(`too many arguments: ${rest.join(' ')}`);
  switch (sub) {
    case 'xpub': {
      if (arg) throw c.usage('btc xpub takes no argument (use --type, --account, --network)');
      const r = await btc.getXpub(account(c));
      c.out(`${r.xpub}${r.slip132 ? `\n${r.slip132}` : ''}\n${r.descriptor}\n(${r.path}, master fingerprint ${r.fingerprint})`, r);
      return 0;
    }
    case 'address': {
      if (arg) throw c.usage('btc address takes no argument (use --index, --change)');
      const options = { ...account(c), change: c.values.change === true, index: whole(c, 'index') };
      return showAddress(c, (show) => btc.getAddress({ ...options, show }));
    }
    case 'sign-psbt': {
      if (!arg) throw c.usage('btc sign-psbt needs a PSBT: a file (binary, base64 or hex) or base64 inline');
      // A file when one is there or the name cannot be base64 or hex (a dot, a slash...); else the PSBT inline.
      const inline = !fs.existsSync(arg) && /^[A-Za-z0-9+/=]{16,}$/.test(arg.trim());
      const input = inline ? arg.trim() : readNamedFile(arg);
      const binary = input instanceof Uint8Array && input[0] === 0x70 && input[4] === 0xff;
      const network = c.values.network === undefined ? undefined : account(c).network;
      const out = c.values.out;
      if (typeof out === 'string') checkWritable(out);
      const r = await btc.signPsbt(input instanceof Uint8Array ? new Uint8Array(input) : input, network);
      const b64 = base64.encode(r.psbt);
      if (typeof out === 'string') {
        try {
          writeNamedFile(out, binary ? r.psbt : `${b64}\n`);
        } catch (err) {
          // The signatures are made: print them rather than lose them.
          process.stdout.write(`${b64}\n`);
          throw err;
        }
        c.out(`signed ${r.signedInputs} input${r.signedInputs === 1 ? '' : 's'}; wrote ${out} (${binary ? 'binary' : 'base64'})`, { psbt: b64, signedInputs: r.signedInputs, out });
      } else {
        c.out(`signed ${r.signedInputs} input${r.signedInputs === 1 ? '' : 's'}:\n${b64}`, { psbt: b64, signedInputs: r.signedInputs });
      }
      return 0;
    }
    default:
      throw c.usage(sub ? `unknown btc command "${sub}"` : 'btc needs a command: xpub, address, sign-psbt');
  }
}
