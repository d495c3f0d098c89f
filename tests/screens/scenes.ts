/**
 * The golden screen catalogue's scenes (portable: the catalogue renders them on XS). Each flow drives a whole
 * device on the fake board as an owner and an app would, and the camera takes every screen id it passes through,
 * in representative and worst-case states: the longest app label (32 characters), the longest address (taproot),
 * 2^256-1 wei, an unlimited approval, the 60-character backup code, the deepest typed data, typed data too large to
 * show, and every error screen. The fake board fails any screen that cannot be drawn in full.
 */
import { blank, faults, menu, pins, reset, restore, setup } from './scenes-device.js';
import { authenticator, codes, guard, ownerCodes, ownerCodesWithCodes } from './scenes-guard.js';
import { signing } from './scenes-signing.js';
import { codesChange, pending } from './scenes-pending.js';
import { duress } from './scenes-duress.js';
import { passphrase } from './scenes-passphrase.js';
import type { Flow } from './scene-kit.js';

export { LABEL32 } from './scene-kit.js';
export type { Flow };

/** The signing flow first: it is the longest (its wallet's keys), so the catalogue gives it a worker of its own. */
export const FLOWS: Flow[] = [signing, blank, setup, restore, pins, reset, faults, menu, guard, codes, ownerCodesWithCodes, ownerCodes, authenticator, pending, codesChange, duress, passphrase];
