/**
 * `npx latch`: the app side on the command line, for developers and QA benches.
 *   latch status | bind | info | ping | reset | agent   [--device ws://HOST:PORT/link | ble[:NAME]] [--home DIR]
 */
import { AntiExfilError } from './anti-exfil.js';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import readline from 'node:readline';
import { toHex } from '../../modules/bytes.js';
import { normaliseCode } from '../../modules/binding/code.js';
import { BACKUP_CODE_LENGTH } from '../../modules/binding/backup-code.js';
import { DeviceError, LatchClient, RpcError, type RpcSession } from './client.js';
import { SIGNING_TIMEOUT_MS } from './eth.js';
import { InputError } from './input-error.js';
import { describeInfo, describeRollbackCounter } from './device-info.js';
import { KeyFileError, PassphraseError, defaultHome, envPassphrase, loadOrCreate, save } from './keystore.js';
import { BleTransport, WebSocketTransport, type PacketTransport } from './transport.js';
import type { CommandContext } from './commands/context.js';
import { BTC_USAGE, btcCommand } from './commands/btc.js';
import { GUARD_USAGE, freezeCommand, otpCommand, pendingCommand, policyCommand, unfreezeCommand } from './commands/guard.js';
import { ETH_USAGE, ethCommand } from './commands/eth.js';
import { EVENTS_USAGE, eventsCommand } from './commands/events.js';
import { AUTHENTICATOR_USAGE, authenticatorCommand } from './commands/authenticator.js';
import { sayNotices } from './commands/notices.js';
import { AGENT_USAGE, agentCommand, serveOthers } from './commands/agent.js';
import { WALLET_USAGE, walletCommand } from './commands/wallet.js';
import { AgentSession } from './agent/agent-session.js';

const USAGE = `usage: latch <command> [options]

commands:
  status   say whether the device is unbound, bound to this app, or bound to another app
  bind     bind this app: the device shows a code on its screen; type it here (or --code, or one line on stdin)
  info     firmware, protocol, device id and state, over an encrypted session
  ping     a round trip over an encrypted session
  reset    ask the device for a factory reset; the owner confirms or refuses it on the device (with the PIN), and
           the outcome is printed: erased, refused, timed out, or busy
${ETH_USAGE}
${BTC_USAGE}
${GUARD_USAGE}
${EVENTS_USAGE}
${AUTHENTICATOR_USAGE}
${WALLET_USAGE}
${AGENT_USAGE}

options:
  --device URL   ws://HOST:PORT/link (default ws://127.0.0.1:8080/link, the board simulator), or ble / ble:NAME
  --home DIR     where this app's key file lives (default ~/.latch)
  --label NAME   the name the device shows for this app (bind; default latch-cli@<host>)
  --code CODE    the binding code (bind), instead of asking
  --backup-code  (bind) bind with the device's one-time backup code (Menu > Backup code on the device) instead of
                 the binding code: typed here (or --code, or one line on stdin); the device then shows a new
                 binding code
  --since N      (events) from event N (default: all the device keeps)
  --follow       (events) then print new events as they happen, checked one by one
  --protect      (bind) encrypt this app's key file with a passphrase (asked on the terminal, or LATCH_PASSPHRASE);
                 a protected key file asks for it each time, or reads LATCH_PASSPHRASE
  --mtu N        the link MTU to ask for (default 247)
  --index N      (eth) the account index: m/44'/60'/0'/0/N (default 0)
  --path PATH    (eth) any BIP32 path instead, e.g. "m/44'/60'/1'/0/0" (the device warns outside m/44'/60')
  --show         (eth/btc address) show the address on the device as text and QR, and ask the owner to compare
  --type T       (btc) wpkh (BIP84 native segwit, default) or tr (BIP86 taproot)
  --account N    (btc) the account number (default 0)
  --network NET  (btc) mainnet (default), testnet or regtest
  --change       (btc address) an address of the change branch (…/1/N)
  -o, --out FILE (btc sign-psbt) write the signed PSBT here
  --asset A      (policy) eth:<chainId>, eth:* (every chain without its own rule, counted together),
                 eth:<chainId>:<0xtoken>, btc:<mainnet|testnet|regtest> (testnet also covers regtest: same keys)
  --daily X      (policy set) the limit over 24 h of device time, in the asset's unit ("0.1"; tokens not in the
                 device's list: base units)
  --per-tx X     (policy set) the most one transaction may send
  --allow LIST   (policy set) comma-separated addresses: the only destinations allowed
  --over-limit-with-code yes|no   (policy set) let a transaction over a limit through with a verification code
  --no-anti-exfil  (eth/btc signing) skip the anti-exfil check (on by default: this app adds its own entropy to
                 each ECDSA signature's nonce and checks the device used it; exit code 3 and an alarm if not)
  --json         print results as JSON (errors too: {"error", "code"} on standard output)
  --version      the version of this client (the firmware's is in "latch info")
  -h, --help

exit codes: 0 done, 1 the device refused or failed, 2 a usage error (bad options or input), 130 interrupted`;

