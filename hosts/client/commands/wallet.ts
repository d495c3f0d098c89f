/**
 * `latch wallet` (the fingerprint of the wallet in use), `latch wallet passphrase` (open a passphrase wallet:
 * the passphrase is typed hidden on the terminal, or read as one line from standard input, never taken from the
 * command line, which ends up in shell history and process lists) and `latch wallet standard` (back to the
 * wallet of the recovery words alone). Both switches are confirmed on the device, which shows the fingerprint,
 * and need the owner's leave in Menu > Passphrase wallet > From the app.
 */
import readline from 'node:readline';
import { SIGNING_TIMEOUT_MS } from '../eth.js';
import type { CommandContext } from './context.js';

export const WALLET_USAGE = `  wallet                                        the fingerprint of the wallet in use on the device
  wallet passphrase                             open the wallet behind a BIP39 passphrase (typed hidden, or one
                                                line on standard input); the device shows its fingerprint and
                                                the owner presses Use (allowed in Menu > Passphrase wallet)
  wallet standard                               back to the standard wallet (the recovery words alone)`;

/** One line: hidden on a terminal, as it is on standard input otherwise (a trailing CR dropped, spaces kept). */
async function readPassphrase(): Promise<string> {
  const tty = process.stdin.isTTY;
  const prompt = 'BIP39 passphrase (not shown): ';
  const rl = readline.createInterface({ input: process.stdin, output: tty ? process.stdout : undefined, terminal: tty });
  if (tty) {
    const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
    out._writeToOutput = (s: string) => { if (s.includes(prompt)) out.output.write(s); };
  } else process.stderr.write('latch: reading the passphrase from standard input\n');
  try {
    return await new Promise<string>((resolve, reject) => {
      if (tty) rl.question(prompt, resolve);
      else rl.once('line', resolve);
      rl.once('close', () => reject(new Error('no passphrase on standard input')));
    });
  } finally {
    rl.close();
    if (tty) process.stdout.write('\n');
  }
}

export async function walletCommand(c: CommandContext): Promise<number> {
  const [sub, ...rest] = c.args;
  if (rest.length) throw c.usage(`too many arguments: ${rest.join(' ')} (a passphrase is never given on the command line)`);
  if (sub === undefined || sub === 'info') {
    const r = (await c.session.call('wallet_info', {})) as { fingerprint: string };
    c.out(`Wallet ${r.fingerprint} is in use on the device.`, r);
    return 0;
  }
  if (sub !== 'passphrase' && sub !== 'standard') throw c.usage(`unknown wallet command "${sub}": info, passphrase, standard`);
  let passphrase = '';
  if (sub === 'passphrase') {
    passphrase = (await readPassphrase()).replace(/\r$/, '');
    if (!passphrase) throw c.usage('an empty passphrase is the standard wallet: "latch wallet standard"');
    if (!/^[\x20-\x7e]{1,100}$/.test(passphrase)) throw c.usage('a passphrase the device takes is 1 to 100 printable ASCII characters (what it can show and type)');
  }
  const r = (await c.session.call('wallet_use_passphrase', { passphrase }, SIGNING_TIMEOUT_MS)) as { fingerprint: string; passphrase: boolean };
  c.out(r.passphrase ? `Wallet ${r.fingerprint} (behind the passphrase) is in use until the device locks.` : `Wallet ${r.fingerprint} (the standard wallet) is in use.`, r);
  return 0;
}
