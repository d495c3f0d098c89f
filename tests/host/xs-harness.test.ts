import test from 'ava';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runFile } from '../xs/run-xs.js';

test('the XS runner reports passes, failures and skips as they are', async (t) => {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '../xs/fixtures/harness-sample.ts');
  const results = await runFile(file);
  const by = Object.fromEntries(results.map((r) => [r.title, r]));
  t.is(by['passes'].status, 'passed');
  t.is(by['fails on a wrong value'].status, 'failed');
  t.regex(by['fails on a wrong value'].error!, /expected 3, got 2/);
  t.is(by['fails without assertions'].status, 'failed');
  t.is(by['fails when the promise rejects'].status, 'failed');
  t.regex(by['fails when the promise rejects'].error!, /async boom/);
  t.is(by['is skipped'].status, 'skipped');
  t.is(by['like passes on a partial match'].status, 'passed');
  t.is(by['like fails on a mismatch'].status, 'failed');
});
