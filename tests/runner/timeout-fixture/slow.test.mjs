// A suite with a test slower than ava's timeout (3 s here), for tests/host/test-runner.test.ts.
import test from 'ava';

test.serial('passes first', (t) => t.pass());
test.serial('passes second', (t) => t.pass());
test.serial('outlives the timeout', async (t) => {
  await new Promise((resolve) => setTimeout(resolve, 60_000));
  t.pass();
});
