/** An app for hostile tests: the real client for the happy path, raw packets and messages for the rest. */
import { randomBytes } from 'node:crypto';
import { keyPair } from '../../../modules/session/noise-kk.js';
import { LatchClient } from '../../../hosts/client/client.js';
import { WebSocketTransport } from '../../../hosts/client/transport.js';
import { SCREEN_WAIT_MS, type DeviceDriver } from './device-driver.js';

export async function connect(url: string, mtu = 247): Promise<LatchClient> {
  return new LatchClient(await WebSocketTransport.open(`${url.replace('http', 'ws')}/link`, mtu));
}

export const newApp = () => keyPair(new Uint8Array(randomBytes(32)));

/** Read the binding code off the LCD (control API only). */
export async function screenCode(d: DeviceDriver): Promise<string> {
  for (const until = Date.now() + SCREEN_WAIT_MS; Date.now() < until;) {
    const s = await d.screen();
    const line = s.lines.find((l) => /^[2-9A-HJ-NP-Z]{4} [2-9A-HJ-NP-Z]{4}$/.test(l));
    if (s.id === 'bind-code' && line) return line.replace(' ', '');
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('no binding code on the screen');
}

/** A full, honest bind: the code from the screen, Allow pressed on the device. */
export async function bindHonestly(client: LatchClient, d: DeviceDriver, app = newApp(), label = 'Honest app') {
  let pressing: Promise<unknown> = Promise.resolve();
  const result = client.bind(app, label, () => screenCode(d), SCREEN_WAIT_MS, () => {
    pressing = (async () => {
      await d.waitFor('bind-allow');
      await d.decide('c');
    })();
  });
  const r = await result;
  await pressing; // the press's own answer comes after the device's: wait for it before the test moves on
  return { ...r, app };
}
