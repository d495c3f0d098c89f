/**
 * A pure-JS UTF-8 `TextEncoder` and `TextDecoder` (the WHATWG Encoding standard's UTF-8 part), for engines that
 * have none usable while modules are preloaded. The approved libraries call `new TextEncoder()` when their
 * module loads (cborg, noble's utils); on Moddable the SDK's text/encoder and text/decoder are native functions,
 * which the XS linker cannot run ("link: unavailable function"), so a board build that preloads those libraries
 * needs these. drivers/globals.ts installs them before any library loads.
 *
 * Behaviour as Node's: `encode` turns lone surrogates into U+FFFD; `decode` replaces each maximal ill-formed
 * subsequence with one U+FFFD (or throws a TypeError with `fatal`), strips a leading BOM unless `ignoreBOM`.
 * Streaming (`{stream: true}`) is not supported (no library uses it): it is refused with a TypeError rather than
 * decoded wrongly. The classes keep no mutable state, so preloaded instances (cborg's) work from flash.
 */

const UTF8_LABELS = ['utf-8', 'utf8', 'unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'x-unicode20utf8'];
const REPLACEMENT = 0xfffd;

export interface EncodeIntoResult { read: number; written: number }

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3; // a BMP character, or a lone surrogate written as U+FFFD (3 bytes)
  }
  return n;
}

/**
 * Writes `s` as UTF-8 into `out` from 0; stops before a character that does not fit.
 * Returns [UTF-16 units read, bytes written].
 */
function writeUtf8(s: string, out: Uint8Array): [number, number] {
  let w = 0;
  let i = 0;
  for (; i < s.length; i++) {
    let c = s.charCodeAt(i);
    let units = 1;
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && (next & 0xfc00) === 0xdc00) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        units = 2;
      } else c = REPLACEMENT;
    }
    const size = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (w + size > out.length) break;
    if (size === 1) out[w++] = c;
    else if (size === 2) {
      out[w++] = 0xc0 | (c >> 6);
      out[w++] = 0x80 | (c & 0x3f);
    } else if (size === 3) {
      out[w++] = 0xe0 | (c >> 12);
      out[w++] = 0x80 | ((c >> 6) & 0x3f);
      out[w++] = 0x80 | (c & 0x3f);
    } else {
      out[w++] = 0xf0 | (c >> 18);
      out[w++] = 0x80 | ((c >> 12) & 0x3f);
      out[w++] = 0x80 | ((c >> 6) & 0x3f);
      out[w++] = 0x80 | (c & 0x3f);
    }
    i += units - 1;
  }
  return [i, w];
}

export class Utf8TextEncoder {
  get encoding(): string {
    return 'utf-8';
  }

  encode(input: string = ''): Uint8Array {
    const s = String(input);
    const out = new Uint8Array(utf8Length(s));
    writeUtf8(s, out);
    return out;
  }

  encodeInto(source: string, destination: Uint8Array): EncodeIntoResult {
    if (!(destination instanceof Uint8Array)) throw new TypeError('encodeInto: the destination must be a Uint8Array');
    const [read, written] = writeUtf8(String(source), destination);
    return { read, written };
  }
}

function asBytes(input: unknown): Uint8Array {
  if (input === undefined) return new Uint8Array(0);
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new TypeError('decode: the input must be an ArrayBuffer or an ArrayBuffer view');
}

export class Utf8TextDecoder {
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;

  constructor(label: string = 'utf-8', options: { fatal?: boolean; ignoreBOM?: boolean } = {}) {
    const name = String(label).trim().toLowerCase();
    if (!UTF8_LABELS.includes(name)) throw new RangeError(`TextDecoder: only UTF-8 is supported, not "${label}"`);
    this.fatal = !!options?.fatal;
    this.ignoreBOM = !!options?.ignoreBOM;
  }

  get encoding(): string {
    return 'utf-8';
  }

  decode(input?: ArrayBuffer | ArrayBufferView, options?: { stream?: boolean }): string {
    if (options?.stream) throw new TypeError('TextDecoder: streaming is not supported');
    const bytes = asBytes(input);
    let i = 0;
    if (!this.ignoreBOM && bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
    const parts: string[] = [];
    let units: number[] = [];
    const push = (cp: number) => {
      if (cp >= 0x10000) {
        cp -= 0x10000;
        units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
      } else units.push(cp);
      if (units.length >= 4096) {
        parts.push(String.fromCharCode(...units));
        units = [];
      }
    };
    const bad = () => {
      if (this.fatal) throw new TypeError('TextDecoder: the input is not valid UTF-8');
      push(REPLACEMENT);
    };
    while (i < bytes.length) {
      const b = bytes[i];
      if (b < 0x80) {
        push(b);
        i++;
        continue;
      }
      // The Encoding standard's UTF-8 decoder: the second byte's range depends on the first (no overlongs,
      // no surrogates, nothing above U+10FFFF); a byte that breaks a sequence starts the next one.
      let need: number;
      let cp: number;
      let lower = 0x80;
      let upper = 0xbf;
      if (b >= 0xc2 && b <= 0xdf) { need = 1; cp = b & 0x1f; }
      else if (b >= 0xe0 && b <= 0xef) {
        need = 2; cp = b & 0x0f;
        if (b === 0xe0) lower = 0xa0;
        if (b === 0xed) upper = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3; cp = b & 0x07;
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f;
      } else {
        bad();
        i++;
        continue;
      }
      let j = i + 1;
      let ok = true;
      for (let k = 0; k < need; k++, j++) {
        const c = j < bytes.length ? bytes[j] : -1;
        if (c < lower || c > upper) {
          ok = false;
          break;
        }
        lower = 0x80;
        upper = 0xbf;
        cp = (cp << 6) | (c & 0x3f);
      }
      if (ok) push(cp);
      else bad();
      i = j;
    }
    if (units.length) parts.push(String.fromCharCode(...units));
    return parts.join('');
  }
}

/**
 * Puts the codecs on `target` (globalThis) where it has none: a platform's own (Node's, xsnap's) is kept.
 * Returns which it installed.
 */
export function installTextCodec(target: { TextEncoder?: unknown; TextDecoder?: unknown }): string[] {
  const installed: string[] = [];
  if (typeof target.TextEncoder !== 'function') {
    target.TextEncoder = Utf8TextEncoder;
    installed.push('TextEncoder');
  }
  if (typeof target.TextDecoder !== 'function') {
    target.TextDecoder = Utf8TextDecoder;
    installed.push('TextDecoder');
  }
  return installed;
}

// Preloaded on the board: frozen prototypes need no RAM alias, and nobody may patch the codecs afterwards.
Object.freeze(Utf8TextEncoder.prototype);
Object.freeze(Utf8TextDecoder.prototype);
