// The `latch` CLI tried as a new user would, against the simulator on XS: usage errors exit 2 and say which
// option; with --json every error is JSON; each failure is said once, in words, naming the file when a file is
// the trouble; Ctrl-C at a prompt exits 130; `reset` waits for the owner and says what happened; `--show` prints
// the address before the owner is asked to compare.
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, bindWithCli, latch } from './support/cli.js';
import { DeviceDriver, SCREEN_WAIT_MS } from './support/device-driver.js';
import { startSim, type RunningSim } from './support/sim.js';
import { startCliBench, type CliBench } from './support/cli-bench.js';
import { FIRMWARE_VERSION } from '../../modules/device.js';
import pkg from '../../package.json' with { type: 'json' };

const ADDRESS_0 = '0x73d0385F4d8E00C5e6504C6030F47BF6212736A8';
const TX = { type: 2, chainId: 1, nonce: 7, to: '0x1d1c328764a41bda0492b66baa30c4a339ff85ef', value: '1', gasLimit: 21000, maxFeePerGas: '2', maxPriorityFeePerGas: '1' };

let bench: CliBench | undefined;
let d: DeviceDriver;
const device = () => bench!.device();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'latch-cli-e2e-'));

test.before(async () => {
  bench = await startCliBench({ mnemonic: 'all all all all all all all all all all all all', label: 'New user', name: 'cli' });
  d = bench.d;
});
test.after.always(async () => {
  await bench?.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** Its JSON, checking that standard output holds exactly one JSON line. */
function oneJson(stdout: string): any {
  const lines = stdout.trim().split('\n');
  if (lines.length !== 1) throw new Error(`expected one JSON line, got: ${stdout}`);
  return JSON.parse(lines[0]);
}

test.serial('one version: the CLI, package.json and the firmware (latch info) agree', async (t) => {
  t.is(FIRMWARE_VERSION, pkg.version);
  const v = await latch(['--version']);
  t.is(v.stdout, `latch ${pkg.version}\n`);
  const info = await latch(['info', '--json', ...device()]);
  t.is(oneJson(info.stdout).firmware, pkg.version);
});

test.serial('usage errors exit 2 and say which option, in one line pointing to --help', async (t) => {
  const unknown = await latch(['status', '--nope', ...device()]);
  t.is(unknown.code, 2);
  t.is(unknown.stderr, 'latch: unknown option --nope: see "latch --help"\n');
  const noValue = await latch(['bind', ...device(), '--code']);
  t.is(noValue.code, 2);
  t.is(noValue.stderr, 'latch: --code needs a value: see "latch --help"\n');
  const command = await latch(['stauts', ...device()]);
  t.is(command.code, 2);
  t.is(command.stderr, 'latch: unknown command "stauts": see "latch --help"\n');
  const code = await latch(['bind', '--code', 'hello', ...device()]);
  t.is(code.code, 2);
  t.is(code.stderr, 'latch: a binding code is 8 characters from 2-9 and A-Z without I and O\n');
  t.is((await d.screen()).id, 'unlocked', 'nothing reached the device');
  const daily = await latch(['policy', 'set', '--asset', 'eth:1', '--daily', 'lots', ...device()]);
  t.is(daily.code, 2);
  t.is(daily.stderr, 'latch: eth:1: "lots" is not an amount of ETH (write it like "0.1", at most 18 decimals)\n');
  const help = await latch(['--help']);
  t.regex(help.stdout, /^ {2}-o, --out FILE /m, '-o and --out are one option, documented as such');
});

test.serial('with --json every error is one JSON line on standard output', async (t) => {
  for (const args of [['status', '--nope'], ['stauts'], ['bind', '--code', 'hello'], ['eth', 'sign-tx'], ['eth', 'sign-tx', '{"chainId":1}'], ['btc', 'sign-psbt', 'missing.psbt'], []]) {
    const r = await latch([...args, '--json', ...device()]);
    t.is(r.code, 2, args.join(' '));
    const j = oneJson(r.stdout);
    t.is(j.code, 'usage', args.join(' '));
    t.is(typeof j.error, 'string');
    t.is(r.stderr.trim().split('\n').pop(), `latch: ${j.error}`);
  }
  const refused = await latch(['eth', 'sign-message', 'no', '--json', ...device()], async () => { await d.waitForReview(); await d.press('b'); });
  t.is(refused.code, 1);
  t.deepEqual(oneJson(refused.stdout), { error: 'refused on the device', code: 'refused' });
});

test.serial('a malformed transaction is said in its own terms before the device is asked, not as a library error', async (t) => {
  const placeholder = await latch(['eth', 'sign-tx', JSON.stringify({ ...TX, to: '0x1d1c...' }), ...device()]);
  t.is(placeholder.code, 2);
  t.is(placeholder.stderr, 'latch: "to" must be an address (0x and 40 hex digits), not "0x1d1c..."\n');
  const odd = await latch(['eth', 'sign-tx', JSON.stringify({ ...TX, data: '0xabc' }), ...device()]);
  t.is(odd.code, 2);
  t.is(odd.stderr, 'latch: "data" must be bytes as 0x and an even number of hex digits, not "0xabc"\n');
  t.notRegex(placeholder.stderr + odd.stderr, /RLP|hex string/);
  t.is((await d.screen()).id, 'unlocked');
});

test.serial('what the device says is said once: a refusal, a locked device', async (t) => {
  const refused = await latch(['eth', 'sign-tx', JSON.stringify(TX), ...device()], async () => { await d.waitForReview(); await d.press('b'); });
  t.is(refused.code, 1);
  t.is(refused.stderr.split('\n').filter((l) => l.startsWith('latch:')).join('\n'), 'latch: refused on the device');
  await d.press('a'); // Lock
  const locked = await latch(['eth', 'address', ...device()]);
  t.is(locked.code, 1);
  t.is(locked.stderr, 'latch: the device is locked: unlock it with its PIN on the device\n');
  await d.toUnlockedHome();
});

test.serial('files: a missing one is named and said missing, bad JSON names the file, an --out that cannot be written stops before the device', async (t) => {
  const missing = path.join(scratch, 'tx.json');
  const r = await latch(['eth', 'sign-tx', missing, ...device()]);
  t.is(r.code, 2);
  t.is(r.stderr, `latch: ${missing}: no such file\n`);
  const bad = path.join(scratch, 'mail.json');
  fs.writeFileSync(bad, '{"types": ');
  const badJson = await latch(['eth', 'sign-typed-data', bad, ...device()]);
  t.is(badJson.code, 2);
  t.regex(badJson.stderr, new RegExp(`^latch: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON \\(`));
  const out = path.join(scratch, 'no-such-folder', 'signed.psbt');
  const write = await latch(['btc', 'sign-psbt', 'cHNidP8BAHECAAAAAQAAAAA=', '-o', out, ...device()]);
  t.is(write.code, 2);
  t.is(write.stderr, `latch: cannot write ${out}: the folder ${path.dirname(out)} does not exist\n`);
  t.is((await d.screen()).id, 'unlocked', 'the device was not asked');
});

test.serial('a damaged key file is named, with what to do', async (t) => {
  const home = path.join(scratch, 'damaged');
  fs.mkdirSync(home, { mode: 0o700 });
  fs.writeFileSync(path.join(home, 'app.json'), '{"version": 1, "label": "x", "privateKey": "nothex"', { mode: 0o600 });
  const r = await latch(['status', '--device', device()[1], '--home', home]);
  t.is(r.code, 1);
  t.is(r.stderr, `latch: ${path.join(home, 'app.json')} is not a Latch key file (not JSON): move it away and run "latch bind" to make a new app key (the device then needs its binding code again), or put back a copy of the file\n`);
  fs.writeFileSync(path.join(home, 'app.json'), '{"version": 1, "label": "x", "privateKey": "nothex"}', { mode: 0o600 });
  t.regex((await latch(['status', '--device', device()[1], '--home', home])).stderr, /app\.json is damaged \(its private key is not 32 bytes of hex\): move it away/);
});

test.serial('--show prints the address before the owner is asked to compare it, then the owner\'s answer', async (t) => {
  let printedFirst = '';
  const r = await latch(['eth', 'address', '--show', ...device()], async (_write, _stderr, stdout) => {
    await d.waitFor('eth-address');
    printedFirst = stdout();
    await d.press('c');
  });
  t.is(r.code, 0, r.stderr);
  t.is(printedFirst, `${ADDRESS_0}  (m/44'/60'/0'/0/0)\n`, 'the address was on the terminal while the device asked');
  t.is(r.stdout, `${ADDRESS_0}  (m/44'/60'/0'/0/0)\nThe owner confirmed it matches on the device.\n`);
});

test.serial('Ctrl-C while typing the binding code exits 130 on a clean line', async (t) => {
  if (spawnSync('script', ['--version']).status !== 0) {
    t.log('skipped: util-linux "script" (a terminal for the CLI) is not installed');
    t.pass();
    return;
  }
  const home = path.join(scratch, 'interrupted');
  const command = [process.execPath, BIN, 'bind', '--device', device()[1], '--home', home].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qefc', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (b) => { output += b; });
  child.stderr.on('data', (b) => { output += b; });
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
  await d.waitFor('bind-code');
  for (const until = Date.now() + SCREEN_WAIT_MS; Date.now() < until && !output.includes('Binding code shown on the device: ');) await new Promise((r) => setTimeout(r, 50));
  child.stdin.write('K7M\x03');
  t.is(await exited, 130, output);
  t.regex(output, /Binding code shown on the device: K7M(\^C)?\r?\n/);
  t.regex(output, /latch: interrupted\r?\n$/);
  t.notRegex(output, /no binding code|standard input/);
  t.is((await d.waitFor('unlocked')).id, 'unlocked', 'the device went home when the app left');
});

test.serial('a bound device without a wallet says so; an app another one replaced is told in words; reset waits and says what happened', async (t) => {
  t.timeout(240_000);
  const sim: RunningSim = await startSim({ manualClock: true, pinIterations: 50, autoTick: true });
  try {
    const blank = new DeviceDriver(sim.url);
    const link = ['--device', `${sim.url.replace('http', 'ws')}/link`];
    const first = [...link, '--home', path.join(scratch, 'first')];
    const second = [...link, '--home', path.join(scratch, 'second')];
    await bindWithCli(blank, first, 'First');
    const noWallet = await latch(['eth', 'address', ...first]);
    t.is(noWallet.code, 1);
    t.is(noWallet.stderr, 'latch: the device has no wallet yet: set one up on the device (Set up), then ask again\n');

    await bindWithCli(blank, second, 'Second');
    const replaced = await latch(['ping', ...first]);
    t.is(replaced.code, 1);
    t.is(replaced.stderr, 'latch: this device is bound to another app: enter your binding code to re-bind\n');

    const refused = await latch(['reset', ...second], async () => { await blank.waitFor('reset-confirm-1'); await blank.press('a'); });
    t.is(refused.code, 1);
    t.is(refused.stdout, 'Not erased: the owner refused the reset on the device.\n');
    const late = await latch(['reset', '--json', ...second], async () => {
      await blank.waitFor('reset-confirm-1');
      await blank.call('POST', '/api/clock', { advanceMs: 3 * 60_000 });
    });
    t.is(late.code, 1);
    t.deepEqual(oneJson(late.stdout), { outcome: 'timed-out', message: 'nobody confirmed the reset on the device in time: nothing was erased' });
    t.is((await blank.screen()).id, 'bound-home', 'the confirmation left the screen');
    const erased = await latch(['reset', ...second], async () => {
      await blank.waitFor('reset-confirm-1');
      await blank.press('c');
      await blank.decide('c');
    });
    t.is(erased.code, 0, erased.stderr);
    t.regex(erased.stdout, /^The device was erased/);
    t.is((await blank.screen()).state, 'blank');
  } finally {
    await sim.stop();
  }
});
