/**
 * Link port for the Moddable desktop simulator, which has no BLE: a WebSocket server (port 8081) with the same
 * framing as the Node board simulator's /link. One binary WebSocket message = one ATT packet; the text message
 * "read:info" reads INFO and is answered "info:<hex>". One app at a time, a fixed MTU of 247.
 */
import { Server } from "websocket";
import type { LinkHandlers, LinkPort } from "../modules/ports.js";
import { toHex } from "../modules/bytes.js";

export const LINK_PORT = 8081;
const MTU = 247;

export class WebSocketLink implements LinkPort {
  private handlers: LinkHandlers | undefined;
  private client: { write(message: string | ArrayBuffer): void; close(): void } | undefined;
  private info = new Uint8Array(0);
  private readonly server: Server;

  constructor(port = LINK_PORT) {
    const link = this;
    this.server = new Server({ port });
    this.server.callback = function (message, value) {
      switch (message) {
        case Server.handshake:
          if (link.client) {
            this.close(); // one app at a time, as with a BLE central
            return;
          }
          link.client = this;
          link.handlers?.connected(MTU);
          break;
        case Server.receive:
          if (this !== link.client) return;
          if (typeof value === "string") {
            this.write(value === "read:info" ? `info:${toHex(link.info)}` : 'error:binary messages are RX writes, "read:info" reads INFO');
            return;
          }
          if ((value as ArrayBuffer).byteLength > MTU - 3) {
            this.close(); // no ATT write is longer than MTU-3
            return;
          }
          link.handlers?.received(new Uint8Array(value as ArrayBuffer));
          break;
        case Server.disconnect:
          if (this === link.client) {
            link.client = undefined;
            link.handlers?.disconnected();
          }
          break;
      }
    };
  }

  listen(handlers: LinkHandlers): void {
    this.handlers = handlers;
  }

  notify(packet: Uint8Array): void {
    this.client?.write(packet.slice().buffer);
  }

  setInfo(info: Uint8Array): void {
    this.info = info.slice();
  }

  /** Drop the app (idle for 30 s without a complete message). */
  disconnect(): void {
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    client.close();
    this.handlers?.disconnected();
  }
}
