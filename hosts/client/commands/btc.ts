/**
 * `latch btc xpub`, `latch btc address [--show]`, `latch btc sign-psbt FILE [-o OUT]` (all --json), with
 * --type wpkh|tr, --account N, --network mainnet|testnet|regtest, --change, --index N.
 */
import fs from 'node:fs';
import { base64 } from '@scure/base';
import { BtcApp, type AccountOptions, type BtcAccountType, type BtcNetworkName } from '../btc.js';
import type { CommandContext } from './context.js';

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
  const btc = new BtcApp(c.session);
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
      const r = await btc.getAddress({ ...account(c), change: c.values.change === true, index: whole(c, 'index'), show: c.values.show === true });
      const note = r.confirmed === undefined ? '' : r.confirmed ? '\nThe owner confirmed it matches on the device.' : '\nThe owner said it does NOT match on the device: do not use it.';
      c.out(`${r.address}  (${r.path})${note}`, r);
      return r.confirmed === false ? 1 : 0;
    }
    case 'sign-psbt': {
      if (!arg) throw c.usage('btc sign-psbt needs a PSBT: a file (binary, base64 or hex) or base64 inline');
      const input = fs.existsSync(arg) ? fs.readFileSync(arg) : arg;
      const binary = input instanceof Uint8Array && input[0] === 0x70 && input[4] === 0xff;
      const network = c.values.network === undefined ? undefined : account(c).network;
      const r = await btc.signPsbt(input instanceof Uint8Array ? new Uint8Array(input) : input, network);
      const b64 = base64.encode(r.psbt);
      const out = c.values.out;
      if (typeof out === 'string') {
        fs.writeFileSync(out, binary ? r.psbt : `${b64}\n`);
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
