/**
 * The Moddable SDK modules and globals the drivers use, declared as the SDK provides them (read off its
 * `typings/` and sources, SDK 8.2: typings/time.d.ts, timer.d.ts, file.d.ts, flash.d.ts, crypt.d.ts,
 * websocket.d.ts, commodetto/Poco.d.ts, text/*.d.ts, ble/bleserver.d.ts, ble/btutils.d.ts, ble/sm.d.ts,
 * xs/includes/xs.d.ts; build/simulators/m5stack/host.js and modules/button.js for `Host.Button`;
 * build/devices/esp32/targets/m5stack_fire/setup-target.js and m5button.js for `globalThis.button`). Only what
 * the drivers touch, so `npm run typecheck` checks drivers/ and main.ts without the SDK installed. mcconfig uses
 * the SDK's own typings when it builds; a driver that type-checks here against a member the SDK lacks fails there.
 */

declare module "mc/config" {
  /** the manifest's "config" object, merged for the platform being built */
  const config: Record<string, unknown>;
  export default config;
}

declare module "time" {
  const Time: {
    /** milliseconds since an arbitrary start, monotonic */
    readonly ticks: number;
    delta(start: number, end?: number): number;
  };
  export { Time as default };
}

declare module "debug" {
  /** $(MODULES)/base/debug: collect garbage now (no argument), or turn collection on or off */
  export default class Debug {
    static gc(enable?: boolean): void;
  }
}

declare module "timer" {
  class Timer {
    private constructor();
    static set(callback: (timer: Timer) => void, interval?: number, repeat?: number): Timer;
    static repeat(callback: (timer: Timer) => void, interval: number): Timer;
    static clear(timer: Timer | undefined | null): void;
    private brand: boolean;
  }
  export { Timer as default };
}

declare module "file" {
  export class File {
    constructor(path: string, write?: boolean);
    read<T extends typeof ArrayBuffer | typeof String>(type: T, bytes?: number): T extends typeof String ? string : ArrayBuffer;
    write(value: ArrayBufferLike | string, ...moreValues: (ArrayBuffer | string)[]): void;
    close(): void;
    readonly length: number;
    position: number;
    static delete(path: string): boolean;
    static exists(path: string): boolean;
  }
}

declare module "flash" {
  class Flash {
    constructor(partition?: string);
    erase(sector: number): void;
    read(offset: number, byteLength: number): ArrayBuffer;
    write(offset: number, byteLength: number, buffer: ArrayBufferLike): void;
    readonly byteLength: number;
    readonly blockSize: number;
  }
  export { Flash as default };
}

declare module "crypt" {
  type DigestType = "MD5" | "SHA1" | "SHA224" | "SHA256" | "SHA384" | "SHA512";
  export class Digest {
    constructor(type: DigestType);
    write(message: string | ArrayBuffer): void;
    close(): ArrayBuffer;
    reset(): void;
    get blockSize(): number;
    get outputSize(): number;
  }
}

declare module "commodetto/Poco" {
  interface PixelsOut {
    readonly width: number;
    readonly height: number;
  }
  interface PocoPrototype {
    begin(x?: number, y?: number, width?: number, height?: number): void;
    end(): void;
    makeColor(r: number, g: number, b: number): number;
    fillRectangle(color: number, x: number, y: number, width: number, height: number): void;
    readonly width: number;
    readonly height: number;
  }
  const Poco: { new (pixelsOut: PixelsOut, options?: { pixels?: number; displayListLength?: number; rotation?: 0 | 90 | 180 | 270 }): PocoPrototype };
  global {
    /** the display (a Commodetto PixelsOut): 320x240 on the M5Stack boards and in the m5stack simulator */
    const screen: PixelsOut;
  }
  export { Poco as default };
}

declare module "btutils" {
  export class Bytes extends ArrayBuffer {
    constructor(bytes: string | ArrayBufferLike, littleEndian?: boolean);
    equals(bytes: Bytes): boolean;
  }
  /** uuid`7A1C0001-...`: a UUID as Bytes */
  export function uuid(strings: TemplateStringsArray): Bytes;
}

declare module "sm" {
  /** a frozen object at run time (modules/network/ble/sm.js), not a TypeScript enum */
  export const IOCapability: { readonly NoInputNoOutput: 0; readonly DisplayOnly: 1; readonly KeyboardOnly: 2; readonly KeyboardDisplay: 3; readonly DisplayYesNo: 4 };
  export class SM {
    static deleteAllBondings(): void;
  }
}

declare module "bleserver" {
  import type { Bytes } from "btutils";
  export interface Characteristic {
    uuid: Bytes;
    name: string;
    handle: number;
  }
  export class BLEServer {
    set securityParameters(params: { encryption?: boolean; bonding?: boolean; mitm?: boolean; ioCapability?: number });
    deviceName: string;
    startAdvertising(params: { advertisingData: { flags?: number; completeName?: string; completeUUID128List?: Bytes[] }; scanResponseData?: { completeUUID128List?: Bytes[]; completeName?: string } }): void;
    stopAdvertising(): void;
    notifyValue(characteristic: Characteristic, value: ArrayBuffer): void;
    disconnect(): void;
    close(): void;
    onReady(): void;
    onConnected(device: unknown): void;
    onDisconnected(device: unknown): void;
    onCharacteristicNotifyEnabled(characteristic: Characteristic): void;
    onCharacteristicWritten(characteristic: Characteristic, value: ArrayBuffer): void;
    onCharacteristicRead(characteristic: Characteristic): ArrayBuffer | Uint8Array | number[] | number | void;
    // Called by the SDK (modules/network/ble/*/bleserver.js) but missing from its typings (moddable-notes.md):
    onMTUExchanged(mtu: number): void;
    onCharacteristicNotifyDisabled(characteristic: Characteristic): void;
  }
  export { BLEServer as default };
}

declare module "websocket" {
  /** In a server's callback, `this` is the connection the message is about. */
  interface ServerConnection {
    write(message: string | ArrayBuffer): void;
    close(): void;
  }
  export class Server {
    static readonly connect: number;
    static readonly handshake: number;
    static readonly receive: number;
    static readonly disconnect: number;
    constructor(options: { port?: number });
    close(): void;
    callback: (this: ServerConnection, message: number, value?: string | ArrayBuffer) => void;
  }
}

/** xs/includes/xs.d.ts */
declare const trace: (...log: (string | number | boolean)[]) => void;
declare function native(name: string): (...args: any[]) => any;

/**
 * The simulator's buttons (build/simulators/m5stack/host.js): `new Host.Button.a({onPush(pressed)})`, `pressed`
 * 1 while the pane's button is down and 0 when it is released.
 */
declare const Host: { readonly Button?: Readonly<Record<"a" | "b" | "c", new (options: { onPush(pressed: number): void }) => object>> } | undefined;
