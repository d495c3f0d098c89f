#!/usr/bin/env node
// `npm run check:esp32`: a firmware developer's check that both boards build, without flashing anything.
//  1. mcconfig generates the release build for esp32/m5stack_fire and esp32/m5stack_cores3 (needs $MODDABLE);
//  2. the SDK's make runs the TypeScript/XS compile and the XS link with preloading (mc.xs.c) for each: a module
//     that calls a native function at load, or a type error against the SDK's typings, fails here;
//  3. the C drivers compile against the ESP-IDF headers with the generated flags, -fsyntax-only -Werror
//     (needs $IDF_PATH, the chip's cross gcc on PATH, and the sdkconfig.h an idf.py build generates).
// Without $MODDABLE it prints what it needs and exits 0. Never part of `npm test` or CI (it needs the SDK).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const boards = [
  { platform: 'esp32/m5stack_fire', chip: 'esp32' },
  { platform: 'esp32/m5stack_cores3', chip: 'esp32s3' },
];
// Every C file the board manifest compiles (its "*" modules with a .c beside them), read from the manifest so
// that a driver added there is checked here too (the eFuse counter once was not).
const boardManifest = JSON.parse(readFileSync(path.join(repo, 'manifest_esp32.json'), 'utf8'));
const cDrivers = (boardManifest.modules['*'] ?? [])
  .map((m) => `${m.replace(/^\.\//, '')}.c`)
  .filter((file) => existsSync(path.join(repo, file)));
const moddable = process.env.MODDABLE;
const idf = process.env.IDF_PATH;

if (!moddable || !existsSync(path.join(moddable, 'build/bin/lin/release/mcconfig'))) {
  console.log(`check:esp32 needs the Moddable SDK (8.2.3) with its tools built: $MODDABLE is ${moddable ? `"${moddable}", which has no build/bin/lin/release/mcconfig` : 'not set'}.
It also needs $IDF_PATH (ESP-IDF v6.0) for the C part. See README, "The Moddable SDK path". Skipped.`);
  process.exit(0);
}
const tools = path.join(moddable, 'build/bin/lin/release');
const env = { ...process.env, PATH: [path.join(repo, 'node_modules/.bin'), tools, process.env.PATH].join(path.delimiter) };
if (!idf) env.IDF_PATH = path.join(repo, '.no-idf'); // mcconfig only needs the variable to generate the makefile
const failures = [];

function run(label, cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8' });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) {
    failures.push(label);
    console.log(`✘ ${label}\n${out.split('\n').filter((l) => !/^# (xsc|tsc|xsid|mcrez) /.test(l)).slice(-30).join('\n')}`);
    return undefined;
  }
  console.log(`✔ ${label}`);
  return out;
}

for (const board of boards) {
  if (run(`${board.platform}: mcconfig generates the release build`, path.join(tools, "mcconfig"), ["-p", board.platform], repo) === undefined) continue;
  const tmp = path.join(moddable, 'build/tmp', board.platform, 'release', path.basename(repo));
  // SDKCONFIG_H= : the XS compile and link do not need ESP-IDF's generated sdkconfig.h
  const linked = run(`${board.platform}: XS compile and link with preloading`, 'nice', ['-n', '15', 'make', '-j2', '-f', 'makefile', 'SDKCONFIG_H=', path.join(tmp, 'mc.xs.c')], tmp);
  if (linked !== undefined) for (const w of linked.split('\n').filter((l) => l.startsWith('### warning'))) console.log(`    ${w}`);
  if (!idf) continue;
  const sdkconfigDir = path.join(moddable, 'build/tmp', board.platform, 'release/idf/config');
  const gcc = `xtensa-${board.chip}-elf-gcc`;
  const hasGcc = spawnSync(gcc, ['--version'], { env }).status === 0;
  if (!hasGcc || !existsSync(path.join(sdkconfigDir, 'sdkconfig.h'))) {
    console.log(`- ${board.platform}: C drivers not checked: needs ${hasGcc ? '' : `${gcc} on PATH (ESP-IDF's tools, \`. $IDF_PATH/export.sh\`) and `}the sdkconfig.h of one \`npm run build:${board.chip === 'esp32' ? 'esp32' : 'cores3'}\` (${sdkconfigDir})`);
    continue;
  }
  const flags = run(`${board.platform}: compiler flags`, 'make', ['-s', '-f', 'makefile', '--eval', 'print-flags: ; @echo $(C_DEFINES) $(C_INCLUDES) $(C_FLAGS)', 'print-flags'], tmp);
  if (flags === undefined) continue;
  const args = flags.trim().split(/\s+/).filter((a) => a && a !== '-c' && !a.startsWith('-o'));
  for (const file of cDrivers) {
    run(`${board.platform}: ${file} compiles (-fsyntax-only -Werror)`, gcc, [...args, '-fsyntax-only', '-Werror', path.join(repo, file)], tmp);
  }
}
if (failures.length) {
  console.log(`\ncheck:esp32: ${failures.length} failed`);
  process.exit(1);
}
console.log('\ncheck:esp32: passed');
