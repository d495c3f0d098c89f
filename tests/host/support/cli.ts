/** Runs the `latch` CLI (hosts/client/bin.mjs) as a child process, as a QA bench script would. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../hosts/client/bin.mjs');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Start `latch args...`; `feed` is called with a function that writes one line to its standard input. */
export function latch(args: string[], feed?: (writeLine: (line: string) => void, stderrSoFar: () => string) => Promise<void>): Promise<CliRun> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const done = new Promise<CliRun>((resolve) => child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr })));
  if (feed) {
    void feed((line) => child.stdin.write(`${line}\n`), () => stderr).catch((err) => { stderr += `\n[test feed failed: ${err.message}]`; child.kill(); });
  } else child.stdin.end();
  return done;
}
