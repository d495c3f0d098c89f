/**
 * The board simulator's command channel between Node (the board) and the firmware running in XS.
 * Each message starts with one ASCII op byte. Shared by hosts/sim/runtime-xs.ts and hosts/sim/guest/entry.ts.
 */

/** Node -> XS, answered by the guest's `handleCommand` with a JSON reply. */
export const HostOp = {
  boot: 0x42, // 'B' + JSON BootConfig
  press: 0x50, // 'P' + button char + long (0/1) + u32 held ms
  tick: 0x54, // 'T'
  connect: 0x43, // 'C' + u16 mtu
  disconnect: 0x44, // 'D'
  offer: 0x4f, // 'O': another central wants the link -> JSON {accepted: boolean} (true: the current one gave up its place)
  mtu: 0x4d, // 'M' + u16 mtu
  receive: 0x52, // 'R' + packet
  screen: 0x53, // 'S' -> JSON {screen, state}
  evaluate: 0x45, // 'E' + UTF-8 source of a function body (bench and tests only)
  debugLoad: 0x4c, // 'L' + JSON {mnemonic, pin, replace?}: the debug link (simulator only)
  events: 0x56, // 'V' -> JSON {events: {answer (bytes as hex), deviceId hex} | null}: the event log, for the page
} as const;

/** XS -> Node, synchronous `issueCommand` queries answered by the board. */
export const GuestOp = {
  entropy: 0x65, // 'e' + u32 length -> bytes
  read: 0x72, // 'r' + u32 offset + u32 length -> status + bytes
  write: 0x77, // 'w' + u32 offset + data -> status
  erase: 0x78, // 'x' + u32 sector -> status
  draw: 0x64, // 'd' + JSON DrawOp[]
  notify: 0x6e, // 'n' + packet
  info: 0x69, // 'i' + INFO bytes
  log: 0x6c, // 'l' + UTF-8 text
  clock: 0x63, // 'c' -> f64 little-endian milliseconds
  chipKey: 0x6b, // 'k' + message -> HMAC-SHA256 under the board's chip key (32 bytes)
  counterRead: 0x66, // 'f' (fuse) -> u32 big-endian: the eFuse counter's value
  counterBump: 0x62, // 'b' (burn) -> one byte: 1 a bit was burned, 0 every bit is spent
  disconnect: 0x71, // 'q': the firmware drops the link's connection
  screenProblem: 0x73, // 's' + UTF-8 text: a screen that cannot be drawn in full (the simulator makes it an error)
} as const;

export const Status = { ok: 0, error: 1 } as const;

/** the bits of the emulated eFuse counter: the free bits of the ESP32's BLOCK3 (drivers/counter/esp32/counter.c) */
export const SIM_COUNTER_CAPACITY = 128;

export interface BootConfig {
  platform: string;
  /** PBKDF2 iterations for new PIN records; omitted = calibrated on the (simulated) device */
  pinIterations?: number;
  flashSize: number;
  sectorSize: number;
  width: number;
  height: number;
  /** the emulated eFuse counter's bits (the M5Stack Fire's 128 by default; 0 = a board without one) */
  counterCapacity: number;
}

export type DrawOp =
  | ['r', number, number, number, number, number]
  | ['t', string, number, number, number, number]
  | ['b', string, number, number, number, number, number, number];

export function u32(n: number): Uint8Array {
  return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

export function readU32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

export function withOp(op: number, ...parts: Uint8Array[]): Uint8Array {
  let n = 1;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  out[0] = op;
  let o = 1;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
