/** The catalogue inside XS: `handleCommand({only?: flow names})` runs the flows and answers their shots as JSON. */
import { runCatalogue } from './run-catalogue.js';

declare const TextEncoder: { new (): { encode(s: string): Uint8Array } };
declare const TextDecoder: { new (): { decode(b: Uint8Array): string } };

(globalThis as { handleCommand?: (m: ArrayBuffer) => ArrayBuffer }).handleCommand = (message) => {
  const { only } = JSON.parse(new TextDecoder().decode(new Uint8Array(message))) as { only?: string[] };
  let reply: unknown;
  try {
    reply = { shots: runCatalogue(only) };
  } catch (err) {
    reply = { error: (err as Error).message };
  }
  return new TextEncoder().encode(JSON.stringify(reply)).slice().buffer;
};
