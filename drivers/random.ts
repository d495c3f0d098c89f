/**
 * Wires `globalThis.crypto.getRandomValues` on the device to the health-tested hardware RNG
 * (modules/entropy/get-random-values.ts over drivers/entropy), so that noble's `randomBytes` finds it: its curves
 * probe it when their modules load (scalar blinding) and it no longer throws and falls back to no blinding.
 * main.ts imports this right after drivers/globals, before any library. It is not preloaded: its first call
 * needs the native RNG, which does not exist while the linker runs.
 */
import { HardwareEntropy } from "./entropy/entropy.js";
import { HealthTestedEntropy } from "../modules/entropy/health.js";
import { installGetRandomValues, makeGetRandomValues } from "../modules/entropy/get-random-values.js";

installGetRandomValues(globalThis as { crypto?: unknown }, makeGetRandomValues(new HealthTestedEntropy(new HardwareEntropy())));
