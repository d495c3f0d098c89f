#!/usr/bin/env node
/**
 * ava's CLI with its TAP reporter mended, for `npm test` (tests/run.ts). ava 7's TAP reporter throws ("Cannot set
 * properties of undefined (setting 'name')") when ava's timeout fires or a worker calls process.exit(): it hands
 * a plain Error to a function that expects ava's serialized form. The tests that were still running then vanish
 * from the output. Here they are written as failed tests, by name, with what happened.
 */
const avaMain = import.meta.resolve('ava');
const { default: TapReporter } = await import(new URL('../lib/reporters/tap.js', avaMain).href);

/** An error in the serialized form the reporter's dumpError expects. */
const failure = (message, stack = message) => ({ type: 'native', name: 'Error', originalError: { message }, stack });

function writePending(reporter, pendingTests, err) {
  for (const [testFile, titles] of pendingTests) {
    for (const title of titles) reporter.writeTest({ testFile, title, err }, { passed: false, todo: false, skip: false });
  }
}

TapReporter.prototype.writeTimeout = function writeTimeout(evt) {
  writePending(this, evt.pendingTests, failure(`timed out: no test completed within ${evt.period} ms (ava's timeout), and this one had not finished`));
};

TapReporter.prototype.writeProcessExit = function writeProcessExit(evt) {
  writePending(this, evt.pendingTests, failure(`${this.relativeFile(evt.testFile)} called process.exit() while this test ran`, evt.stack));
};

await import(new URL('../entrypoints/cli.mjs', avaMain).href);
