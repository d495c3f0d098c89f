/** Runs the firmware modules in this Node process (V8): `npm start -- --engine node`, and fast unit tests. */
import { Device } from '../../modules/device.js';
import type { ButtonEvent, LinkHandlers } from '../../modules/ports.js';
import { PowerCutError } from './flash-image.js';
import { boundApp, debugLoadWallet, deviceEventsOf } from './guest/debug-link.js';
import type { Peripherals } from './peripherals.js';
import type { FirmwareRuntime, FirmwareStatus } from './runtime.js';

export class NodeRuntime implements FirmwareRuntime {
  readonly engine = 'node' as const;
  alive = true;
  device: Device | undefined;
  private onPress: ((e: ButtonEvent) => void) | undefined;
  private link: LinkHandlers | undefined;
  private onTick: (() => void) | undefined;

  constructor(private readonly hw: Peripherals, private readonly onPowerLost: () => void) {}

  async boot(platform: string, pinIterations?: number): Promise<void> {
    const hw = this.hw;
    this.device = new Device(
      {
        entropy: hw.entropy,
        flash: hw.flash,
        canvas: hw.canvas,
        buttons: { listen: (fn) => { this.onPress = fn; } },
        clock: { now: () => hw.clock.now(), tick: (_ms, fn) => { this.onTick = fn; } },
        link: { listen: (h) => { this.link = h; }, notify: (p) => hw.onNotify(p.slice()), setInfo: (i) => { hw.info = i.slice(); }, disconnect: () => hw.onDisconnect() },
        log: { log: (m) => hw.onLog(m) },
        chipKey: hw.chipKey,
        counter: hw.counter,
        onScreenProblem: (problem) => hw.onScreenProblem(problem),
      },
      { platform, vault: { pinIterations } },
    );
    this.guard(() => this.device!.boot());
  }

  async press(e: ButtonEvent) { this.guard(() => this.onPress?.(e)); }
  async tick() { this.guard(() => this.onTick?.()); }
  async connect(mtu: number) { this.guard(() => this.link?.connected(mtu)); }
  async disconnect() { this.guard(() => this.link?.disconnected()); }
  async offer(): Promise<boolean> {
    let accepted = false;
    this.guard(() => { accepted = this.link?.offered?.() ?? false; });
    return accepted;
  }
  async mtuChanged(mtu: number) { this.guard(() => this.link?.mtuChanged(mtu)); }
  async receive(packet: Uint8Array) { this.guard(() => this.link?.received(packet.slice())); }

  async status(): Promise<FirmwareStatus> {
    if (!this.device) throw new Error('firmware not booted');
    return { state: this.device.state, screen: this.device.screen, app: boundApp(this.device) };
  }

  async debugLoad(load: { mnemonic: string; pin: string; replace?: boolean }): Promise<{ loaded: boolean; reason?: string; bad?: string }> {
    if (!this.device) throw new Error('firmware not booted');
    return debugLoadWallet(this.device, load);
  }

  async deviceEvents() {
    if (!this.device) throw new Error('firmware not booted');
    return deviceEventsOf(this.device);
  }

  async close(): Promise<void> {
    this.alive = false;
  }

  /** A power cut stops the firmware where it stands, as on the board; other errors are firmware bugs. */
  private guard(fn: () => void): void {
    if (!this.alive) return;
    try {
      fn();
    } catch (err) {
      if (err instanceof PowerCutError || !this.hw.flash.isPowered) {
        this.alive = false;
        this.onPowerLost();
        return;
      }
      throw err;
    }
  }
}
