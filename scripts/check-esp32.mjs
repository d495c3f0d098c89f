#!/usr/bin/env node
// `npm run check:esp32`: a firmware developer's check that both boards build, without flashing anything.
//  1. mcconfig generates the release build for esp32/m5stack_fire and esp32/m5stack_cores3 (needs $MODDABLE);
//  2. the SDK's make runs the TypeScript/XS compile and the XS link with preloading (mc.xs.c) for each: a module
//     that calls a native function at load, or a type error against the SDK's typings, fails here;
//  3. the C drivers compile against the ESP-IDF headers with the generated flags, -fsyntax-only, every warning
//     an error (needs $IDF_PATH; an Xtensa gcc: toolchain.mjs; an sdkconfig.h: sdkconfig.mjs).
// Without $MODDABLE it prints what it needs and exits 0. Never part of `npm test` or CI (it needs the SDK).
// `npm run check:esp32 -- --drivers-only` skips step 2 (minutes per board) while working on the C drivers;
// `-- --verbose` prints every linker note instead of a count per module.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pickCompiler } from './check-esp32/toolchain.mjs';
import { sdkconfigFor } from './check-esp32/sdkconfig.mjs';

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
const driversOnly = process.argv.includes('--drivers-only');
const verbose = process.argv.includes('--verbose');
const moddable = process.env.MODDABLE;
const idf = process.env.IDF_PATH;

const needs = [];
if (!moddable || !existsSync(path.join(moddable, 'build/bin/lin/release/mcconfig'))) {
  needs.push(`the Moddable SDK (8.2.3) with its tools built: $MODDABLE is ${moddable ? `"${moddable}", which has no build/bin/lin/release/mcconfig` : 'not set'}`);
}
// the boards' manifests name ESP-IDF include folders (eFuse, PSA, HMAC) that mcconfig checks exist
if (!idf || !existsSync(path.join(idf, 'components/efuse/include'))) {
  needs.push(`ESP-IDF (v6.0) headers: $IDF_PATH is ${idf ? `"${idf}", which has no components/efuse/include` : 'not set'}`);
}
if (needs.length) {
  console.log(`check:esp32 needs ${needs.join('; and ')}. See README, "The Moddable SDK path". Skipped.`);
  process.exit(0);
}
const tools = path.join(moddable, 'build/bin/lin/release');
const env = { ...process.env, PATH: [path.join(repo, 'node_modules/.bin'), tools, process.env.PATH].join(path.delimiter) };
const notChecked = [];
const failures = [];

// The XS linker notes each preloaded object it could not freeze and each captured variable that is not const:
// not errors, but hundreds of lines; counted per module unless --verbose.
function reportLinkerNotes(notes) {
  if (!notes.length) return;
  if (verbose) { for (const n of notes) console.log(`    ${n}`); return; }
  const perModule = new Map();
  for (const n of notes) {
    const module = n.replace(/^### warning: /, '').split(':')[0];
    perModule.set(module, (perModule.get(module) ?? 0) + 1);
  }
  const top = [...perModule].sort((a, b) => b[1] - a[1]).map(([m, c]) => `${m} ${c}`);
  console.log(`    ${notes.length} linker notes (preloaded objects left unfrozen, captured variables not const; --verbose lists them): ${top.slice(0, 8).join(', ')}${top.length > 8 ? `, and ${top.length - 8} more modules` : ''}`);
}

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
  const linked = driversOnly ? '' : run(`${board.platform}: XS compile and link with preloading`, 'nice', ['-n', '15', 'make', '-j2', '-f', 'makefile', 'SDKCONFIG_H=', path.join(tmp, 'mc.xs.c')], tmp);
  if (linked) reportLinkerNotes(linked.split('\n').filter((l) => l.startsWith('### warning')));
  const made = run(`${board.platform}: compiler flags`, 'make', ['-s', '-f', 'makefile', '--eval',
    'print-flags: ; @echo $(SDKCONFIG_FILE) ; echo $(SDKCONFIG_H) ; echo $(C_DEFINES) $(C_INCLUDES) $(C_FLAGS)', 'print-flags'], tmp);
  if (made === undefined) continue;
  const [defaults, built, flags] = made.trim().split('\n');
  const compiler = pickCompiler(board.chip, env);
  const config = sdkconfigFor({ chip: board.chip, idf, built, defaults, out: path.join(tmp, 'latch-check', 'config'), env });
  if (compiler.missing || config.missing) {
    notChecked.push(board.platform);
    console.log(`- ${board.platform}: C drivers not checked: needs ${[compiler.missing, config.missing].filter(Boolean).join('; and ')}`);
    continue;
  }
  console.log(`    compiler: ${compiler.name}\n    sdkconfig.h: ${config.from}`);
  // -Wimplicit-function-declaration after the build's own -Wno-…: a misspelt or removed IDF function is an error here
  const args = compiler.adjust([
    ...flags.split(/\s+/).filter((a) => a && a !== '-c' && a !== '-MMD' && a !== '-MP' && !a.startsWith('-o')),
    `-I${config.dir}`, '-Wall', '-Wimplicit-function-declaration', '-Werror', '-fsyntax-only',
  ]);
  for (const file of cDrivers) run(`${board.platform}: ${file} compiles (-fsyntax-only, warnings are errors)`, compiler.gcc, [...args, path.join(repo, file)], tmp);
}
if (failures.length) {
  console.log(`\ncheck:esp32: ${failures.length} failed`);
  process.exit(1);
}
// what could not be checked here is not a failure of the firmware, but is not a pass either: said last
console.log(notChecked.length ? `\ncheck:esp32: passed what it could; the C drivers were NOT checked for ${notChecked.join(', ')} (see above)` : '\ncheck:esp32: passed');
