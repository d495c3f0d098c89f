#!/usr/bin/env node
// `npm run build:sim` / `npm run build:esp32` / `npm run build:cores3`: builds the firmware with the Moddable
// SDK's mcconfig when $MODDABLE is set, and explains how to get the SDK when it is not.
// Board builds are release builds (no xsbug, no instrumentation: what a wallet ships); `--debug`
// (`npm run build:esp32:debug`, `build:cores3:debug`) makes the debug build that talks to xsbug over serial.
// `npm run sim:moddable [-- --blank]`: runs the simulator build in mcsim (--blank starts from an empty vault).
// CI never calls this.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';

const target = process.argv[2];
const debug = process.argv.includes('--debug');
const extra = process.argv.slice(3).filter((a) => a !== '--debug');
// esp32: the M5Stack Fire (ESP32, development); cores3: the M5Stack CoreS3 (ESP32-S3, the board for real funds).
const platforms = { sim: 'sim/m5stack', esp32: 'esp32/m5stack_fire', cores3: 'esp32/m5stack_cores3' };
if (!platforms[target] && target !== 'run-sim') {
  console.error('usage: node scripts/mcconfig.mjs sim|esp32|cores3|run-sim [--debug] [extra arguments]');
  process.exit(2);
}
const moddable = process.env.MODDABLE;
if (!moddable || !existsSync(path.join(moddable, 'build'))) {
  console.error(`The Moddable SDK is needed for this, and $MODDABLE is ${moddable ? `"${moddable}", which has no build/ folder` : 'not set'}.

Install it once (it is not on npm):
  1. Follow "Getting Started" in the SDK's documentation (documentation/Moddable SDK - Getting Started.md),
     Linux section: clone github.com/Moddable-OpenSource/moddable, export MODDABLE=<that folder>,
     cd $MODDABLE/build/makefiles/lin && make  (needs gcc, make, libgtk-3-dev), and put
     $MODDABLE/build/bin/lin/release on your PATH.
     Or: npm install -g xs-dev && xs-dev setup   (clones and builds the same thing).
  2. For hardware (${platforms.esp32}, ${platforms.cores3}) also: xs-dev setup --device esp32   (installs ESP-IDF).
Then run this command again. The Node board simulator (npm start) needs none of this.`);
  process.exit(1);
}
const repo = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
const hostOs = process.platform === 'darwin' ? 'mac' : process.platform === 'win32' ? 'win' : 'lin';
const tools = path.join(moddable, 'build/bin', hostOs, 'release');
// mcconfig names the build folder after the folder holding manifest.json: this checkout's directory name.
const built = path.join(moddable, 'build/bin', hostOs, 'm5stack/debug', path.basename(path.resolve(repo)), 'mc.so');
// mcconfig compiles our .ts files with the `tsc` it finds on PATH: put the project's TypeScript first.
const env = { ...process.env, PATH: [path.join(repo, 'node_modules/.bin'), tools, process.env.PATH].join(path.delimiter) };

if (target === 'run-sim') {
  if (!existsSync(built)) {
    console.error(`No simulator build at ${built}: run npm run build:sim first.`);
    process.exit(1);
  }
  if (extra.includes('--blank')) {
    // The Moddable simulator keeps the vault and its chip key in /tmp between runs (drivers/flash-file.ts,
    // drivers/chip-key-file.ts); --blank starts over as a new board.
    for (const f of ['/tmp/latch-flash.bin', '/tmp/latch-chip-key.bin']) rmSync(f, { force: true });
    console.log('Starting blank: removed /tmp/latch-flash.bin and /tmp/latch-chip-key.bin.');
  }
  const mcsim = path.join(tools, 'mcsim');
  console.log(`Running ${built} in mcsim. Use the A/B/C buttons in the left-hand controls pane (the device's own
buttons are not clickable); widen the window to about 1100 x 800 to see the whole device. The link is
ws://127.0.0.1:8081/link (npx latch --device ws://127.0.0.1:8081/link ...). trace() output goes to xsbug if it
is running, else to this terminal through the SDK's xsbug-log (see the README).`);
  const child = spawn(mcsim, [path.join(moddable, 'build/simulators'), built], { stdio: 'inherit', env });
  child.on('error', (err) => { console.error(`could not run mcsim: ${err.message}`); process.exit(1); });
  child.on('close', (code) => process.exit(code ?? 0));
} else {
  const args = target === 'sim'
    ? ['-d', '-m', '-p', platforms.sim, '-t', 'build'] // -t build: do not launch (the makefile would kill every running mcsim)
    : [...(debug ? ['-d'] : []), '-m', '-p', platforms[target]];
  const mcconfig = path.join(tools, 'mcconfig');
  const run = spawnSync(existsSync(mcconfig) ? mcconfig : 'mcconfig', [...args, ...extra], { stdio: 'inherit', cwd: repo, env });
  if (run.error) {
    console.error(`could not run mcconfig: ${run.error.message}. Is $MODDABLE/build/bin/${hostOs}/release on PATH?`);
    process.exit(1);
  }
  if (target === 'sim' && run.status === 0) {
    console.log(`\nBuilt: ${built}
Run it:  npm run sim:moddable            (or: npm run sim:moddable -- --blank, to start from an empty vault)
With the console debugger instead of xsbug (trace() output in this terminal):
  cd $MODDABLE/tools/xsbug-log && npm install   # once
  node xsbug-log ${path.join(tools, 'mcsim')} $MODDABLE/build/simulators ${built}`);
  }
  process.exit(run.status ?? 1);
}
