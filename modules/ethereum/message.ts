/**
 * personal_sign (EIP-191 version 0x45): keccak-256("\x19Ethereum Signed Message:\n" + len + message). Shown as
 * text when the bytes are UTF-8 that the LCD can show honestly (printable, no control characters), else as hex.
 * What the guard needs to know of a message (`messageShape`): printable text, or not.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { concatBytes, toHex, utf8Decode, utf8Encode } from '../bytes.js';
import { escapeKeepingBreaks, isPlainAscii } from '../ui/escape.js';

export function personalMessageHash(message: Uint8Array): Uint8Array {
  return keccak_256(concatBytes(utf8Encode(`\x19Ethereum Signed Message:\n${message.length}`), message));
}

/** Controls other than line feed, and invisible or direction-changing characters: not text the screen shows. */
const NOT_TEXT = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/;

/**
 * What a message is, for the guard:
 *  - 'hash': exactly 32 bytes, whatever they are (a hash an attacker ground to look like text is still a hash),
 *    or text that is only hex digits for 32 bytes or more (with 0x or not, spaces around);
 *  - 'binary': not UTF-8, or holding control characters other than line feed (\n), or invisible or
 *    direction-changing characters (what the screen shows as hex);
 *  - 'text': anything else, e.g. a sign-in message (EIP-4361), which may hold addresses and nonces in hex.
 */
export function messageShape(message: Uint8Array): 'text' | 'hash' | 'binary' {
  if (message.length === 32) return 'hash';
  let text: string;
  try {
    text = utf8Decode(message);
  } catch {
    return 'binary';
  }
  if (NOT_TEXT.test(text)) return 'binary';
  if (/^\s*(0x)?[0-9a-fA-F]{64,}\s*$/.test(text)) return 'hash';
  return 'text';
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
  if (NOT_TEXT.test(text)) return { hex: toHex(message) };
  return { text: escapeKeepingBreaks(text), escaped: !isPlainAscii(text.replace(/\n/g, '')) };
}
