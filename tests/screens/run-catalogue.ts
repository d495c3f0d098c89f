/**
 * Runs every flow of the catalogue and returns the shots (portable: bundled for XS by tests/screens/pictures.ts,
 * or run on Node). A flow that fails (a screen it did not expect, a screen that cannot be drawn in full) stops
 * the catalogue with its name.
 */
import { Camera, type Shot } from './camera.js';
import { FLOWS } from './scenes.js';

export function runCatalogue(only?: string[]): Shot[] {
  const cam = new Camera();
  for (const flow of FLOWS) {
    if (only && !only.includes(flow.name)) continue;
    try {
      flow.run(cam);
    } catch (err) {
      throw new Error(`catalogue flow "${flow.name}": ${(err as Error).message}`);
    }
  }
  return cam.shots;
}

export const FLOW_NAMES = FLOWS.map((f) => f.name);
