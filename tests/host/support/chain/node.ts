/**
 * A real local EVM node for the chain tests: anvil, from its npm platform package (@foundry-rs/anvil-<os>-<cpu>,
 * an optional dependency: npm installs the one for this machine, if there is one), started on a free loopback
 * port and stopped after. And the test token (PermitToken.sol beside this file), compiled by solc-js.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import solc from 'solc';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The anvil binary for this machine, or why there is none. */
export function findAnvil(): { bin: string } | { missing: string } {
  const os = ({ linux: 'linux', darwin: 'darwin', win32: 'win32' } as Record<string, string>)[process.platform];
  const cpu = ({ x64: 'amd64', arm64: 'arm64' } as Record<string, string>)[process.arch];
  const pkg = `@foundry-rs/anvil-${os ?? process.platform}-${cpu ?? process.arch}`;
  if (!os || !cpu) return { missing: `anvil is not published for ${process.platform}-${process.arch} (no ${pkg} on npm)` };
  let dir: string;
  try {
    dir = path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    return { missing: `${pkg} is not installed (an optional dependency: npm skips it where the platform has none, or with --omit=optional)` };
  }
  const bin = path.join(dir, 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil');
  return fs.existsSync(bin) ? { bin } : { missing: `${pkg} has no binary at ${bin}` };
}

export interface RunningNode {
  url: string;
  chainId: number;
  rpc<T = any>(method: string, params?: unknown[]): Promise<T>;
  stop(): Promise<void>;
}

/** Start anvil on a free loopback port (it picks it: --port 0) and wait until it answers JSON-RPC. */
export async function startAnvil(bin: string, chainId = 31337): Promise<RunningNode> {
  const child: ChildProcess = spawn(bin, ['--host', '127.0.0.1', '--port', '0', '--chain-id', String(chainId), '--accounts', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`anvil did not start within 30 s:\n${output}`)), 30_000);
    const hear = (d: Buffer) => {
      output += d;
      const m = /Listening on (127\.0\.0\.1:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(`http://${m[1]}`);
      }
    };
    child.stdout!.on('data', hear);
    child.stderr!.on('data', hear);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`anvil exited (${code}) before listening:\n${output}`)); });
  });
  child.stdout!.resume();
  child.stderr!.resume();
  let id = 0;
  const rpc = async (method: string, params: unknown[] = []) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }) });
    const j = await res.json() as { result?: unknown; error?: { message: string } };
    if (j.error) throw new Error(`${method}: ${j.error.message}`);
    return j.result as any;
  };
  return {
    url, chainId, rpc,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

export interface Compiled {
  abi: any[];
  bytecode: string;
}

/** PermitToken.sol compiled by solc-js (optimized, as a deployment would be). */
export function compilePermitToken(): Compiled {
  const source = fs.readFileSync(path.join(HERE, 'PermitToken.sol'), 'utf8');
  const input = {
    language: 'Solidity',
    sources: { 'PermitToken.sol': { content: source } },
    settings: { optimizer: { enabled: true, runs: 200 }, outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors ?? []).filter((e: { severity: string }) => e.severity === 'error');
  if (errors.length) throw new Error(`PermitToken.sol does not compile:\n${errors.map((e: { formattedMessage: string }) => e.formattedMessage).join('\n')}`);
  const c = output.contracts['PermitToken.sol'].PermitToken;
  return { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
}
