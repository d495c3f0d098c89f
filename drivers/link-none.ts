/**
 * Link port for the Moddable desktop simulator, which has no BLE (its BLE modules are stubs whose onReady
 * never fires). Nothing connects; the About screen says "idle". A WebSocket link with the same framing
 * replaces it when the binding protocol lands; until then QA uses the Node board simulator's /link.
 */
import type { LinkHandlers, LinkPort } from "../modules/ports.js";

export class NoLink implements LinkPort {
  listen(_handlers: LinkHandlers): void {}
  notify(_packet: Uint8Array): void {}
  setInfo(_info: Uint8Array): void {}
}
