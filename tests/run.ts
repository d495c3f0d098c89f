/**
 * `npm test`: every suite on Node (ava), then every portable suite (tests/portable) on XS.
 * The last three lines are the counts:  node: N passed, F failed / xs: N passed, F failed / N passed, F failed
 */
import { spawn } from 'node:child_process';
import { runAll } from './xs/run-xs.js';
import { countTap } from './runner/tap-counts.js';

async function runAva(): Promise<{ passed: number; failed: number; skipped: number }> {
  // ava's TAP output (through tests/runner/ava-tap.mjs, which names the tests a timeout cut short), echoed as it
  // comes and counted test by test.
  const child = spawn(process.execPath, ['tests/runner/ava-tap.mjs', '--tap'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d; process.stdout.write(d); });
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  const counts = countTap(out, code);
  if (counts.failed) process.stdout.write(`\nfailed on Node:\n${counts.failures.map((f) => `  ✘ ${f}`).join('\n')}\n`);
  return counts;
}

const node = await runAva();
process.stdout.write('\nXS engine (tests/portable on xsnap):\n');
const xs = await runAll(undefined, (r) => {
  if (r.status === 'failed') process.stdout.write(`  ✘ [xs] ${r.file} › ${r.title}\n      ${(r.error ?? '').split('\n').slice(0, 10).join('\n      ')}\n`);
  else process.stdout.write(`  ${r.status === 'passed' ? '✔' : '-'} [xs] ${r.file} › ${r.title}\n`);
});
const xsPassed = xs.filter((r) => r.status === 'passed').length;
const xsFailed = xs.filter((r) => r.status === 'failed').length;
const skipped = node.skipped + xs.filter((r) => r.status === 'skipped').length;
if (skipped) process.stdout.write(`\n(${skipped} skipped; see the messages above)\n`);
process.stdout.write(`\nnode: ${node.passed} passed, ${node.failed} failed\n`);
process.stdout.write(`xs: ${xsPassed} passed, ${xsFailed} failed\n`);
process.stdout.write(`${node.passed + xsPassed} passed, ${node.failed + xsFailed} failed\n`);
process.exit(node.failed + xsFailed > 0 ? 1 : 0);
