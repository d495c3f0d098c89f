/** Every form of a code (binding or backup) a careless implementation might put on the link: text, grouped,
 * UTF-16, its bits, hashes, base64, hex. The link-log scans look for each. */
import { createHash } from 'node:crypto';
import { CODE_ALPHABET } from '../../../modules/binding/code.js';

export function encodings(code: string): Buffer[] {
  let v = 0n;
  for (const c of code) v = (v << 5n) | BigInt(CODE_ALPHABET.indexOf(c));
  const forty = Buffer.from(v.toString(16).padStart(Math.ceil((code.length * 5) / 8) * 2, '0'), 'hex'); // the code's bits (40 for a binding code)
  // the RNG bytes the code was drawn from, high bits first (the spare low bits are unknown: their whole bytes only)
  const bytes = Math.ceil((code.length * 5) / 8);
  const drawn = Buffer.from((v << BigInt(bytes * 8 - code.length * 5)).toString(16).padStart(bytes * 2, '0'), 'hex').subarray(0, Math.floor((code.length * 5) / 8));
  const groupsOf = (n: number, sep: string) => code.replace(new RegExp(`(.{${n}})(?!$)`, 'g'), `$1${sep}`);
  const texts = [code, code.toLowerCase(), groupsOf(4, ' '), groupsOf(4, '-'), groupsOf(5, ' '), groupsOf(5, '-')];
  const out = [...texts.map((s) => Buffer.from(s)), ...texts.map((s) => Buffer.from(s, 'utf16le')), forty, Buffer.from(forty).reverse(), drawn];
  for (const base of [Buffer.from(code), forty]) {
    for (const alg of ['sha1', 'sha256', 'sha512', 'md5']) out.push(createHash(alg).update(base).digest());
  }
  out.push(Buffer.from(Buffer.from(code).toString('base64')), Buffer.from(Buffer.from(code).toString('hex')));
  return out;
}
