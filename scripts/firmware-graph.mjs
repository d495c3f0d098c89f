// The firmware's module graph as the Moddable build sees it: every file main.ts and the per-platform drivers
// import (esbuild resolves them; the SDK's own modules stay outside), with the manifest name each one gets.
// tests/host/manifest-preload.test.ts checks manifest.json against it: the manifest maps exactly the library
// files the firmware imports, and preloads every module that can be preloaded (see README, "Preloading").
// `node scripts/firmware-graph.mjs` prints the graph as JSON.
import path from 'node:path';
import * as esbuild from 'esbuild';

export const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const ENTRIES = ['main.ts', 'drivers/platform-sim.ts', 'drivers/platform-esp32.ts'];

/**
 * Library modules that cannot be preloaded, and why. The XS linker freezes every ArrayBuffer, typed array,
 * DataView, Map, Set and WeakMap a preloaded module creates (xs/tools/xslSlot.c, "freeze instances that cannot
 * be aliased yet"): a module that writes to one at run time fails there ("read-only buffer"). Whatever imports
 * one of these, directly or not, is loaded at run time too. And the linker itself (SDK 8.2.3) crashes on an Array
 * with a BigInt element in a preloaded module (`export const a = [1, 2n]` is enough).
 */
export const NOT_PRELOADABLE = {
  'node_modules/@noble/hashes/sha2.js': 'module-level scratch buffers (SHA256_W, SHA512_W_H/L) written by every hash',
  'node_modules/@noble/hashes/legacy.js': 'module-level scratch buffers (SHA1_W, MD5_W, BUF_160 for RIPEMD-160)',
  'node_modules/@noble/hashes/sha3.js': 'a module-level Keccak scratch buffer (B)',
  'node_modules/@noble/curves/abstract/modular.js': 'a module-level WeakMap (FIELD_SQRT) filled on the first square root',
  'node_modules/@noble/curves/abstract/curve.js': 'module-level WeakMaps (pointWindowSizes) and per-curve wNAF caches filled at run time',
  'node_modules/cborg/lib/0uint.js': 'an Array holding a BigInt (uintBoundaries): the XS linker of SDK 8.2.3 crashes writing one (SIGSEGV)',
  'main.ts': 'imports drivers/random.ts, which calls the native RNG when it loads',
  'drivers/random.ts': 'calls the native RNG when it loads (crypto.getRandomValues must be the health-tested source)',
};

/** The name a file gets in manifest.json's "modules" (what `import` and "preload" use). */
export function manifestName(file) {
  if (file === 'modules/noble-alias/secp256k1.ts') return '@noble/curves/secp256k1';
  if (/^drivers\/platform-(sim|esp32)\.ts$/.test(file)) return 'drivers/platform'; // mapped per platform
  if (!file.startsWith('node_modules/')) return file.replace(/\.ts$/, '');
  const rel = file.slice('node_modules/'.length).replace(/\.js$/, '');
  if (rel === 'cborg/cborg') return 'cborg';
  if (rel.startsWith('cborg/lib/')) return rel.slice('cborg/'.length); // cborg imports './lib/x.js' from "cborg"
  if (rel === '@paulmillr/qr/esm/index') return '@paulmillr/qr';
  return rel.replace(/\/index$/, '');
}

export async function firmwareGraph() {
  const result = await esbuild.build({
    entryPoints: ENTRIES.map((e) => path.join(REPO, e)), absWorkingDir: REPO, bundle: true, write: false,
    metafile: true, format: 'esm', platform: 'neutral', logLevel: 'silent', outdir: '/nonexistent',
    plugins: [{
      name: 'sdk-modules-outside',
      setup(build) {
        build.onResolve({ filter: /.*/ }, async (args) => {
          if (args.pluginData) return undefined;
          // manifest.json maps `@noble/curves/secp256k1` to this re-export of modules/crypto/secp256k1.ts: the
          // libraries that import noble's module get the firmware's (see that file)
          if (/^@noble\/curves\/secp256k1(\.js)?$/.test(args.path)) return { path: path.join(REPO, 'modules/noble-alias/secp256k1.ts') };
          const r = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: true });
          return r.errors.length ? { path: args.path, external: true } : r; // an SDK module ("text/encoder", "flash")
        });
      },
    }],
  });
  const inputs = result.metafile.inputs;
  // A dynamic import() loads its module at run time when it is called: the Bitcoin methods' code with
  // @scure/btc-signer on the first btc_* request (modules/protocol/methods/btc.ts), the simulator's memory probe.
  // It does not keep the importer from being preloaded, and what it brings is counted where it is loaded, not at boot.
  const imports = new Map(Object.entries(inputs).map(([f, v]) => [f, v.imports.filter((i) => !i.external && i.kind !== 'dynamic-import').map((i) => i.path)]));
  const blocked = new Map();
  const reason = (f, seen = new Set()) => {
    if (blocked.has(f)) return blocked.get(f);
    if (seen.has(f)) return undefined;
    seen.add(f);
    let why = NOT_PRELOADABLE[f];
    if (!why) for (const dep of imports.get(f) ?? []) { if (reason(dep, seen)) { why = `imports ${dep}`; break; } }
    if (why) blocked.set(f, why);
    return why;
  };
  const files = [...imports.keys()].sort();
  for (const f of files) reason(f);
  return {
    files,
    libraries: files.filter((f) => f.startsWith('node_modules/')),
    preloadable: files.filter((f) => !blocked.has(f)).map(manifestName),
    runtime: files.filter((f) => blocked.has(f)).map((f) => ({ module: manifestName(f), why: blocked.get(f) })),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  console.log(JSON.stringify(await firmwareGraph(), null, 1));
}
