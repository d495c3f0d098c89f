/**
 * Bundles TypeScript for this XS build: one IIFE script, lowered to ES2020 (xsnap's XS rejects some class
 * static initialisation patterns in the noble libraries otherwise). Results are cached per process.
 */
import { build, type Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const cache = new Map<string, Promise<string>>();

export interface BundleOptions {
  /** bare specifier -> absolute file, e.g. { ava: '/repo/tests/xs/ava-shim.ts' } */
  alias?: Record<string, string>;
  /** text placed before the bundle (e.g. globals a test library expects) */
  banner?: string;
  /** text appended after the bundle (e.g. a call into it) */
  footer?: string;
}

export function bundleForXs(entry: string, options: BundleOptions = {}): Promise<string> {
  const key = JSON.stringify([entry, options]);
  let result = cache.get(key);
  if (!result) {
    result = build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: 'iife',
      target: 'es2020',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      conditions: ['import', 'default'],
      absWorkingDir: REPO_ROOT,
      alias: options.alias,
      banner: options.banner ? { js: options.banner } : undefined,
      footer: options.footer ? { js: options.footer } : undefined,
      logLevel: 'silent',
      plugins: [forbidNodeBuiltins, nobleSecp256k1AsFirmware],
    }).then((r) => r.outputFiles[0].text);
    cache.set(key, result);
  }
  return result;
}

/**
 * As in the Moddable manifest: the libraries that import noble's secp256k1 module (@scure/bip32, @scure/btc-signer,
 * micro-eth-signer) get modules/crypto/secp256k1.ts, through the same re-export the device maps
 * (modules/noble-alias/secp256k1.ts), so that XS runs what the board runs: one curve, one precomputed table.
 * Only imports from node_modules: a test that imports noble's module to compare against it still gets noble's.
 */
export const NOBLE_SECP256K1_ALIAS = 'modules/noble-alias/secp256k1.ts';
const nobleSecp256k1AsFirmware: Plugin = {
  name: 'noble-secp256k1-as-firmware',
  setup(b) {
    b.onResolve({ filter: /^@noble\/curves\/secp256k1(\.js)?$/ }, (args) =>
      args.importer.includes('/node_modules/') ? { path: `${REPO_ROOT}${NOBLE_SECP256K1_ALIAS}` } : undefined);
  },
};

/** A bundle for XS must never pull in Node: fail the build with the importer's name instead of at run time. */
const forbidNodeBuiltins: Plugin = {
  name: 'forbid-node-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:|^(fs|path|crypto|os|child_process|url|util|stream|buffer|zlib|http|net)$/ }, (args) => ({
      errors: [{ text: `${args.importer} imports the Node module "${args.path}", which XS does not have` }],
    }));
  },
};
