/**
 * secp256k1's precomputed table for the base point (noble's wNAF window). noble defaults to window 6, whose
 * table takes about 700 KB of XS memory; window 2 takes 128 KB and signs in 1.8 M computrons instead of 1.4 M
 * (window 4: 262 KB; no table: 12 KB but 2.9 M). Measured by `npm run bench` (bench/memory.ts). The device sets
 * window 2 at start-up; the table is built at the first public key (when the keys are made after unlock).
 */
import { secp256k1 } from './secp256k1.js';

export const SECP256K1_WINDOW = 2;

let configured = false;

export function configureCurves(): void {
  if (configured) return;
  secp256k1.Point.BASE.precompute(SECP256K1_WINDOW);
  configured = true;
}
