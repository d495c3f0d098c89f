/**
 * Runs every portable test file (tests/portable/**) inside XS: bundles it with esbuild (ava aliased to our
 * shim, lowered to ES2020), evaluates it in a fresh xsnap worker and reports pass/fail per test.
 * Usage: tsx tests/xs/run-xs.ts [--json] [files...]
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleForXs, REPO_ROOT } from '../../hosts/xs/bundle.js';
import { XsWorker } from '../../hosts/xs/xsnap-worker.js';

/**
 * Test libraries (fast-check) look for timers that xsnap's XS does not have. Tests never wait on real time,
 * so a timer here runs its callback on the next turn of the job queue. Firmware bundles get no such prelude.
 */
export const TEST_PRELUDE = `if (typeof globalThis.setTimeout !== 'function') {
  let nextTimer = 1; const cancelled = new Set();
  globalThis.setTimeout = (fn, _ms, ...args) => { const id = nextTimer++; Promise.resolve().then(() => { if (!cancelled.delete(id)) fn(...args); }); return id; };
  globalThis.clearTimeout = (id) => { cancelled.add(id); };
}`;

export interface XsTestResult { file: string; title: string; status: 'passed' | 'failed' | 'skipped'; error?: string }

export function portableTestFiles(): string[] {
  const dir = path.join(REPO_ROOT, 'tests/portable');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.test.ts')).sort().map((f) => path.join(dir, f));
}

export async function runFile(file: string): Promise<XsTestResult[]> {
  const rel = path.relative(REPO_ROOT, file);
  let source: string;
  try {
    source = await bundleForXs(file, { alias: { ava: path.join(REPO_ROOT, 'tests/xs/ava-shim.ts') }, banner: TEST_PRELUDE });
  } catch (err) {
    return [{ file: rel, title: '(bundle for XS)', status: 'failed', error: (err as Error).message }];
  }
  const output: string[] = [];
  const worker = new XsWorker({ name: 'latch-test', onPrint: (l) => output.push(l) });
  try {
    await worker.evaluate(source);
    await worker.evaluate('globalThis.__latchRun()');
    const r = await worker.evaluate('globalThis.handleCommand = () => new TextEncoder().encode(globalThis.__latchResults || "null").buffer');
    void r;
    const reply = await worker.command(new Uint8Array(0));
    const parsed = JSON.parse(Buffer.from(reply.reply).toString('utf8'));
    if (!parsed) return [{ file: rel, title: '(run)', status: 'failed', error: 'the tests did not finish (an unresolved promise?)' }];
    return parsed.map((p: Omit<XsTestResult, 'file'>) => ({ file: rel, ...p }));
  } catch (err) {
    return [{ file: rel, title: '(run)', status: 'failed', error: `${(err as Error).message}\n${output.join('\n')}` }];
  } finally {
    await worker.close();
  }
}

export async function runAll(files = portableTestFiles(), onResult?: (r: XsTestResult) => void): Promise<XsTestResult[]> {
  const all: XsTestResult[] = [];
  // Two workers at a time: CI has two cores.
  const queue = [...files];
  const lanes = Array.from({ length: 2 }, async () => {
    for (let f = queue.shift(); f; f = queue.shift()) {
      for (const r of await runFile(f)) {
        all.push(r);
        onResult?.(r);
      }
    }
  });
  await Promise.all(lanes);
  return all;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const files = args.filter((a) => a !== '--json').map((a) => path.resolve(a));
  const results = await runAll(files.length ? files : undefined, json ? undefined : (r) => {
    const mark = r.status === 'passed' ? '✔' : r.status === 'skipped' ? '-' : '✘';
    process.stdout.write(`  ${mark} [xs] ${r.file} › ${r.title}\n`);
    if (r.error) process.stdout.write(`      ${r.error.split('\n').slice(0, 8).join('\n      ')}\n`);
  });
  const passed = results.filter((r) => r.status === 'passed').length;
  const failed = results.filter((r) => r.status === 'failed').length;
  if (json) process.stdout.write(JSON.stringify(results));
  else process.stdout.write(`xs: ${passed} passed, ${failed} failed\n`);
  process.exit(failed ? 1 : 0);
}
