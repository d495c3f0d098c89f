// Which C compiler check:esp32 syntax-checks the drivers with, and the flags that differ from the real build.
//  - ESP-IDF's own cross gcc (`xtensa-esp32-elf-gcc`, `xtensa-esp32s3-elf-gcc`; `. $IDF_PATH/export.sh` puts it on
//    PATH) with the generated flags as they are: what a real build compiles with.
//  - Otherwise, Debian's Xtensa gcc (packages gcc-xtensa-lx106 and libnewlib-dev: a gcc 12 for the ESP8266's lx106
//    core and newlib 3.3's headers). The C language, the Xtensa predefines and the IDF headers are the same; three
//    things are not, and are bridged here, for a syntax check only: the ESP32-only option
//    -mfix-esp32-psram-cache-issue is dropped; newlib 3.3 has no Xtensa `jmp_buf` size (newlib 4's is 17 words,
//    xtensa/setjmp.h in ESP-IDF's toolchain); and its `_global_impure_ptr` is const (newlib-3.3-shim/sys/reent.h).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const works = (cmd, env) => spawnSync(cmd, ['--version'], { env }).status === 0;
const printed = (cmd, args, env) => spawnSync(cmd, args, { env, encoding: 'utf8' }).stdout?.trim() ?? '';

/** { gcc, name, adjust(args) → args } for the chip, or { missing: 'what to install' } */
export function pickCompiler(chip, env) {
  const own = `xtensa-${chip}-elf-gcc`;
  if (works(own, env)) return { gcc: own, name: `${own} (ESP-IDF's toolchain)`, adjust: (args) => args };
  const debian = 'xtensa-lx106-elf-gcc';
  const newlib = '/usr/include/newlib';
  if (works(debian, env) && existsSync(path.join(newlib, 'sys/reent.h'))) {
    const gccInclude = printed(debian, ['-print-file-name=include'], env);
    const gccFixed = printed(debian, ['-print-file-name=include-fixed'], env);
    return {
      gcc: debian,
      name: `${debian} ${printed(debian, ['-dumpversion'], env)} with newlib 3.3 headers (fallback: Debian's Xtensa gcc, not ESP-IDF's)`,
      adjust: (args) => [
        ...args.filter((a) => a !== '-mfix-esp32-psram-cache-issue'),
        '-nostdinc', '-isystem', gccInclude, '-isystem', gccFixed,
        '-isystem', path.join(here, 'newlib-3.3-shim'), '-isystem', newlib,
        '-D_JBLEN=17',
      ],
    };
  }
  return { missing: `${own} on PATH (ESP-IDF's tools: \`. $IDF_PATH/export.sh\`), or Debian's gcc-xtensa-lx106 and libnewlib-dev` };
}
