/**
 * Link port over BLE GATT on ESP32 (legacy `bleserver` API): the Latch service of bleservices/latch.json,
 * RX (write) -> `received`, `notify` -> TX, INFO answered from `setInfo`. One connection at a time.
 * The service UUID is 7A1C0001-5B7E-4C8A-9F3D-2E6B1A4C7D90 (bleservices/latch.json).
 */
import BLEServer from "bleserver";
import { uuid } from "btutils";
import { IOCapability, SM } from "sm";
import type { LinkHandlers, LinkPort } from "../modules/ports.js";

// The characteristic type as BLEServer's callbacks see it: the board build compiles against the SDK's typings
// (where it comes from "gatt"), `npm run typecheck` against drivers/moddable.d.ts.
type Characteristic = Parameters<BLEServer["onCharacteristicWritten"]>[0];

export class BleLink extends BLEServer implements LinkPort {
  private handlers: LinkHandlers | undefined;
  private tx: Characteristic | undefined;
  private info = new Uint8Array(0);
  private mtu = 23;

  constructor(private readonly name = "Latch") {
    super();
  }

  listen(handlers: LinkHandlers): void {
    this.handlers = handlers;
  }

  notify(packet: Uint8Array): void {
    if (this.tx) this.notifyValue(this.tx, packet.slice().buffer);
  }

  setInfo(info: Uint8Array): void {
    this.info = info.slice();
  }

  /** Drop the central (idle for 30 s without a complete message); onDisconnected follows. */
  disconnect(): void {
    super.disconnect();
  }

  /** Factory reset: drop every bond. ESP32 deletes one bond per call (moddable-notes), so call it for each. */
  forgetBonds(): void {
    for (let i = 0; i < 16; i++) SM.deleteAllBondings();
  }

  onReady(): void {
    this.deviceName = this.name;
    // LE Secure Connections, bonding, Just Works: no fixed passkey. Pairing protects nothing we rely on; CPace
    // and Noise do. Numeric comparison on the LCD can come later without changing the protocol.
    this.securityParameters = { encryption: true, bonding: true, mitm: false, ioCapability: IOCapability.NoInputNoOutput };
    this.advertise();
  }

  onConnected(): void {
    this.stopAdvertising();
    this.mtu = 23;
    this.handlers?.connected(this.mtu);
  }

  onDisconnected(): void {
    this.tx = undefined;
    this.handlers?.disconnected();
    this.advertise();
  }

  onMTUExchanged(mtu: number): void {
    this.mtu = mtu;
    this.handlers?.mtuChanged(mtu);
  }

  onCharacteristicNotifyEnabled(characteristic: Characteristic): void {
    if (characteristic.name === "tx") this.tx = characteristic;
  }

  onCharacteristicNotifyDisabled(characteristic: Characteristic): void {
    if (characteristic.name === "tx") this.tx = undefined;
  }

  onCharacteristicWritten(characteristic: Characteristic, value: ArrayBuffer): void {
    if (characteristic.name === "rx") this.handlers?.received(new Uint8Array(value));
  }

  onCharacteristicRead(characteristic: Characteristic): Uint8Array | undefined {
    if (characteristic.name === "info") return this.info.slice();
    return undefined;
  }

  private advertise(): void {
    this.startAdvertising({
      advertisingData: { flags: 6, completeName: this.name },
      scanResponseData: { completeUUID128List: [uuid`7A1C0001-5B7E-4C8A-9F3D-2E6B1A4C7D90`] },
    });
  }
}
