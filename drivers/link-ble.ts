/**
 * Link port over BLE GATT on ESP32 (legacy `bleserver` API): the Latch service of bleservices/latch.json,
 * RX (write) -> `received`, `notify` -> TX, INFO answered from `setInfo`. One connection at a time.
 * The service UUID is 7A1C0001-5B7E-4C8A-9F3D-2E6B1A4C7D90 (bleservices/latch.json).
 *
 * Link fairness (issue 18; modules/protocol/link-handler.ts has the rule): the bound app must get through while a
 * stranger holds the link. What Moddable's bleserver allows (read in its source, modules/network/ble/esp32 and
 * nimble/modBLEServer.c): one connection per server. It keeps a single conn_id; a second central's connect
 * event is dropped before JS ("goto bail" on Bluedroid, "Ignoring duplicate connect event" on NimBLE), so no
 * onConnected, and notifyValue() and disconnect() only reach the first. On Bluedroid the GATT write handler does
 * not check conn_id, so a second central's RX writes would arrive mixed into the first's packets. So this port
 * neither keeps advertising while connected nor accepts the bound app beside the stranger: a second connection
 * would be served wrongly. Instead it offers the link on the newcomer's behalf every LINK_PRESUMED_OFFER_MS
 * (`offered(true)`): a connection without a session, past its grace, not binding and not awaiting the owner gives
 * its place (the stranger is told why and disconnected) and the device advertises again; the bound app, which
 * retries, gets in within a slice or two (a stranger reconnecting races it for each one), and in any case within
 * LINK_STRANGER_MS. Accepting the bound app beside the stranger needs a server that tracks two connections (a C
 * driver of our own over NimBLE): left for later (README).
 */
import BLEServer from "bleserver";
import { uuid } from "btutils";
import { IOCapability, SM } from "sm";
import Timer from "timer";
import { LINK_PRESUMED_OFFER_MS } from "../modules/protocol/link-rules.js";
import type { LinkHandlers, LinkPort } from "../modules/ports.js";

// The characteristic type as BLEServer's callbacks see it: the board build compiles against the SDK's typings
// (where it comes from "gatt"), `npm run typecheck` against drivers/moddable.d.ts.
type Characteristic = Parameters<BLEServer["onCharacteristicWritten"]>[0];

export class BleLink extends BLEServer implements LinkPort {
  private handlers: LinkHandlers | undefined;
  private tx: Characteristic | undefined;
  private info = new Uint8Array(0);
  private mtu = 23;
  private offering: Timer | undefined;

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
    this.stopAdvertising(); // bleserver serves one central: a second one would be served wrongly (see above)
    this.mtu = 23;
    this.handlers?.connected(this.mtu);
    Timer.clear(this.offering);
    this.offering = Timer.repeat(() => this.offerOnBehalf(), LINK_PRESUMED_OFFER_MS);
  }

  onDisconnected(): void {
    Timer.clear(this.offering);
    this.offering = undefined;
    this.tx = undefined;
    this.handlers?.disconnected();
    this.advertise();
  }

  /** A newcomer cannot be seen: ask whether the connection would give its place to one; if so, drop it. */
  private offerOnBehalf(): void {
    if (!this.handlers?.offered?.(true)) return;
    Timer.clear(this.offering);
    this.offering = undefined;
    super.disconnect(); // onDisconnected follows and advertises again
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
