/**
 * The counts of a TAP run, from its per-test lines: "ok N - title", "ok N - title # SKIP", "not ok N - title"
 * ("# TODO" is neither passed nor failed). The reporter's own summary is not trusted alone: a run that ended
 * without it, or with a failing exit code but no failed test named, counts one failure more, with the reason;
 * tests the summary counts as failed without a line (they never ran) are counted too.
 */
export interface TapCounts {
  passed: number;
  failed: number;
  skipped: number;
  /** the titles of the failed tests, and why the run itself failed if it did */
  failures: string[];
}

export function countTap(output: string, exitCode: number): TapCounts {
  const counts: TapCounts = { passed: 0, failed: 0, skipped: 0, failures: [] };
  for (const line of output.split(/\r?\n/)) {
    const m = /^(not )?ok \d+(?: - (.*?))?(?: (# (?:SKIP|TODO)).*)?$/.exec(line);
    if (!m) continue;
    const [, not, title = '', directive] = m;
    if (directive === '# TODO') continue;
    if (not) {
      counts.failed++;
      counts.failures.push(title);
    } else if (directive === '# SKIP') counts.skipped++;
    else counts.passed++;
  }
  const summarized = /^# tests \d+$/m.test(output);
  // ava's summary also counts as failed the tests that never ran (their file's before hook failed, or a timeout
  // stopped the run): they have no line of their own.
  const summaryFailed = Number(/^# fail (\d+)$/m.exec(output)?.[1] ?? 0);
  if (summaryFailed > counts.failed) {
    const missing = summaryFailed - counts.failed;
    counts.failed = summaryFailed;
    counts.failures.push(`${missing} test${missing === 1 ? '' : 's'} did not run (a hook failed before them, or the run stopped)`);
  }
  if (!summarized) {
    counts.failed++;
    counts.failures.push(`the test runner stopped before its summary (exit code ${exitCode})`);
  } else if (exitCode !== 0 && counts.failed === 0) {
    counts.failed++;
    counts.failures.push(`the test runner exited with code ${exitCode} without naming a failed test`);
  }
  return counts;
}
