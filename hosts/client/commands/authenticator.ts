/**
 * `latch authenticator add [URI]` and `latch authenticator list` (--json). The URI holds the service's secret, so
 * it is read from standard input when not given (a command line ends up in shell history and process lists).
 */
import readline from 'node:readline';
import { AuthenticatorApp } from '../authenticator.js';
import type { CommandContext } from './context.js';

export const AUTHENTICATOR_USAGE = `  authenticator add [URI]                       add a service's otpauth:// URI (read from standard input when
                                                not given); the owner confirms on the device, which then shows
                                                its codes (Menu > Authenticator); the app never sees one
  authenticator list                            the accounts' names on the device`;

async function readUri(): Promise<string> {
  if (process.stdin.isTTY) process.stdout.write('otpauth:// URI (from the service\'s QR code): ');
  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  try {
    return await new Promise<string>((resolve, reject) => {
      rl.once('line', (l) => resolve(l.trim()));
      rl.once('close', () => reject(new Error('no otpauth:// URI on standard input')));
    });
  } finally {
    rl.close();
  }
}

export async function authenticatorCommand(c: CommandContext): Promise<number> {
  const a = new AuthenticatorApp(c.session);
  const [sub, ...rest] = c.args;
  if (sub === 'add') {
    if (rest.length > 1) throw c.usage(`too many arguments: ${rest.slice(1).join(' ')}`);
    const uri = rest[0] ?? (await readUri());
    if (!/^otpauth:\/\//i.test(uri)) throw c.usage('that is not an otpauth:// URI');
    const r = await a.add(uri);
    c.out(`Added "${r.name}" (${r.kind === 'totp' ? 'time-based' : 'counter-based'}): its codes show on the device, Menu > Authenticator.`, r);
    return 0;
  }
  if (sub === 'list') {
    if (rest.length) throw c.usage(`too many arguments: ${rest.join(' ')}`);
    const accounts = await a.list();
    c.out(accounts.length ? accounts.map((x) => `${x.name} (${x.kind === 'totp' ? 'time-based' : 'counter-based'})`).join('\n') : 'No authenticator accounts on the device.', { accounts });
    return 0;
  }
  throw c.usage(sub ? `unknown authenticator command "${sub}"` : 'authenticator needs a command: add, list');
}
