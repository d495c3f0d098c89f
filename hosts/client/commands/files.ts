/**
 * Files the command line names: read and written with errors that name the file and say what is wrong in
 * words, and JSON given inline or in a file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../input-error.js';

function why(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT': return 'no such file';
    case 'EISDIR': return 'it is a folder, not a file';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    default: return e.message;
  }
}

/** A file the user named (exit 2 when it cannot be read: "FILE: no such file"). */
export function readNamedFile(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new InputError(`${file}: ${why(err)}`);
  }
}

/** Check before the device is asked that `file` can be written, so a signature is never made for nothing. */
export function checkWritable(file: string): void {
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw new InputError(`cannot write ${file}: the folder ${dir} does not exist`);
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw new InputError(`cannot write ${file}: it is a folder`);
  try {
    fs.accessSync(fs.existsSync(file) ? file : dir, fs.constants.W_OK);
  } catch (err) {
    throw new InputError(`cannot write ${file}: ${why(err)}`);
  }
}

/** Write `file`; the error names it (the caller keeps what it wanted to write). */
export function writeNamedFile(file: string, data: string | Uint8Array): void {
  try {
    fs.writeFileSync(file, data);
  } catch (err) {
    throw new Error(`cannot write ${file}: ${why(err)}`);
  }
}

/** JSON given inline (it starts with { or [; with `raw0x`, 0x-hex is returned as is) or in a named file. */
export function jsonArg(arg: string, raw0x = false): unknown {
  const trimmedArg = arg.trim();
  const inline = /^[{[]/.test(trimmedArg) || (raw0x && /^0x/i.test(trimmedArg));
  const text = (inline ? trimmedArg : readNamedFile(arg).toString('utf8')).trim();
  if (raw0x && /^0x[0-9a-fA-F]*$/.test(text)) return text;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`${inline ? 'the JSON given' : arg} is not valid JSON (${(err as Error).message})`);
  }
}
