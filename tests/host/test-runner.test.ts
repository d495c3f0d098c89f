// npm test's counts (tests/run.ts): a test slower than ava's timeout fails by name and the others still count,
// whatever ava's TAP reporter does with the timeout.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { countTap } from '../runner/tap-counts.js';

const RUNNER = path.join(path.dirname(fileURLToPath(import.meta.url)), '../runner');
const FIXTURE = path.join(RUNNER, 'timeout-fixture');

function runAva(entry: string) {
  const r = spawnSync(process.execPath, [entry, '--tap'], { cwd: FIXTURE, encoding: 'utf8', timeout: 150_000 });
  return { ...r, counts: countTap(r.stdout, r.status ?? 1) };
}

test('a timeout fails the slow test by name; the tests that passed still count', (t) => {
  t.timeout(180_000);
  const r = runAva(path.join(RUNNER, 'ava-tap.mjs'));
  t.notRegex(r.stderr, /Cannot set properties/, 'the reporter does not crash');
  t.regex(r.stdout, /^not ok \d+ - outlives the timeout$/m);
  t.regex(r.stdout, /timed out: no test completed within 15000 ms/);
  t.deepEqual(r.counts, { passed: 2, failed: 1, skipped: 0, failures: ['outlives the timeout'] });
});

test('counted test by test, a run whose reporter died still reports what passed and fails', (t) => {
  t.timeout(180_000);
  // ava's own CLI, whose TAP reporter throws on a timeout before its summary: the counts still hold.
  const r = runAva(path.join(path.dirname(fileURLToPath(import.meta.resolve('ava'))), 'cli.mjs'));
  t.is(r.counts.passed, 2);
  t.true(r.counts.failed >= 1);
  t.not(r.status, 0);
});

test('TAP lines are counted by kind', (t) => {
  const tap = ['TAP version 13', 'ok 1 - a', 'ok 2 - b # SKIP', 'not ok 3 - c', '  ---', '  ok 9 - inside an error', '  ...', 'not ok 4 - d # TODO', 'ok 5 - e', '', '1..5', '# tests 4'].join('\n');
  t.deepEqual(countTap(tap, 1), { passed: 2, failed: 1, skipped: 1, failures: ['c'] });
  t.deepEqual(countTap('ok 1 - a\n# tests 1\n', 1), { passed: 1, failed: 1, skipped: 0, failures: ['the test runner exited with code 1 without naming a failed test'] });
  t.deepEqual(countTap('ok 1 - a\n', 0).failures, ['the test runner stopped before its summary (exit code 0)']);
  const hookFailed = ['ok 1 - a', 'not ok 2 - file › before hook', '', '1..4', '# tests 4', '# pass 1', '# fail 3'].join('\n');
  t.deepEqual(countTap(hookFailed, 1), { passed: 1, failed: 3, skipped: 0, failures: ['file › before hook', '2 tests did not run (a hook failed before them, or the run stopped)'] });
});
