// Preloaded into a `latch` child process by tests/host/support/cli.ts to model an app whose clock lies (or runs
// ahead): Date.now moves by LATCH_TEST_CLOCK_SHIFT_S seconds. Test-only; the CLI itself knows nothing of it.
const shift = Number(process.env.LATCH_TEST_CLOCK_SHIFT_S ?? 0) * 1000;
const realNow = Date.now;
Date.now = () => realNow() + shift;
