/**
 * Text from outside (a message to sign, a typed-data string) as the LCD can show it honestly: the font has
 * printable ASCII only, so every other character is shown as its code point (\u{119}), never as a look-alike or
 * a silent "?". Line breaks split lines.
 */
export function escapeForScreen(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x20 && cp <= 0x7e && ch !== '\\') out += ch;
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\n';
    else out += `\\u{${cp.toString(16)}}`;
  }
  return out;
}

/** Whether `text` shows as itself (nothing escaped). */
export function isPlainAscii(text: string): boolean {
  return /^[\x20-\x7e\n]*$/.test(text) && !text.includes('\\');
}
