/**
 * QR codes for the LCD (@paulmillr/qr): the module matrix packed as a 1-bit bitmap for the Canvas port
 * (rows of ceil(w/8) bytes, MSB first, set bit = dark module), with a quiet zone of two modules.
 */
import encodeQR from '@paulmillr/qr';

export interface QrBitmap {
  bits: Uint8Array;
  /** modules per side, quiet zone included */
  size: number;
}

export function qrBitmap(text: string): QrBitmap {
  const matrix = encodeQR(text, 'raw', { ecc: 'medium', border: 2 }) as boolean[][];
  const size = matrix.length;
  const stride = (size + 7) >> 3;
  const bits = new Uint8Array(stride * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) if (matrix[y][x]) bits[y * stride + (x >> 3)] |= 0x80 >> (x & 7);
  }
  return { bits, size };
}