class UsageError extends Error {}

/** Ctrl-C at a prompt: exit 130, as a shell expects of an interrupted command. */
class Interrupted extends Error {}

const VERSION = (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Session command families: `latch eth ...`, `latch btc ...`. */
const FAMILIES: Record<string, (c: CommandContext) => Promise<number>> = { eth: ethCommand, btc: btcCommand, policy: policyCommand, freeze: freezeCommand, unfreeze: unfreezeCommand, pending: pendingCommand, otp: otpCommand, events: eventsCommand, authenticator: authenticatorCommand, wallet: walletCommand };

/** What each RPC error means for the person at the terminal (said before the device's reason, unless it says so). */
const RPC_WORDS: Record<string, string> = {
  'locked': 'the device is locked',
  'no-wallet': 'the device has no wallet yet',
  'counter-spent': 'the device takes no PIN any more: its rollback counter is spent',
  'refused': 'refused on the device',
  'blind-signing-off': 'refused: blind signing is off on the device',
  'timeout': 'timed out on the device',
  'busy': 'the device is busy',
  'cancelled': 'cancelled',
  'bad-params': 'the device refused the request',
  'bad-psbt': 'the device will not sign this PSBT',
  'frozen': 'the device is frozen',
  'policy': 'refused by the spending policy',
  'bad-code': 'the verification code was not accepted',
  'policy-pending': 'a policy change is already pending',
  'needs-code': 'a verification code is needed on the device',
  'not-allowed': 'the device does not take a passphrase from the app',
};

async function readCode(which: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdin.isTTY ? process.stdout : undefined, terminal: process.stdin.isTTY });
  try {
    if (process.stdin.isTTY) process.stdout.write(which === 'binding code' ? 'Binding code shown on the device: ' : 'Backup code: ');
    const line = await new Promise<string>((resolve, reject) => {
      rl.once('line', resolve);
      rl.once('SIGINT', () => reject(new Interrupted()));
      rl.once('close', () => reject(new InputError(`no ${which} on standard input`)));
    });
    return line.trim();
  } finally {
    rl.close();
  }
}

/** Read a line from the terminal without echoing it (passphrases). */
async function askHidden(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) throw new PassphraseError('a passphrase is needed: set LATCH_PASSPHRASE (standard input is not a terminal)');
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
  out._writeToOutput = (s: string) => { if (s.includes(prompt)) out.output.write(s); };
  try {
    return await new Promise<string>((resolve, reject) => {
      rl.once('SIGINT', () => reject(new Interrupted()));
      rl.question(prompt, resolve);
    });
  } finally {
    rl.close();
    process.stdout.write('\n');
  }
}

async function newPassphrase(): Promise<string> {
  const fromEnv = envPassphrase();
  if (fromEnv !== undefined) return fromEnv;
  const first = await askHidden('New passphrase for this app\'s key file: ');
  if (first.length < 8) throw new PassphraseError('a passphrase has at least 8 characters');
  if ((await askHidden('The same passphrase again: ')) !== first) throw new PassphraseError('the two passphrases differ');
  return first;
}

