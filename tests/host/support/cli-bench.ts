/**
 * What every CLI end-to-end suite starts from: the board simulator on XS with a manual clock that still ticks
 * itself, a published test wallet loaded (and unlocked) through the debug link, and an app home bound to it with
 * `latch bind` as the owner does it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeviceDriver } from './device-driver.js';
import { bindWithCli } from './cli.js';
import { connect } from './raw-app.js';
import { startSim, type RunningSim } from './sim.js';
import { fromHex } from '../../../modules/bytes.js';
import { keyPair } from '../../../modules/session/noise-kk.js';
import type { LatchClient, Session } from '../../../hosts/client/client.js';

export interface CliBench {
  sim: RunningSim;
  d: DeviceDriver;
  /** the bound app's home directory (a temporary one) */
  home: string;
  /** the CLI options that reach this simulator with this home */
  device(): string[];
  /** a session of the bound app, as a program using the client library opens it (close the client after) */
  openSession(): Promise<{ client: LatchClient; session: Session }>;
  /**
   * Move the manual device clock on by the wall time since the last call (or the start): a real device's clock
   * runs on its own, and the device takes the app's time only within two minutes of the device clock since its
   * first claim (guard/world-time.ts). Call it before a request whose time matters (codes).
   */
  syncClock(): Promise<void>;
  /** stop the simulator and delete the home */
  stop(): Promise<void>;
}

export async function startCliBench(o: { mnemonic: string; label: string; name: string }): Promise<CliBench> {
  const sim = await startSim({ manualClock: true, pinIterations: 50, autoTick: true });
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `latch-${o.name}-`));
  let wall = Date.now();
  const bench: CliBench = {
    sim, home,
    d: new DeviceDriver(sim.url),
    device: () => ['--device', `${sim.url.replace('http', 'ws')}/link`, '--home', home],
    async openSession() {
      const app = JSON.parse(fs.readFileSync(path.join(home, 'app.json'), 'utf8'));
      const client = await connect(sim.url);
      const session = await client.openSession(keyPair(fromHex(app.privateKey)), { id: fromHex(app.device.id), publicKey: fromHex(app.device.publicKey) });
      return { client, session };
    },
    async syncClock() {
      const now = Date.now();
      if (now > wall) await bench.d.call('POST', '/api/clock', { advanceMs: now - wall });
      wall = now;
    },
    async stop() {
      await sim.stop();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
  try {
    const loaded = await bench.d.call('POST', '/api/debug/load', { mnemonic: o.mnemonic, pin: '123456' });
    if (loaded.screen.id !== 'unlocked') throw new Error(`the debug link left ${loaded.screen.id}`);
    await bindWithCli(bench.d, bench.device(), o.label);
  } catch (err) {
    await bench.stop();
    throw err;
  }
  return bench;
}
