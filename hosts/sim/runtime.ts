/** What the board needs from the firmware, whichever engine runs it. */
import type { ButtonEvent } from '../../modules/ports.js';
import type { DeviceState } from '../../modules/device.js';
import type { DeviceScreen } from '../../modules/device.js';
import type { EventsAnswer } from '../../modules/guard/event-format.js';

export type Engine = 'xs' | 'node';

export interface FirmwareStatus {
  state: DeviceState;
  screen: DeviceScreen;
  /** the bound app's label (its own claim), if an app is bound */
  app: string | null;
}

export interface FirmwareRuntime {
  readonly engine: Engine;
  /** false once power was cut under it; a dead runtime ignores everything */
  readonly alive: boolean;
  boot(platform: string, pinIterations?: number): Promise<void>;
  press(e: ButtonEvent): Promise<void>;
  tick(): Promise<void>;
  connect(mtu: number): Promise<void>;
  disconnect(): Promise<void>;
  /** another central wants the link: true if the firmware gave up the current connection for it */
  offer(): Promise<boolean>;
  mtuChanged(mtu: number): Promise<void>;
  receive(packet: Uint8Array): Promise<void>;
  status(): Promise<FirmwareStatus>;
  /** the debug link: load a test mnemonic (simulator only) */
  debugLoad(load: { mnemonic: string; pin: string; replace?: boolean }): Promise<{ loaded: boolean; reason?: string; bad?: string }>;
  /** the device's whole event log as the app would get it, and its device id (null before it has an identity) */
  deviceEvents(): Promise<{ answer: EventsAnswer; deviceId: Uint8Array } | null>;
  close(): Promise<void>;
}
