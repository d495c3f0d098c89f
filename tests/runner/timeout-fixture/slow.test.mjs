// A suite with a test slower than ava's timeout (15 s here: long enough for a loaded machine to start ava's worker), for tests/host/test-runner.test.ts.
import test from 'ava';

test.serial('passes first', (t) => t.pass());
test.serial('passes second', (t) => t.pass());
test.serial('outlives the timeout', async (t) => {
  await new Promise((resolve) => setTimeout(resolve, 120_000));
  t.pass();
});
