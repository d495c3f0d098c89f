/**
 * The composition root shared by every host: `main.ts` builds it from Moddable drivers, `hosts/sim` from the
 * board simulator's peripherals. It owns the device state and decides what the LCD shows.
 */
import type { ButtonEvent, Ports } from './ports.js';
import { HealthTestedEntropy, EntropyHealthError } from './entropy/health.js';
import { render } from './ui/render.js';
import { describe, type Screen, type ScreenDescription } from './ui/screen.js';
import { aboutScreen, blankScreen, rngFaultScreen } from './ui/screens.js';

export const FIRMWARE_VERSION = '0.1.0';
/** Version of the link protocol, readable from the INFO characteristic. */
export const PROTOCOL_VERSION = 1;

/** Design section 4. Only `blank` and `fault` exist until the vault lands. */
export type DeviceState = 'blank' | 'bound' | 'locked' | 'unlocked' | 'fault';

export interface DeviceOptions {
  /** shown on the About screen, e.g. "esp32/m5stack_fire" or "node-sim (xs)" */
  platform: string;
}

interface LinkStatus {
  connected: boolean;
  mtu: number;
  packetsIn: number;
}

export class Device {
  readonly entropy: HealthTestedEntropy;
  private current: Screen = blankScreen();
  private deviceState: DeviceState = 'blank';
  private readonly link: LinkStatus = { connected: false, mtu: 23, packetsIn: 0 };
  private booted = false;

  constructor(private readonly ports: Ports, private readonly options: DeviceOptions) {
    this.entropy = new HealthTestedEntropy(ports.entropy);
  }

  get state(): DeviceState {
    return this.deviceState;
  }

  get screen(): ScreenDescription {
    return describe(this.current);
  }

  boot(): void {
    if (this.booted) throw new Error('device already booted');
    this.booted = true;
    const { buttons, link, clock, log } = this.ports;
    log.log(`latch ${FIRMWARE_VERSION} booting on ${this.options.platform}`);
    buttons.listen((e) => this.press(e));
    link.listen({
      connected: (mtu) => { this.link.connected = true; this.link.mtu = mtu; log.log(`link connected, mtu ${mtu}`); this.refreshAbout(); },
      disconnected: () => { this.link.connected = false; log.log('link disconnected'); this.refreshAbout(); },
      mtuChanged: (mtu) => { this.link.mtu = mtu; this.refreshAbout(); },
      received: (packet) => { this.link.packetsIn++; log.log(`link: ${packet.length} bytes in`); this.refreshAbout(); },
    });
    clock.tick(100, () => this.tick());
    try {
      this.entropy.startup();
      this.deviceState = 'blank';
      this.show(blankScreen());
    } catch (err) {
      if (!(err instanceof EntropyHealthError)) throw err;
      log.log(`RNG start-up test failed: ${err.message}`);
      this.deviceState = 'fault';
      this.show(rngFaultScreen(err.message));
    }
    this.publishInfo();
  }

  /** A button press from the Buttons port. Buttons without a label on the current screen do nothing. */
  press(e: ButtonEvent): void {
    const screen = this.current;
    if (!screen.buttons[e.button]) return;
    this.ports.log.log(`button ${e.button}${e.long ? ' (long)' : ''} on ${screen.id}`);
    if (screen.id === 'blank' && e.button === 'b') this.show(aboutScreen(this.aboutFacts()));
    else if (screen.id === 'about' && e.button === 'b') this.show(blankScreen());
  }

  private tick(): void {
    // Periodic work (reassembly time-outs, PIN delays) hooks in here.
  }

  private show(screen: Screen): void {
    this.current = screen;
    render(this.ports.canvas, screen);
  }

  private refreshAbout(): void {
    if (this.current.id === 'about') this.show(aboutScreen(this.aboutFacts()));
  }

  private aboutFacts() {
    const { flash } = this.ports;
    const l = this.link;
    return {
      version: FIRMWARE_VERSION,
      platform: this.options.platform,
      flashBytes: flash.size,
      sectorBytes: flash.sectorSize,
      entropyBytesTested: this.entropy.bytesTested,
      rctCutoff: this.entropy.rctCutoff,
      aptCutoff: this.entropy.aptCutoff,
      link: l.connected ? `connected, MTU ${l.mtu}, ${l.packetsIn} packets in` : `idle, ${l.packetsIn} packets in`,
    };
  }

  /** INFO characteristic: [protocol version, flags]; flag bit 0 = blank. Nothing secret. */
  private publishInfo(): void {
    this.ports.link.setInfo(Uint8Array.from([PROTOCOL_VERSION, this.deviceState === 'blank' ? 1 : 0]));
  }
}
