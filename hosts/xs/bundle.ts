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
      plugins: [forbidNodeBuiltins],
    }).then((r) => r.outputFiles[0].text);
    cache.set(key, result);
  }
  return result;
}

/** A bundle for XS must never pull in Node: fail the build with the importer's name instead of at run time. */
const forbidNodeBuiltins: Plugin = {
  name: 'forbid-node-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:|^(fs|path|crypto|os|child_process|url|util|stream|buffer|zlib|http|net)$/ }, (args) => ({
      errors: [{ text: `${args.importer} imports the Node module "${args.path}", which XS does not have` }],
    }));
  },
};
