/**
 * personal_sign (EIP-191 version 0x45): keccak-256("\x19Ethereum Signed Message:\n" + len + message). Shown as
 * text when the bytes are UTF-8 that the LCD can show honestly (printable, no control characters), else as hex.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { concatBytes, toHex, utf8Decode, utf8Encode } from '../bytes.js';
import { escapeKeepingBreaks, isPlainAscii } from '../ui/escape.js';

export function personalMessageHash(message: Uint8Array): Uint8Array {
  return keccak_256(concatBytes(utf8Encode(`\x19Ethereum Signed Message:\n${message.length}`), message));
}

/**
 * The message as the screen shows it: { text } for UTF-8 (line breaks as a visible `\n` that then starts a
 * continued row, characters outside printable ASCII as `\u{...}` codes, so nothing is hidden), { hex } for
 * anything that is not UTF-8 or holds control or invisible characters.
 */
export function displayMessage(message: Uint8Array): { text: string; escaped: boolean } | { hex: string } {
  let text: string;
  try {
    text = utf8Decode(message);
  } catch {
    return { hex: toHex(message) };
  }
  // Line breaks are allowed (shown as separate lines); other controls and invisible characters are not.
  if (/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/.test(text)) return { hex: toHex(message) };
  return { text: escapeKeepingBreaks(text), escaped: !isPlainAscii(text.replace(/\n/g, '')) };
}
