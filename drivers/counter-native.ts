/**
 * MonotonicCounterPort on ESP32 boards: the native binding of counter/esp32/counter.c (eFuse bits burned one at
 * a time: 128 free bits of BLOCK3 on the ESP32; the 12 upper bits of SECURE_VERSION on the ESP32-S3, only when
 * built with LATCH_S3_EFUSE_COUNTER, else 0; README: the budget).
 */
import type { MonotonicCounterPort } from "../modules/ports.js";

const counterCapacity = native("xs_latch_counter_capacity") as () => number;
const counterRead = native("xs_latch_counter_read") as () => number;
const counterIncrement = native("xs_latch_counter_increment") as () => boolean;

export class NativeCounter implements MonotonicCounterPort {
  readonly capacity = counterCapacity();

  read(): number {
    return counterRead();
  }

  increment(): boolean {
    return counterIncrement();
  }
}
