// `npm start` (hosts/sim/main.ts) as a person runs it, twice by mistake: a second simulator pointed at the flash
// image the first one uses refuses before it boots, and one on a taken port refuses before it touches its flash.
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number>;
}

function simulator(args: string[]): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'hosts/sim/main.ts', '--clock', 'manual', '--pin-iterations', '10', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  return { child, output: () => out, exited };
}

/** Wait for the simulator's banner; its control API's URL. */
async function ready(run: Run): Promise<string> {
  const until = Date.now() + 180_000;
  for (;;) {
    const m = /control API: +(http:\/\/127\.0\.0\.1:\d+)\/api\/screen/.exec(run.output());
    if (m) return m[1];
    if (run.child.exitCode !== null) throw new Error(`the simulator exited: ${run.output()}`);
    if (Date.now() > until) throw new Error(`the simulator did not start: ${run.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stop(run: Run): Promise<number> {
  if (run.child.exitCode === null) run.child.kill('SIGTERM');
  return run.exited;
}

test.serial('a second simulator on a flash image in use refuses before it boots; a taken port before the flash is touched', async (t) => {
  t.timeout(300_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latch-sim-main-'));
  const image = path.join(dir, 'flash.bin');
  const first = simulator(['--port', '0', '--flash', image]);
  try {
    const url = await ready(first);
    const port = new URL(url).port;
    t.true(fs.existsSync(`${image}.lock`), 'the running simulator holds the image\'s lock');
    const before = fs.readFileSync(image);

    const second = simulator(['--port', '0', '--flash', image]);
    t.is(await second.exited, 1, second.output());
    t.regex(second.output(), new RegExp(`flash image .*flash\\.bin is in use by simulator process ${first.child.pid}`));
    t.notRegex(second.output(), /booting|Press Ctrl-C/, 'it never booted');
    t.deepEqual(fs.readFileSync(image), before, 'the image is exactly as the first simulator left it');
    t.is((await fetch(`${url}/api/screen`)).status, 200, 'the first simulator still serves');

    const other = path.join(dir, 'other', 'flash.bin');
    const third = simulator(['--port', port, '--flash', other]);
    t.is(await third.exited, 1, third.output());
    t.regex(third.output(), new RegExp(`port ${port} is in use`));
    t.false(fs.existsSync(other), 'its flash image was never created');
    t.false(fs.existsSync(path.join(dir, 'other', 'chip-key.bin')), 'nor its chip key');

    t.is(await stop(first), 0);
    t.false(fs.existsSync(`${image}.lock`), 'a simulator that stops releases the image');
    const again = simulator(['--port', '0', '--flash', image]);
    await ready(again);
    await stop(again);
  } finally {
    await stop(first);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
