import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
// @ts-ignore a plain .mjs script (scripts/ holds the build helpers); its types are inferred as any
import { firmwareGraph, NOT_PRELOADABLE, REPO } from '../../scripts/firmware-graph.mjs';

// The Moddable build's module list, checked without the SDK: manifest.json must map exactly the library files the
// firmware imports (nothing unused costs flash) and preload every module that can be preloaded (each module
// loaded at run time costs RAM on the board). scripts/firmware-graph.mjs says which cannot, and why.
const read = (f: string) => JSON.parse(fs.readFileSync(path.join(REPO, f), 'utf8'));
const manifest = read('manifest.json');
const esp32 = read('manifest_esp32.json');
const graph: { libraries: string[]; preloadable: string[]; runtime: { module: string; why: string }[] } = await firmwareGraph();

function librarySources(modules: Record<string, string | string[]>): string[] {
  return Object.values(modules).flat().filter((s) => s.includes('node_modules/')).map((s) => s.replace(/^\.\//, ''));
}

test('manifest.json maps exactly the library files the firmware imports, each by its own path', (t) => {
  const mapped = librarySources(manifest.modules).sort();
  t.false(mapped.some((s) => s.includes('*')), 'no library folder is mapped whole (its unused files would be built into the image)');
  t.deepEqual(mapped, [...graph.libraries].sort());
  t.true(graph.libraries.length > 40, 'the graph sees the libraries (a resolver failure would make this pass vacuously)');
});

test('every module that can be preloaded is preloaded, the text codecs first', (t) => {
  const preloaded = [...manifest.preload, ...esp32.preload, ...manifest.platforms['lin/*'].preload];
  t.is(manifest.preload[0], 'drivers/globals', 'the globals (TextEncoder, TextDecoder) before any library');
  t.deepEqual([...new Set(preloaded)].sort(), [...new Set(graph.preloadable as string[])].sort());
  for (const m of ['@scure/base', '@scure/bip39/wordlists/english', '@paulmillr/qr', 'modules/ui/font-6x13', 'modules/ui/screens']) t.true(preloaded.includes(m), m);
});

test('what loads at run time does so for a reason the linker imposes, named in scripts/firmware-graph.mjs', (t) => {
  const runtime = new Map(graph.runtime.map((r) => [r.module, r.why]));
  // The roots: noble's module-level scratch buffers and caches (frozen by the XS linker), cborg's BigInt array (the
  // linker crashes on it) and the native RNG.
  t.deepEqual(Object.keys(NOT_PRELOADABLE).sort(), [
    'drivers/random.ts', 'main.ts', 'node_modules/@noble/curves/abstract/curve.js', 'node_modules/@noble/curves/abstract/modular.js',
    'node_modules/@noble/hashes/legacy.js', 'node_modules/@noble/hashes/sha2.js', 'node_modules/@noble/hashes/sha3.js',
    'node_modules/cborg/lib/0uint.js',
  ]);
  t.regex(runtime.get('lib/0uint') ?? '', /BigInt/);
  t.regex(runtime.get('@noble/hashes/sha2') ?? '', /scratch buffers/);
  t.regex(runtime.get('modules/device') ?? '', /^imports /);
  t.false(runtime.has('drivers/globals'));
  t.false(runtime.has('modules/text-codec'));
});