async function openTransport(device: string, mtu: number): Promise<PacketTransport> {
  if (device === 'ble' || device.startsWith('ble:')) return BleTransport.open(device.slice(4));
  if (!/^wss?:\/\//.test(device)) throw new UsageError(`--device must be ws://HOST:PORT/link or ble, not "${device}"`);
  try {
    return await WebSocketTransport.open(device, mtu);
  } catch (err) {
    if (/ECONNREFUSED/.test((err as Error).message)) throw new Error(`nothing answers at ${device}: is the device (or the simulator: npm start) running?`);
    if (/another app is connected/.test((err as Error).message)) throw new Error(`${(err as Error).message} (latch commands of one app share the link through "latch agent", or a running "latch events --follow")`);
    throw err;
  }
}

/** parseArgs' complaint in a line: which option, and where to look. */
function parseProblem(err: Error): string {
  const unknown = /Unknown option '([^']+)'/.exec(err.message);
  if (unknown) return `unknown option ${unknown[1]}: see "latch --help"`;
  const missing = /Option '(-\w, )?(--[\w-]+)[^']*' argument missing/.exec(err.message);
  if (missing) return `${missing[2]} needs a value: see "latch --help"`;
  const extra = /Option '(-\w, )?(--[\w-]+)' does not take an argument/.exec(err.message);
  if (extra) return `${extra[2]} takes no value: see "latch --help"`;
  return `${err.message.split('. ')[0]}: see "latch --help"`;
}

/** One sentence for an error, in the user's words, each thing said once. */
function say(prefix: string | undefined, detail: string): string {
  if (!prefix) return detail;
  if (!detail || detail.toLowerCase().includes(prefix.toLowerCase())) return detail || prefix;
  return `${prefix}: ${detail}`;
}

