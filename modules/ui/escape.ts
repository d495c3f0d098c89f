/**
 * Text from outside (a message to sign, a typed-data string, an app's label, an account name) as the LCD can
 * show it honestly. The font has printable ASCII only, so every other character is shown as a visible escape:
 * `\n`, `\r`, `\t`, `\\` for a backslash, and `\u{119}` (its code point) for anything else, never as a
 * look-alike, a silent "?" or a real line break. A peer's text therefore never starts a line of its own: what
 * follows a line break stays on the same logical line (the layout marks the rows that continue it).
 */
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };

export function escapeForScreen(text: string): string {
  return escape(text, false);
}

function escape(text: string, breakAfterNewline: boolean): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (NAMED[ch] !== undefined) out += NAMED[ch] + (breakAfterNewline && ch === '\n' ? '\n' : '');
    else if (cp >= 0x20 && cp <= 0x7e) out += ch;
    else out += `\\u{${cp.toString(16)}}`;
  }
  return out;
}

/**
 * Like escapeForScreen, for text meant to be read in lines (a message): after each visible `\n` the text goes on
 * in a new row, which the layout draws as a continuation of the same line (indented, marked), never as a line of
 * its own.
 */
export function escapeKeepingBreaks(text: string): string {
  return escape(text, true);
}

/** Whether `text` shows as itself (nothing escaped). */
export function isPlainAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text) && !text.includes('\\');
}

/** Whether every character of `text` is in the font (printable ASCII); a real line break counts as drawable. */
export function drawable(text: string): boolean {
  return /^[\x20-\x7e\n]*$/.test(text);
}
