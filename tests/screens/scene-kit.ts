/**
 * What the catalogue's flows share: the worst-case values, a hand-built rig, and the owner's moves (reading a
 * review to its decision, signing, typing a word, a wrong code).
 */
import type { Device } from '../../modules/device.js';
import { serializeUnsigned, type EthTx } from '../../modules/ethereum/tx.js';
import { deviceRig, type DeviceRig } from '../portable/support/device-rig.js';
import type { FakeBoard } from '../portable/support/fake-ports.js';
import type { Camera } from './camera.js';

export interface Flow {
  name: string;
  run(cam: Camera): void;
}

export const T0 = 1_800_000_000;
/** the longest label an app may give (32 bytes) */
export const LABEL32 = 'Treasurer wallet of Acme & Sons.';
export const TO = '0x1d1c328764a41bda0492b66baa30c4a339ff85ef';
export const USDC = '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48';
export const SPENDER = '0x1111111254eeb25477b68fb85ed929f73a960582';
export const MAX256 = (1n << 256n) - 1n;
export const ETH = 10n ** 18n;
export const word = (hex: string) => hex.padStart(64, '0');

export function ethTx(over: Partial<EthTx> = {}): Uint8Array {
  return serializeUnsigned({ type: 'eip1559', chainId: 1n, nonce: 3n, maxPriorityFeePerGas: 1_000_000_000n, maxFeePerGas: 30_000_000_000n, gasLimit: 21_000n, to: TO, value: 150_000_000_000_000_000n, data: new Uint8Array(0), accessList: [], ...over });
}

/** A rig-like view of a device built by hand (faults, foreign storage). */
export function bare(b: FakeBoard, d: Device): DeviceRig {
  const rig = deviceRig();
  return Object.assign(rig, { b, d, text: () => `${d.screen.title} ${d.screen.lines.join(' ')}` });
}

/** Shoot every screen of the review on show (each review page, then the decision): `<id>-review.<k>`, `<id>-confirm`. */
export function review(cam: Camera, rig: DeviceRig, variant = ''): void {
  rig.waitArmed();
  const id = rig.d.screen.id.replace(/-(review|confirm)$/, '');
  const tag = variant ? `.${variant}` : '';
  for (let k = 1; rig.d.screen.id.endsWith('-review'); k++) {
    cam.shot(rig, `${id}-review${tag}.${k}`);
    const pages = rig.d.screen.pages.length;
    for (let p = 0; p < pages; p++) rig.press('c');
    if (k > 60) throw new Error('catalogue: a review that never ends');
  }
  cam.shot(rig, `${id}-confirm${tag}`);
}

/** Hold C on the decision, shoot the Signing screen as it was drawn, then the result. */
export function sign(cam: Camera, rig: DeviceRig, id: string, variant = ''): void {
  const from = rig.b.canvas.frames.length;
  rig.decide('c');
  if (variant === '') cam.frame(rig, `${id}-signing`, `${id}-signing`, from, 'Signing');
  cam.shot(rig, `${id}-done${variant ? `.${variant}` : ''}`);
  rig.press('b');
}

export function typeWord(rig: DeviceRig, w: string): void {
  const title = rig.d.screen.title;
  for (const letter of w) {
    if (rig.d.screen.title !== title) return; // taken as soon as it was unique
    for (let i = 0; i < 27 && /\[([a-z]?)\]/.exec(rig.d.screen.lines[0])?.[1] !== letter; i++) rig.press('c');
    rig.press('b');
  }
  if (rig.d.screen.title === title) rig.press('c', true);
}

export function wrongCode(rig: DeviceRig): void {
  rig.enterPin('000000');
}

/** A screen that asks for a verification code, then what it says to a wrong one (`<id>-refused`). */
export function codeRefused(cam: Camera, rig: DeviceRig, id: string): void {
  cam.shot(rig, id);
  wrongCode(rig);
  cam.shot(rig, `${id}-refused`);
}

/** OK (B) on the screen shown, then hold B: from a menu screen back home. */
export function okHome(rig: DeviceRig): void {
  rig.press('b');
  rig.press('b', true);
}