/** What failed, for the person (text) and for programs (code); and the exit code. */
function describe(err: unknown): { message: string; code: string; exit: number } {
  if (err instanceof Interrupted) return { message: 'interrupted', code: 'interrupted', exit: 130 };
  if (err instanceof UsageError || err instanceof InputError) return { message: err.message, code: 'usage', exit: 2 };
  if (err instanceof PassphraseError || err instanceof KeyFileError) return { message: err.message, code: 'key-file', exit: 1 };
  if (err instanceof DeviceError) return { message: err.message, code: err.codeName, exit: 1 };
  if (err instanceof RpcError) return { message: say(RPC_WORDS[err.code], err.message), code: err.code, exit: 1 };
  if (err instanceof AntiExfilError) return { message: err.message, code: err.code, exit: 3 };
  return { message: (err as Error)?.message ?? String(err), code: 'error', exit: 1 };
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        device: { type: 'string', default: 'ws://127.0.0.1:8080/link' },
        home: { type: 'string' },
        label: { type: 'string' },
        code: { type: 'string' },
        'backup-code': { type: 'boolean', default: false },
        since: { type: 'string' },
        follow: { type: 'boolean', default: false },
        protect: { type: 'boolean', default: false },
        mtu: { type: 'string', default: '247' },
        index: { type: 'string' },
        path: { type: 'string' },
        show: { type: 'boolean', default: false },
        type: { type: 'string' },
        account: { type: 'string' },
        network: { type: 'string' },
        change: { type: 'boolean', default: false },
        out: { type: 'string', short: 'o' },
        asset: { type: 'string' },
        daily: { type: 'string' },
        'per-tx': { type: 'string' },
        'wallet': { type: 'string' },
        allow: { type: 'string' },
        'over-limit-with-code': { type: 'string' },
        'no-anti-exfil': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        version: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    return report(new UsageError(parseProblem(err as Error)), argv.includes('--json'));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.version) {
    process.stdout.write(values.json ? `${JSON.stringify({ version: VERSION })}\n` : `latch ${VERSION}\n`);
    return 0;
  }
  const command = positionals[0];
  const family = FAMILIES[command];
  if (!command) {
    if (!values.json) process.stderr.write(`${USAGE}\n`);
    return report(new UsageError('a command is needed: see "latch --help"'), values.json);
  }
  if (!(['status', 'bind', 'info', 'ping', 'reset', 'agent'].includes(command) || family)) return report(new UsageError(`unknown command "${command}": see "latch --help"`), values.json);
  if (!family && positionals.length > 1) return report(new UsageError(`"latch ${command}" takes no arguments (got "${positionals.slice(1).join(' ')}")`), values.json);
  const mtu = Number(values.mtu);
  if (!Number.isInteger(mtu) || mtu < 23 || mtu > 517) return report(new UsageError('--mtu must be a whole number from 23 to 517'), values.json);
  const home = values.home ?? defaultHome();
  const out = (text: string, json: unknown) => process.stdout.write(values.json ? `${JSON.stringify(json)}\n` : `${text}\n`);
  let client: LatchClient | undefined;
  let agent: AgentSession | undefined;
  let served: { session: RpcSession; stop(): void } | undefined;
  /** a session command, over this app's own session or the agent's */
  const runSession = async (session: RpcSession, deviceId: Uint8Array): Promise<number> => {
    session.onNotice(sayNotices);
    if (family) return family({ session, deviceId, home, args: positionals.slice(1), values, out, usage: (m) => new UsageError(m) });
    if (command === 'info') {
      const info = await session.call('get_info');
      out(describeInfo(info), info);
    } else if (command === 'ping') {
      const t0 = performance.now();
      await session.call('ping');
      const ms = performance.now() - t0;
      out(`pong (${ms.toFixed(1)} ms over an encrypted session)`, { pong: true, ms });
    } else {
      return resetCommand(session, out);
    }
    return 0;
  };
  try {
    if (values.protect && command !== 'bind') throw new UsageError('--protect goes with "latch bind"');
    const backup = values['backup-code'] === true;
    const checkCode = (code: string): string => {
      if (!normaliseCode(code, backup ? BACKUP_CODE_LENGTH : undefined)) {
        throw new UsageError(backup
          ? `a backup code is ${BACKUP_CODE_LENGTH} characters from 2-9 and A-Z without I and O (spaces and dashes do not matter)`
          : 'a binding code is 8 characters from 2-9 and A-Z without I and O');
      }
      return code;
    };
    if (values.code !== undefined) {
      if (command !== 'bind') throw new UsageError('--code goes with "latch bind"');
      checkCode(values.code);
    }
    // A running agent (latch agent, or latch events --follow) holds this app's link: share its session.
    agent = await AgentSession.connect(home);
    if (agent) {
      if (command === 'bind') throw new Error(`latch agent (pid ${agent.pid}) holds the device's link for this app: stop it, then bind`);
      if (command === 'agent') throw new Error(`an agent already serves this app (pid ${agent.pid}, ${agent.path})`);
      if (command === 'status') {
        const rollbackCounter = ((await agent.call('get_info')) as { rollbackCounter?: unknown }).rollbackCounter;
        const counter = describeRollbackCounter(rollbackCounter);
        const said = `The device is bound to this app (through the agent, pid ${agent.pid}).`;
        out(counter ? `${said}\n${counter}` : said, { state: 'bound-to-this-app', agent: agent.pid, ...(rollbackCounter !== undefined ? { rollbackCounter } : {}) });
        return 0;
      }
      return await runSession(agent, agent.deviceId);
    }
    const app = await loadOrCreate(home, values.label, process.stdin.isTTY ? () => askHidden('Passphrase of this app\'s key file: ') : undefined);
    if (values.protect && app.passphrase === undefined) {
      app.passphrase = await newPassphrase();
      save(home, app);
    }
    if (values.label && values.label !== app.label) app.label = values.label;
    client = new LatchClient(await openTransport(values.device, mtu));
    if (command === 'status') {
      const info = await client.info();
      let state: string;
      let rollbackCounter: unknown;
      if (info.blank) state = 'unbound';
      else if (app.device) {
        try {
          const session = await client.openSession(app.key, app.device);
          state = 'bound-to-this-app';
          // only the bound app hears it, in the session: INFO (read before any session) tells anyone in range nothing of it
          rollbackCounter = ((await session.call('get_info')) as { rollbackCounter?: unknown }).rollbackCounter;
        } catch (err) {
          if (!(err instanceof DeviceError)) throw err;
          state = err.codeName === 'boundToOtherApp' ? 'bound-to-other-app' : err.codeName === 'notBound' ? 'unbound' : 'bound-to-other-app';
        }
      } else {
        const probe = await client.probeBinding(app.key);
        state = probe === 'bound-to-this-key' ? 'bound-to-this-app' : probe;
      }
      const words: Record<string, string> = {
        'unbound': 'The device is not bound to any app. Run "latch bind" and enter the code the device shows.',
        'bound-to-this-app': 'The device is bound to this app.',
        'bound-to-other-app': 'The device is bound to another app: enter your binding code to re-bind ("latch bind").',
      };
      const counter = describeRollbackCounter(rollbackCounter);
      out(counter ? `${words[state]}\n${counter}` : words[state], { state, blank: info.blank, protocol: info.protocol, ...(rollbackCounter !== undefined ? { rollbackCounter } : {}) });
      return 0;
    }
    if (command === 'bind') {
      const which = backup ? 'backup code' : 'binding code';
      if (!process.stdin.isTTY && !values.code) process.stderr.write(`latch: reading the ${which} from standard input\n`);
      const result = await client.bind(app.key, app.label, async () => {
        if (values.code) return values.code;
        if (process.stdin.isTTY) process.stdout.write(backup ? 'Type the 60-character backup code the device showed (spaces do not matter).\n' : 'The device shows a binding code on its screen.\n');
        return checkCode(await readCode(which));
      }, 120_000, () => process.stderr.write(`Code accepted. Hold C (Allow) on the device to bind "${app.label}".${backup ? ' The device then shows its new binding code.' : ''}\n`), backup);
      if (result.outcome === 'refused') {
        out('The binding was refused on the device.', { outcome: 'refused' });
        return 1;
      }
      app.device = result.device;
      if (result.outcome === 'pending') {
        save(home, app);
        out(`Allowed on device ${toHex(result.device.id)}, but it has spending limits and no verification codes: this app is bound after ${Math.round(result.inMs / 3_600_000)} h of device time, unless the app bound now refuses it.`, { outcome: 'pending', inMs: result.inMs, deviceId: toHex(result.device.id) });
        return 0;
      }
      save(home, app);
      out(`Bound to device ${toHex(result.device.id)} as "${app.label}".`, { outcome: 'allowed', deviceId: toHex(result.device.id) });
      return 0;
    }
    if (!app.device) throw new UsageError('this app is not bound to a device yet: run "latch bind" first');
    const direct = await client.openSession(app.key, app.device);
    if (command === 'agent') return await agentCommand(direct, app.device.id, home, values.device);
    if (command === 'events' && values.follow) {
      served = await serveOthers(direct, app.device.id, home, values.device);
      return await runSession(served.session, app.device.id);
    }
    return await runSession(direct, app.device.id);
  } catch (err) {
    return report(err, values.json);
  } finally {
    served?.stop();
    await agent?.close();
    await client?.close().catch(() => undefined);
  }
}

