// Every `npx latch` example in the README, run as written against the simulator on XS (with --device and --home
// pointing at the test's), with an owner at the device who approves whatever it asks. Each must succeed: an
// example that rots (a placeholder, an option renamed, a file format changed) fails here by its line.
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HDKey } from '@scure/bip32';
import { mnemonicToSeedSync } from '@scure/bip39';
import { base64 } from '@scure/base';
import { latch } from './support/cli.js';
import { DeviceDriver, SCREEN_WAIT_MS } from './support/device-driver.js';
import { startSim, type RunningSim } from './support/sim.js';
import { buildPsbt } from '../portable/support/psbt-builder.js';
import { NETWORKS } from '../../modules/bitcoin/networks.js';
import eip712 from '../../../shared/vectors/eth-eip/eip712-mail.json' with { type: 'json' };

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const PIN = '123456';

interface Example {
  line: number;
  text: string;
  args: string[];
}

/** Split a shell command line into words (single and double quotes, no expansion); a trailing # comment goes. */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (c === '#' && word === undefined) break;
    if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === '\'' || c === '"') {
      const end = command.indexOf(c, i + 1);
      if (end < 0) throw new Error(`unbalanced quote in: ${command}`);
      word = (word ?? '') + command.slice(i + 1, end);
      i = end;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** The README's `npx latch` examples: lines of its sh blocks, and those quoted inline in its text. */
function readmeExamples(): Example[] {
  const lines = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n');
  const found: Example[] = [];
  let inSh = false;
  lines.forEach((l, i) => {
    if (/^```/.test(l)) inSh = !inSh && /^```(sh|bash)\s*$/.test(l);
    else if (inSh && /^npx latch\b/.test(l)) found.push({ line: i + 1, text: l, args: shellWords(l).slice(2) });
    else if (!inSh) for (const m of l.matchAll(/`(npx latch [^`]+)`/g)) found.push({ line: i + 1, text: m[1], args: shellWords(m[1]).slice(2) });
  });
  return found;
}

test('the shell words of an example are what a shell would pass', (t) => {
  t.deepEqual(shellWords(`npx latch eth sign-tx '{"a":"b c"}' --json   # note`), ['npx', 'latch', 'eth', 'sign-tx', '{"a":"b c"}', '--json']);
  t.deepEqual(shellWords('npx latch bind --label "My laptop"'), ['npx', 'latch', 'bind', '--label', 'My laptop']);
});

let sim: RunningSim | undefined;
let work: string;
test.before(async () => {
  sim = await startSim({ manualClock: true, pinIterations: 50, autoTick: true });
  await new DeviceDriver(sim.url).call('POST', '/api/debug/load', { mnemonic: MNEMONIC, pin: PIN });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'latch-readme-'));
  // The files the examples name, in the folder they run in.
  fs.writeFileSync(path.join(work, 'tx.json'), JSON.stringify({ type: 2, chainId: 1, nonce: 8, to: '0x1d1c328764a41bda0492b66baa30c4a339ff85ef', value: '1000', gasLimit: 21000, maxFeePerGas: '30000000000', maxPriorityFeePerGas: '1000000000' }));
  fs.writeFileSync(path.join(work, 'mail.json'), JSON.stringify((eip712 as any).typed_data));
  fs.writeFileSync(path.join(work, 'policy.json'), '{"rules":[{"asset":"eth:1","daily":"0.1"}],"overLimitWithCode":true}');
  const master = HDKey.fromMasterSeed(mnemonicToSeedSync(MNEMONIC));
  const keys = { fingerprint: master.fingerprint, derive: (p: number[]) => p.reduce((k, i) => k.deriveChild(i), master) };
  const spend = buildPsbt(keys, NETWORKS.testnet, [{ type: 'wpkh', index: 0, amount: 100_000n }], [{ amount: 90_000n }, { amount: 9_000n, to: 'change', index: 0 }]);
  fs.writeFileSync(path.join(work, 'spend.psbt'), spend);
  fs.writeFileSync(path.join(work, 'spend.txt'), `${base64.encode(spend)}\n`);
});
test.after.always(async () => {
  await sim?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Menu > Backup code with the PIN: the code the owner reads off the screen. */
async function makeBackupCode(d: DeviceDriver): Promise<string> {
  await d.menuItem('Backup code');
  const s = await d.enterPin(PIN);
  if (s.id !== 'backup-code' || !s.qr) throw new Error(`no backup code: ${JSON.stringify(s)}`);
  // its pages (C), then Done (B) on the last, back to the menu, and home (hold B)
  for (let i = 0; i < 4 && (await d.screen()).id === 'backup-code'; i++) {
    const page = await d.screen();
    await d.press(page.page < page.pages.length ? 'c' : 'b');
  }
  if ((await d.screen()).id === 'menu') await d.press('b', true);
  return s.qr;
}

/** Menu > Passphrase wallet > From the app, turned on (held C) unless it is on; then home. */
async function allowPassphraseFromApp(d: DeviceDriver): Promise<void> {
  let s = await d.menuItem('Passphrase wallet');
  for (let i = 0; i < 10 && !s.lines.find((l) => l.startsWith('>'))!.slice(2).startsWith('From the app'); i++) s = await d.press('c');
  if (s.lines.some((l) => l === '> From the app: off')) {
    await d.press('b');
    await d.decide('c');
  }
  await d.press('b', true);
  await d.press('b', true);
}

/**
 * The owner, until `done`: types what the device shows when the CLI asks for it, and approves whatever the
 * device asks (reviews, Allow, address checks, an authenticator account, a reset with the PIN, an unfreeze the app
 * asks for, unlocking the device first as `latch unfreeze` needs).
 */
async function owner(d: DeviceDriver, write: (line: string) => void, done: () => boolean, backupCode: string | undefined, unlock = false): Promise<void> {
  let typed = false;
  while (!done()) {
    const s = await d.screen();
    if (s.id === 'bind-code' && !typed && !backupCode) {
      const code = s.lines.find((l) => /^[2-9A-HJ-NP-Z]{4} [2-9A-HJ-NP-Z]{4}$/.test(l));
      if (code) { write(code); typed = true; }
    } else if (s.id === 'bind-backup' && !typed && backupCode) { write(backupCode); typed = true; }
    else if (s.id === 'bind-allow' || s.id === 'authenticator-add' || s.id === 'reset-confirm-2' || s.id === 'unfreeze-ask') await d.decide('c');
    else if (s.id === 'locked' && unlock) await d.toUnlockedHome(PIN); // a freeze locks the device; unfreeze asks it unlocked
    else if (s.id.endsWith('-review') || s.id.endsWith('-confirm')) await d.review('approve');
    else if (s.id === 'passphrase-ask') await d.decide('c', false);
    else if (s.id.endsWith('-address') || s.id === 'reset-confirm-1') await d.press('c');
    else if (s.id === 'pin-reset') await d.enterPin(PIN);
    await new Promise((r) => setTimeout(r, 40));
  }
}

test.serial('every npx latch example in the README runs against the simulator and succeeds', async (t) => {
  t.timeout(600_000);
  const d = new DeviceDriver(sim!.url);
  const link = `${sim!.url.replace('http', 'ws')}/link`;
  const examples = readmeExamples();
  t.true(examples.length >= 30, `${examples.length} examples found`);
  // The reset runs last: it erases the device the others need.
  const ordered = [...examples.filter((e) => e.args[0] !== 'reset'), ...examples.filter((e) => e.args[0] === 'reset')];
  for (const ex of ordered) {
    const args = [...ex.args];
    const i = args.indexOf('--device');
    if (i >= 0) args.splice(i, 2);
    args.push('--device', link, '--home', path.join(work, 'home'));
    // The policy examples left limits on, so a new app is bound only after 24 hours and one waits at a time: the
    // bound app refuses an earlier example's waiting bind first, as the owner's phone would.
    if (args[0] === 'bind') await latch(['pending', 'cancel', '--device', link, '--home', path.join(work, 'home')], async () => {}, { cwd: work });
    const backupCode = args.includes('--backup-code') ? await makeBackupCode(d) : undefined;
    if (args[0] === 'wallet' && args[1] !== '--device') await allowPassphraseFromApp(d);
    const following = args.includes('--follow');
    const abort = new AbortController();
    let finished = false;
    const run = latch(args, async (write, _stderr, stdout) => {
      // `authenticator add` without a URI reads one from standard input, as `bind` reads its code.
      if (args[0] === 'wallet' && args[1] === 'passphrase') write('a README passphrase');
      if (args[0] === 'authenticator' && args[1] === 'add' && args.length === 6) write('otpauth://totp/Exchange:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Exchange');
      if (following) {
        for (const until = Date.now() + SCREEN_WAIT_MS; Date.now() < until && !stdout().includes('\n');) await new Promise((r) => setTimeout(r, 50));
        abort.abort(); // Ctrl-C, as a person stops --follow
      }
      await owner(d, write, () => finished, backupCode, args[0] === 'unfreeze');
    }, { cwd: work, signal: abort.signal });
    const r = await run.finally(() => { finished = true; });
    const where = `README line ${ex.line}: ${ex.text}\n${r.stderr}`;
    if (following) {
      t.is(r.code, 130, where);
      t.true(JSON.parse(r.stdout.split('\n')[0]).ok, where);
    } else {
      t.is(r.code, 0, where);
      t.not(r.stdout.trim(), '', where);
    }
    await new Promise((res) => setTimeout(res, 100)); // the owner's last press settles
    if (args[0] === 'freeze') {
      // The owner unfreezes on the device (no verification codes are set up here: the PIN is enough).
      const home = await d.screen();
      if (home.buttons.c !== 'Unfreeze') throw new Error(`not frozen: ${JSON.stringify(home)}`);
      await d.press('c');
      await d.enterPin(PIN);
      await d.press('b');
    }
    if (args[0] !== 'reset') await d.toUnlockedHome(PIN);
  }
  t.is((await d.screen()).state, 'blank', 'the README\'s reset erased the device');
});
