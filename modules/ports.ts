/**
 * The ports: every piece of hardware reaches the portable core only through these interfaces.
 * `drivers/` implements them on Moddable, `hosts/sim` implements them in the Node board simulator.
 * Nothing in `modules/` may import Node, Moddable or DOM APIs (tests/host/module-hygiene.test.ts checks).
 */

/** Raw hardware random bytes. Never used directly for secrets: wrap it in `HealthTestedEntropy`. */
export interface EntropyPort {
  /** Fill `target` with random bytes; return how many bytes were filled (fewer = the source ran short). */
  fill(target: Uint8Array): number;
}

/**
 * A raw NOR flash region. Erase sets a whole sector to 0xFF; a write can only clear bits (1 -> 0).
 * Offsets are relative to the start of the region. Errors (out of range, power loss) throw.
 */
export interface FlashPort {
  readonly size: number;
  readonly sectorSize: number;
  read(offset: number, length: number): Uint8Array;
  write(offset: number, data: Uint8Array): void;
  eraseSector(sector: number): void;
}

/** 0xRRGGBB */
export type Color = number;

/**
 * A 2D surface in device pixels. Text is drawn with the shared bitmap font of `modules/ui/font.ts`, so every
 * host lays out identical pixels; measuring text is therefore a pure function there, not a port call.
 */
export interface CanvasPort {
  readonly width: number;
  readonly height: number;
  /** start a frame; nothing is guaranteed visible until `end()` */
  begin(): void;
  fillRect(x: number, y: number, w: number, h: number, color: Color): void;
  /** draw ASCII text in the shared font, top-left at (x, y), each font pixel `scale` x `scale` device pixels */
  drawText(text: string, x: number, y: number, color: Color, scale: number): void;
  /** draw a 1-bit bitmap (rows of ceil(w/8) bytes, MSB = leftmost); set bits in `color`, clear bits untouched */
  drawBitmap(bits: Uint8Array, x: number, y: number, w: number, h: number, color: Color, scale: number): void;
  end(): void;
}

export type ButtonId = 'a' | 'b' | 'c';

/** A press, reported when the button is released. */
export interface ButtonEvent {
  button: ButtonId;
  /** held LONG_PRESS_MS (0.8 s) or more */
  long: boolean;
  /**
   * How long the button was held, in ms: every driver reports it (ui/button-edges.ts on the board and in
   * Moddable's simulator). A press that began before the screen appeared is ignored on every screen, and on a
   * security decision one that began in its first ~0.7 s (app/navigator.ts).
   */
  heldMs: number;
}

/** The board's three buttons (physical on the Fire, touch zones on Core2/CoreS3, clicks in the simulator). */
export interface ButtonsPort {
  listen(onPress: (event: ButtonEvent) => void): void;
}

/** Monotonic time and a periodic tick, so `modules/` never touches timers itself. */
export interface ClockPort {
  /** milliseconds since boot, monotonic */
  now(): number;
  /** call `onTick` about every `intervalMs` (the host decides the exact cadence) */
  tick(intervalMs: number, onTick: () => void): void;
}

export interface LinkHandlers {
  connected(mtu: number): void;
  disconnected(): void;
  mtuChanged(mtu: number): void;
  /** one ATT write to the RX characteristic */
  received(packet: Uint8Array): void;
  /**
   * Another central wants the link while one is connected. True: the firmware gave up the current connection
   * (it had no session): the port closes it and reports the newcomer as `connected`. False: refuse the newcomer.
   * A BLE port keeps advertising while connected so that the bound app can always ask. `presumed`: the port
   * cannot see a newcomer (Moddable's bleserver serves one central) and asks on a schedule; a connection in the
   * middle of a binding then keeps its place.
   */
  offered?(presumed?: boolean): boolean;
}

/** GATT-like link: one service, packets in on RX, notifications out on TX, INFO readable. */
export interface LinkPort {
  listen(handlers: LinkHandlers): void;
  /** notify one packet (at most mtu - 3 bytes) on TX */
  notify(packet: Uint8Array): void;
  /** the bytes the INFO characteristic returns to a read (nothing secret) */
  setInfo(info: Uint8Array): void;
  /** delete every BLE bond (factory reset); links without bonding omit it */
  forgetBonds?(): void;
  /** drop the current connection (an idle or misbehaving central); the link then reports `disconnected` */
  disconnect?(): void;
}

export type HashAlgorithm = 'SHA-256' | 'SHA-512';

/** One running hash; `reset()` starts it over so a PBKDF2 loop can reuse it. */
export interface Hasher {
  readonly blockSize: number;
  readonly outputSize: number;
  reset(): void;
  update(data: Uint8Array): void;
  digest(): Uint8Array;
}

/** A native digest (Moddable's `crypt` Digest on the device). Optional: without it, the pure-JS hashes are used. */
export interface HashPort {
  create(algorithm: HashAlgorithm): Hasher;
}

/**
 * The chip key: HMAC-SHA256 under a 256-bit key that never lies in the vault's flash region and that software
 * cannot read on a production board (ESP32-S3: the HMAC peripheral with an eFuse key; ESP32: a key in a
 * flash-encrypted partition; simulators: a separate file). Every vault key is derived through it, so a dump
 * of the vault region alone opens nothing and every PIN guess needs this chip (modules/vault/chip-keys.ts).
 */
export interface ChipKeyPort {
  /** HMAC-SHA256(chip key, message): 32 bytes */
  hmac(message: Uint8Array): Uint8Array;
  /**
   * Boards that make their chip key at first boot say whether it exists yet; if not, the device gives
   * `provision` 32 bytes from the health-tested RNG (so the key, too, comes from nothing else).
   */
  provisioned?(): boolean;
  provision?(key: Uint8Array): void;
}

/**
 * A counter that only ever goes up and that no edit of the flash chip can set back: eFuse bits on the board
 * (burned, never cleared), memory or a file beside the chip key in the simulators, never part of the flash image.
 * The vault seals its value into its head record (modules/vault/head.ts), so an older flash image is recognised.
 * Bits are few: `capacity` is the highest value it can reach.
 */
export interface MonotonicCounterPort {
  readonly capacity: number;
  read(): number;
  /** add one (burn the next bit); false when every bit is spent */
  increment(): boolean;
}

/** Where the firmware writes its diagnostics. Never give it a secret. */
export interface LogPort {
  log(message: string): void;
}

export interface Ports {
  entropy: EntropyPort;
  flash: FlashPort;
  canvas: CanvasPort;
  buttons: ButtonsPort;
  clock: ClockPort;
  link: LinkPort;
  log: LogPort;
  chipKey: ChipKeyPort;
  /** the rollback counter (eFuse); boards without one get flash-only checks (README: what a flash clip can do) */
  counter?: MonotonicCounterPort;
  /** a native digest for PBKDF2 (PIN and BIP39 seed); optional */
  hash?: HashPort;
  /**
   * Hosts that check every screen (the test rigs, the simulator) hear of a screen that cannot be drawn in full or
   * whose id is not in ui/screen-ids.ts; they make it an error. The device itself only logs it.
   */
  onScreenProblem?(problem: string): void;
}
