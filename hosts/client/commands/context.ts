/** What a `latch <family> ...` command gets from the CLI: an open session, its arguments, and output helpers. */
import type { RpcSession } from '../client.js';
import type { AntiExfilOptions } from '../anti-exfil.js';

export interface CommandContext {
  session: RpcSession;
  /** the bound device's id, and this app's home directory (where per-device state is kept) */
  deviceId: Uint8Array;
  home: string;
  /** positionals after the family name, e.g. ["sign-tx", "tx.json"] */
  args: string[];
  values: Record<string, string | boolean | undefined>;
  /** print `text`, or `json` with --json */
  out(text: string, json: unknown): void;
  /** an error the user made on the command line (exit code 2) */
  usage(message: string): Error;
}

/** The signing apps' anti-exfil options from the command line: on unless --no-anti-exfil; a failure is an alarm. */
export function antiExfilOptions(c: CommandContext): AntiExfilOptions {
  return {
    antiExfil: c.values['no-anti-exfil'] !== true,
    onAntiExfilFailure: (err) => process.stderr.write(`\n!!! latch: ALARM: ${err.message}\n\n`),
  };
}
