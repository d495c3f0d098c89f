/** Runs the `latch` CLI (hosts/client/bin.mjs) as a child process, as a QA bench script would. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeviceDriver } from './device-driver.js';

export const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../hosts/client/bin.mjs');
const SHIFTED_CLOCK = path.join(path.dirname(fileURLToPath(import.meta.url)), 'shifted-clock.mjs');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Start `latch args...`; `feed` is called with a function that writes one line to its standard input (and what
 * it printed so far, on each stream). `clockShiftS`: the CLI's clock runs this many seconds off (an app telling
 * the device another time).
 */
export function latch(args: string[], feed?: (writeLine: (line: string) => void, stderrSoFar: () => string, stdoutSoFar: () => string) => Promise<void>, options: { cwd?: string; signal?: AbortSignal; clockShiftS?: number } = {}): Promise<CliRun> {
  const shifted = options.clockShiftS !== undefined;
  const child = spawn(process.execPath, shifted ? ['--import', SHIFTED_CLOCK, BIN, ...args] : [BIN, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'], cwd: options.cwd, signal: options.signal, killSignal: 'SIGINT',
    ...(shifted ? { env: { ...process.env, LATCH_TEST_CLOCK_SHIFT_S: String(options.clockShiftS) } } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  child.on('error', () => undefined); // an abort (options.signal) ends it with SIGINT: its exit code says so
  const done = new Promise<CliRun>((resolve) => child.on('close', (code, signal) => resolve({ code: code ?? (signal === 'SIGINT' ? 130 : 1), stdout, stderr })));
  if (feed) {
    void feed((line) => child.stdin.write(`${line}\n`), () => stderr, () => stdout).catch((err) => { stderr += `\n[test feed failed: ${err.message}]`; child.kill(); });
  } else child.stdin.end();
  return done;
}

/**
 * `latch bind` as the owner does it: the code read off the LCD and typed, Allow held on the device, the "App
 * bound" screen dismissed. Throws with the CLI's error if it fails; returns the binding code the device showed.
 */
export async function bindWithCli(d: DeviceDriver, args: string[], label: string): Promise<string> {
  let shown = '';
  const r = await latch(['bind', ...args, '--label', label], async (write) => {
    const line = (await d.waitFor('bind-code')).lines.find((l) => /^[2-9A-HJ-NP-Z]{4} [2-9A-HJ-NP-Z]{4}$/.test(l))!;
    shown = line.replace(' ', '');
    write(line);
    await d.waitFor('bind-allow');
    await d.decide('c');
  });
  if (r.code !== 0) throw new Error(`bind failed: ${r.stderr}`);
  await d.press('b');
  return shown;
}
