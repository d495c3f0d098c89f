#!/usr/bin/env node
// `npm run build:sim` / `npm run build:esp32`: builds the firmware with the Moddable SDK's mcconfig when
// $MODDABLE is set, and explains how to get the SDK when it is not. CI never calls this.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const target = process.argv[2];
const platforms = { sim: 'sim/m5stack', esp32: 'esp32/m5stack_fire' };
if (!platforms[target]) {
  console.error('usage: node scripts/mcconfig.mjs sim|esp32 [extra mcconfig arguments]');
  process.exit(2);
}
const moddable = process.env.MODDABLE;
if (!moddable || !existsSync(path.join(moddable, 'build'))) {
  console.error(`The Moddable SDK is needed for this build, and $MODDABLE is ${moddable ? `"${moddable}", which has no build/ folder` : 'not set'}.

Install it once (it is not on npm):
  1. Follow "Getting Started" in the SDK's documentation (documentation/Moddable SDK - Getting Started.md),
     Linux section: clone github.com/Moddable-OpenSource/moddable, export MODDABLE=<that folder>,
     cd $MODDABLE/build/makefiles/lin && make  (needs gcc, make, libgtk-3-dev), and put
     $MODDABLE/build/bin/lin/release on your PATH.
     Or: npm install -g xs-dev && xs-dev setup   (clones and builds the same thing).
  2. For hardware (${platforms.esp32}) also: xs-dev setup --device esp32   (installs ESP-IDF).
Then run this command again. The Node board simulator (npm start) needs none of this.`);
  process.exit(1);
}
const args = target === 'sim'
  ? ['-d', '-m', '-p', platforms.sim, '-t', 'build'] // -t build: do not launch (the makefile would kill every running mcsim)
  : ['-d', '-m', '-p', platforms.esp32];
const repo = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
const mcconfig = path.join(moddable, 'build/bin/lin/release/mcconfig');
// mcconfig compiles our .ts files with the `tsc` it finds on PATH: put the project's TypeScript first.
const env = { ...process.env, PATH: [path.join(repo, 'node_modules/.bin'), path.join(moddable, 'build/bin/lin/release'), process.env.PATH].join(path.delimiter) };
const run = spawnSync(existsSync(mcconfig) ? mcconfig : 'mcconfig', [...args, ...process.argv.slice(3)], { stdio: 'inherit', cwd: repo, env });
if (run.error) {
  console.error(`could not run mcconfig: ${run.error.message}. Is $MODDABLE/build/bin/lin/release on PATH?`);
  process.exit(1);
}
if (target === 'sim' && run.status === 0) {
  console.log(`\nBuilt: $MODDABLE/build/bin/lin/m5stack/debug/main/mc.so. Run it with the console debugger (trace() output, no GUI debugger needed):
  cd $MODDABLE/tools/xsbug-log && npm install   # once
  node xsbug-log $MODDABLE/build/bin/lin/release/mcsim $MODDABLE/build/simulators $MODDABLE/build/bin/lin/m5stack/debug/main/mc.so
or start xsbug first and run  mcsim $MODDABLE/build/simulators <that mc.so>.`);
}
process.exit(run.status ?? 1);
