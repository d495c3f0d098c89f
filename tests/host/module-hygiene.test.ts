// modules/ is the portable core: it reaches hardware only through ports (design section 2).
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../..');
const APPROVED = ['@noble/hashes', '@noble/curves', '@noble/ciphers', '@scure/bip39', '@scure/bip32', '@scure/base', 'micro-eth-signer', '@scure/btc-signer', 'cborg', '@paulmillr/qr'];
const FORBIDDEN_GLOBALS = ['crypto', 'TextEncoder', 'TextDecoder', 'setTimeout', 'setInterval', 'clearTimeout', 'Buffer', 'process', 'window', 'document', 'navigator', 'fetch', 'require', 'globalThis', 'trace', 'Host', 'Timer'];

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** Source with comments and string/template contents blanked, so prose never trips the checks. */
function codeOnly(src: string): string {
  return src
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/.*$/gm, ' ')
    .replace(/'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`/g, "''");
}

const moduleFiles = files(path.join(ROOT, 'modules'));

test('modules/ imports only its own files and the approved pure libraries', (t) => {
  t.true(moduleFiles.length > 5);
  for (const f of moduleFiles) {
    const src = fs.readFileSync(f, 'utf8');
    for (const m of src.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const spec = m[1] ?? m[2];
      const rel = path.relative(ROOT, f);
      if (spec.startsWith('.')) {
        const target = path.resolve(path.dirname(f), spec);
        t.true(target.startsWith(path.join(ROOT, 'modules')), `${rel} imports ${spec}, outside modules/`);
      } else {
        t.true(APPROVED.some((p) => spec === p || spec.startsWith(p + '/')), `${rel} imports "${spec}", which is not an approved pure library`);
      }
    }
  }
});

test('modules/ reads no host globals and never uses Math.random', (t) => {
  for (const f of moduleFiles) {
    const code = codeOnly(fs.readFileSync(f, 'utf8'));
    const rel = path.relative(ROOT, f);
    t.notRegex(code, /Math\.random/, `${rel} uses Math.random`);
    for (const g of FORBIDDEN_GLOBALS) {
      // a use of the name that is not a property access (x.crypto) nor a declaration/parameter of our own
      const re = new RegExp(`(?<![.\\w$])${g}(?![\\w$])`, 'g');
      for (const m of code.matchAll(re)) {
        const before = code.slice(Math.max(0, m.index! - 12), m.index);
        const after = code.slice(m.index! + g.length, m.index! + g.length + 2);
        const isOwnName = /(?:const|let|var|function|class|interface|type)\s+$/.test(before) || /^\s*:/.test(after) || /^\s*\?:/.test(after);
        t.true(isOwnName, `${rel} reads the global ${g}`);
      }
    }
  }
  t.pass();
});

test('the hygiene checks catch what they are meant to catch', (t) => {
  const bad = "import fs from 'node:fs';\nconst x = crypto.getRandomValues(new Uint8Array(4));\nMath.random();";
  t.regex(codeOnly(bad), /crypto\.getRandomValues/);
  t.regex(codeOnly(bad), /Math\.random/);
  t.notRegex(codeOnly("// crypto in a comment\nconst s = 'setTimeout';"), /crypto|setTimeout/);
});

test('manifest.json maps every folder of modules/ (mcconfig maps "x/*" one folder deep, not recursively)', (t) => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));
  const mapped = new Set(Object.keys(manifest.modules).filter((k) => k.endsWith('/*')).map((k) => k.slice(0, -2)));
  // or each of its files by its own name (modules/noble-alias/secp256k1.ts is mapped as `@noble/curves/secp256k1`)
  const byName = new Set(Object.values(manifest.modules).flat().filter((v): v is string => typeof v === 'string').map((v) => v.replace(/^\.\//, '')));
  const folders = new Set(moduleFiles.map((f) => path.relative(ROOT, path.dirname(f))));
  for (const folder of folders) {
    const unmapped = moduleFiles.map((f) => path.relative(ROOT, f)).filter((f) => path.dirname(f) === folder && !byName.has(f.replace(/\.ts$/, '')));
    t.true(mapped.has(folder) || unmapped.length === 0, `manifest.json does not map "${folder}/*" (nor ${unmapped.join(', ')}): the firmware would fail to link on Moddable`);
  }
});
