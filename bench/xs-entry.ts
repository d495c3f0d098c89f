// The XS side of `npm run bench`: runs one named op N times per command, so the compute meter covers only it.
import { OPS } from './ops.js';

declare const TextDecoder: { new (): { decode(b: Uint8Array): string } };
declare const TextEncoder: { new (): { encode(s: string): Uint8Array } };

declare const gc: () => void;
const kept: unknown[] = [];

(globalThis as any).handleCommand = (message: ArrayBuffer): ArrayBuffer => {
  const { name, iterations, prepare, fill, amount } = JSON.parse(new TextDecoder().decode(new Uint8Array(message)));
  // Memory squeezing (bench/memory.ts): collect garbage, or keep `amount` chunk bytes or slots in use.
  if (fill === 'chunks') { kept.push(new ArrayBuffer(amount)); return new ArrayBuffer(0); }
  if (fill === 'slots') {
    let head: unknown = null;
    for (let i = 0; i < amount; i += 2) head = { n: head }; // an object and its one property: two slots
    kept.push(head);
    return new ArrayBuffer(0);
  }
  if (name === undefined) { gc(); return new ArrayBuffer(0); }
  const op = OPS.find((o) => o.name === name);
  if (!op) return new TextEncoder().encode(JSON.stringify({ error: `no op ${name}` })).slice().buffer;
  if (prepare) op.prepare?.();
  else for (let i = 0; i < iterations; i++) op.run();
  return new TextEncoder().encode('{}').slice().buffer;
};
