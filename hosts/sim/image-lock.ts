/**
 * One simulator per flash image. A board that opens an image file takes `<image>.lock` first (created
 * exclusively, holding its process id); a second board pointed at the same image, in this process or another,
 * is refused before it reads or writes a byte. A lock whose process is gone (a killed simulator) is stale and
 * taken over.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export class ImageInUseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageInUseError';
  }
}

interface Owner {
  pid: number;
  host: string;
  token: string;
}

/** locks this process holds: lock file -> its token */
const held = new Map<string, string>();
let exitHookInstalled = false;

function readOwner(lockFile: string): Owner | undefined {
  try {
    const j = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
    return typeof j.pid === 'number' && typeof j.token === 'string' ? j : undefined;
  } catch {
    return undefined; // unreadable or half written: treated as stale below only if it is old
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // it exists, run by someone else
  }
}

/** Is the lock's owner still using the image? */
function inUse(lockFile: string, owner: Owner | undefined): boolean {
  if (!owner) {
    // A lock being written right now has no content yet: give a fresh one the benefit of the doubt.
    const age = Date.now() - fs.statSync(lockFile).mtimeMs;
    return age < 2000;
  }
  if (owner.host !== os.hostname()) return true; // a process on another machine (a shared folder): cannot tell
  if (owner.pid === process.pid) return held.get(lockFile) === owner.token;
  return alive(owner.pid);
}

/** Take the image's lock or throw ImageInUseError; returns the function that releases it. */
export function lockImage(image: string): () => void {
  const lockFile = `${path.resolve(image)}.lock`;
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  const token = randomBytes(8).toString('hex');
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(lockFile, JSON.stringify({ pid: process.pid, host: os.hostname(), token }), { flag: 'wx', mode: 0o600 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      const owner = readOwner(lockFile);
      if (inUse(lockFile, owner)) {
        const who = owner ? `simulator process ${owner.pid}${owner.host !== os.hostname() ? ` on ${owner.host}` : owner.pid === process.pid ? ' (this process)' : ''}` : 'another simulator';
        throw new ImageInUseError(`flash image ${image} is in use by ${who}: stop it first, or give this one its own --flash (if no simulator runs, delete ${lockFile})`);
      }
      fs.rmSync(lockFile, { force: true }); // stale: its simulator is gone
    }
  }
  held.set(lockFile, token);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => { for (const f of [...held.keys()]) release(f, held.get(f)!); });
  }
  return () => release(lockFile, token);
}

function release(lockFile: string, token: string): void {
  if (held.get(lockFile) !== token) return;
  held.delete(lockFile);
  if (readOwner(lockFile)?.token === token) fs.rmSync(lockFile, { force: true });
}
