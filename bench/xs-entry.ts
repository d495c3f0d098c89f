// The XS side of `npm run bench`: runs one named op N times per command, so the compute meter covers only it.
import { OPS } from './ops.js';

declare const TextDecoder: { new (): { decode(b: Uint8Array): string } };
declare const TextEncoder: { new (): { encode(s: string): Uint8Array } };

(globalThis as any).handleCommand = (message: ArrayBuffer): ArrayBuffer => {
  const { name, iterations, prepare } = JSON.parse(new TextDecoder().decode(new Uint8Array(message)));
  const op = OPS.find((o) => o.name === name);
  if (!op) return new TextEncoder().encode(JSON.stringify({ error: `no op ${name}` })).slice().buffer;
  if (prepare) op.prepare?.();
  else for (let i = 0; i < iterations; i++) op.run();
  return new TextEncoder().encode('{}').slice().buffer;
};
