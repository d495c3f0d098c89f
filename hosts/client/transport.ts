/**
 * How the app reaches a device: packets in both directions plus a read of INFO. The simulator's WebSocket link
 * (one message = one ATT packet) and real BLE through @stoprocent/noble (optional; QA benches with hardware).
 */
import { WebSocket } from 'ws';

export interface PacketTransport {
  readonly mtu: number;
  send(packet: Uint8Array): Promise<void>;
  onPacket(listener: (packet: Uint8Array) => void): void;
  onClose(listener: (reason: string) => void): void;
  readInfo(): Promise<Uint8Array>;
  close(): Promise<void>;
}

export class WebSocketTransport implements PacketTransport {
  private packetListeners: ((p: Uint8Array) => void)[] = [];
  private closeListeners: ((reason: string) => void)[] = [];
  private infoWaiters: ((info: Uint8Array) => void)[] = [];

  private constructor(private readonly ws: WebSocket, readonly mtu: number) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        const p = new Uint8Array(data as Buffer);
        for (const l of this.packetListeners) l(p);
        return;
      }
      const text = data.toString();
      if (text.startsWith('info:')) this.infoWaiters.shift()?.(new Uint8Array(Buffer.from(text.slice(5), 'hex')));
    });
    ws.on('close', (code, reason) => {
      for (const l of this.closeListeners) l(`link closed (${code}${reason.length ? `: ${reason}` : ''})`);
    });
  }

  static async open(url: string, mtu = 247): Promise<WebSocketTransport> {
    const u = new URL(url);
    u.searchParams.set('mtu', String(mtu));
    const ws = new WebSocket(u);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`the device refused the link: HTTP ${res.statusCode}`)));
      ws.once('error', (err) => reject(new Error(`cannot reach ${url}: ${err.message}. Is the simulator running (npm start)?`)));
    });
    const t = new WebSocketTransport(ws, mtu);
    // A device that is busy with another app closes the link at once with code 1013.
    await new Promise((r) => setTimeout(r, 20));
    if (ws.readyState !== WebSocket.OPEN) throw new Error('the device closed the link: another app is connected');
    return t;
  }

  async send(packet: Uint8Array): Promise<void> {
    if (this.ws.readyState !== WebSocket.OPEN) throw new Error('the link is closed');
    await new Promise<void>((resolve, reject) => this.ws.send(packet, (err) => (err ? reject(err) : resolve())));
  }

  onPacket(listener: (packet: Uint8Array) => void): void {
    this.packetListeners.push(listener);
  }

  onClose(listener: (reason: string) => void): void {
    this.closeListeners.push(listener);
  }

  readInfo(): Promise<Uint8Array> {
    return new Promise((resolve) => {
      this.infoWaiters.push(resolve);
      this.ws.send('read:info');
    });
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

export const SERVICE_UUID = '7a1c00015b7e4c8a9f3d2e6b1a4c7d90';
const RX_UUID = '7a1c00025b7e4c8a9f3d2e6b1a4c7d90';
const TX_UUID = '7a1c00035b7e4c8a9f3d2e6b1a4c7d90';
const INFO_UUID = '7a1c00045b7e4c8a9f3d2e6b1a4c7d90';

/**
 * Real BLE via @stoprocent/noble, which is optional: install it on a bench machine with a Bluetooth adapter
 * (`npm install @stoprocent/noble`). Connects to the first device advertising the Latch service, or the one
 * whose name or address matches `filter`.
 */
export class BleTransport implements PacketTransport {
  private packetListeners: ((p: Uint8Array) => void)[] = [];
  private closeListeners: ((reason: string) => void)[] = [];

  private constructor(private readonly peripheral: any, private readonly rx: any, private readonly info: any, readonly mtu: number) {}

  static async open(filter = '', timeoutMs = 15000): Promise<BleTransport> {
    let noble: any;
    try {
      const moduleName = '@stoprocent/noble';
      noble = (await import(moduleName)).default;
    } catch {
      throw new Error('BLE needs the optional package @stoprocent/noble: npm install @stoprocent/noble (and a Bluetooth adapter)');
    }
    await noble.waitForPoweredOnAsync?.();
    await noble.startScanningAsync([SERVICE_UUID], false);
    const peripheral: any = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no Latch device found within ${timeoutMs / 1000} s`)), timeoutMs);
      noble.on('discover', (p: any) => {
        const name = p.advertisement?.localName ?? '';
        if (filter && !name.includes(filter) && p.address !== filter) return;
        clearTimeout(timer);
        resolve(p);
      });
    });
    await noble.stopScanningAsync();
    await peripheral.connectAsync();
    const { characteristics } = await peripheral.discoverSomeServicesAndCharacteristicsAsync([SERVICE_UUID], [RX_UUID, TX_UUID, INFO_UUID]);
    const find = (u: string) => characteristics.find((c: any) => c.uuid === u);
    const t = new BleTransport(peripheral, find(RX_UUID), find(INFO_UUID), peripheral.mtu ?? 23);
    const tx = find(TX_UUID);
    tx.on('data', (data: Buffer) => { for (const l of t.packetListeners) l(new Uint8Array(data)); });
    await tx.subscribeAsync();
    peripheral.once('disconnect', () => { for (const l of t.closeListeners) l('the device disconnected'); });
    return t;
  }

  async send(packet: Uint8Array): Promise<void> {
    await this.rx.writeAsync(Buffer.from(packet), false);
  }

  onPacket(listener: (packet: Uint8Array) => void): void {
    this.packetListeners.push(listener);
  }

  onClose(listener: (reason: string) => void): void {
    this.closeListeners.push(listener);
  }

  async readInfo(): Promise<Uint8Array> {
    return new Uint8Array(await this.info.readAsync());
  }

  async close(): Promise<void> {
    await this.peripheral.disconnectAsync();
  }
}
