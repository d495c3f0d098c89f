import path from 'node:path';
import { bundleForXs, REPO_ROOT } from '../hosts/xs/bundle.js';
import { XsWorker } from '../hosts/xs/xsnap-worker.js';
import { FLOW_NAMES } from '../tests/screens/run-catalogue.js';
const source = await bundleForXs(path.join(REPO_ROOT, 'tests/screens/xs-entry.ts'));
const worker = new XsWorker({ name: 'p' });
await worker.evaluate(source);
for (const f of FLOW_NAMES) {
  const t = Date.now();
  const r = await worker.command(Buffer.from(JSON.stringify({ only: [f] })));
  console.log(String(Date.now() - t).padStart(6), f, r.reply.length);
}
await worker.close();
