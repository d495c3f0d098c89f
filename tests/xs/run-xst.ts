/**
 * `npm run test:moddable`: every portable suite (tests/portable) on the Moddable SDK's own XS, the `xst` command
 * line engine (XS 17.x, newer than xsnap's 13.3), bundled exactly as `npm run test:xs` bundles them.
 * Needs $MODDABLE (a built SDK); without it, says how to get one and exits 0 with a "skipped" line.
 * Usage: tsx tests/xs/run-xst.ts [files...]      Ends with:  xst: N passed, F failed
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleForXs, REPO_ROOT } from '../../hosts/xs/bundle.js';
import { portableTestFiles, TEST_PRELUDE, type XsTestResult } from './run-xs.js';

const MARK = '__LATCH_RESULTS__';
const FOOTER = `globalThis.__latchRun().then(
  () => print(${JSON.stringify(MARK)} + globalThis.__latchResults),
  (e) => print(${JSON.stringify(MARK)} + JSON.stringify([{ title: '(run)', status: 'failed', error: String(e) }])));`;

export function findXst(moddable = process.env.MODDABLE): string | undefined {
  if (!moddable) return undefined;
  const os_ = process.platform === 'darwin' ? 'mac' : process.platform === 'win32' ? 'win' : 'lin';
  for (const goal of ['release', 'debug']) {
    const p = path.join(moddable, 'build/bin', os_, goal, process.platform === 'win32' ? 'xst.exe' : 'xst');
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

const HOW = `The Moddable SDK's xst is needed, and ${process.env.MODDABLE ? `$MODDABLE (${process.env.MODDABLE}) has no build/bin/<os>/release/xst` : '$MODDABLE is not set'}.
Build it once (README, "The Moddable SDK path"):
  export MODDABLE=<your Moddable SDK checkout>
  cd $MODDABLE/xs/makefiles/lin && make -f xst.mk GOAL=release     (mac: xs/makefiles/mac)
Then run npm run test:moddable again. The other suites (npm test) need none of this.`;

async function runFile(xst: string, file: string, dir: string): Promise<XsTestResult[]> {
  const rel = path.relative(REPO_ROOT, file);
  let source: string;
  try {
    source = await bundleForXs(file, { alias: { ava: path.join(REPO_ROOT, 'tests/xs/ava-shim.ts') }, banner: TEST_PRELUDE, footer: FOOTER });
  } catch (err) {
    return [{ file: rel, title: '(bundle for XS)', status: 'failed', error: (err as Error).message }];
  }
  const script = path.join(dir, `${path.basename(file, '.ts')}.js`);
  fs.writeFileSync(script, source);
  const { code, out } = await new Promise<{ code: number; out: string }>((resolve) => {
    const child = spawn(xst, ['-s', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('close', (c) => resolve({ code: c ?? 1, out }));
  });
  const line = out.split('\n').find((l) => l.startsWith(MARK));
  if (!line) return [{ file: rel, title: '(run)', status: 'failed', error: `xst exited ${code} without results:\n${out.slice(-2000)}` }];
  return (JSON.parse(line.slice(MARK.length)) as Omit<XsTestResult, 'file'>[]).map((r) => ({ file: rel, ...r }));
}

export async function runAllOnXst(xst: string, files = portableTestFiles(), onResult?: (r: XsTestResult) => void): Promise<XsTestResult[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latch-xst-'));
  const all: XsTestResult[] = [];
  const queue = [...files];
  try {
    await Promise.all(Array.from({ length: 2 }, async () => {
      for (let f = queue.shift(); f; f = queue.shift()) {
        for (const r of await runFile(xst, f, dir)) {
          all.push(r);
          onResult?.(r);
        }
      }
    }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return all;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const xst = findXst();
  if (!xst) {
    process.stdout.write(`${HOW}\n\nxst: skipped (no Moddable SDK)\n`);
    process.exit(0);
  }
  const files = process.argv.slice(2).map((a) => path.resolve(a));
  const started = performance.now();
  process.stdout.write(`Portable suites on the Moddable SDK's xst (${xst}):\n`);
  const results = await runAllOnXst(xst, files.length ? files : undefined, (r) => {
    const mark = r.status === 'passed' ? '✔' : r.status === 'skipped' ? '-' : '✘';
    process.stdout.write(`  ${mark} [xst] ${r.file} › ${r.title}\n`);
    if (r.error) process.stdout.write(`      ${r.error.split('\n').slice(0, 8).join('\n      ')}\n`);
  });
  const passed = results.filter((r) => r.status === 'passed').length;
  const failed = results.filter((r) => r.status === 'failed').length;
  process.stdout.write(`(${((performance.now() - started) / 1000).toFixed(0)} s)\nxst: ${passed} passed, ${failed} failed\n`);
  process.exit(failed ? 1 : 0);
}