/** Say what failed (stderr; with --json also one JSON line on stdout); the exit code. */
function report(err: unknown, json: boolean | undefined): number {
  const d = describe(err);
  if (d.exit === 130) process.stdout.write('\n'); // the prompt's line ends cleanly
  if (json) process.stdout.write(`${JSON.stringify({ error: d.message, code: d.code })}\n`);
  process.stderr.write(`latch: ${d.message}\n`);
  return d.exit;
}

/** `latch reset`: ask, wait for the owner's decision on the device, and say what it was. */
async function resetCommand(session: RpcSession, out: (text: string, json: unknown) => void): Promise<number> {
  try {
    await session.call('request_factory_reset', undefined, SIGNING_TIMEOUT_MS);
  } catch (err) {
    if (!(err instanceof RpcError) || !['refused', 'timeout', 'busy', 'cancelled'].includes(err.code)) throw err;
    const outcome = err.code === 'timeout' ? 'timed-out' : err.code;
    const words: Record<string, string> = {
      'refused': `Not erased: ${err.message.replace(/: nothing was erased$/, '')}.`,
      'timed-out': 'Not erased: nobody confirmed the reset on the device in time.',
      'busy': 'Not erased: the device is busy with its owner or another request; try again later.',
      'cancelled': 'Not erased: the request was cancelled.',
    };
    out(words[outcome], { outcome, message: err.message });
    return 1;
  }
  out('The device was erased: it is blank again, with a new identity. Bind it again after setting it up.', { outcome: 'erased' });
  return 0;
}
