/**
 * Globals the approved libraries expect and Moddable does not provide. Imported first by main.ts, so it is
 * evaluated before any library module: noble's utf8ToBytes and cborg need TextEncoder and TextDecoder (the
 * SDK's text/encoder and text/decoder). crypto.getRandomValues is installed next, by drivers/random.ts, over
 * the health-tested RNG: nothing may draw randomness from anywhere else.
 */
import TextEncoder from "text/encoder";
import TextDecoder from "text/decoder";

const g = globalThis as any;
if (typeof g.TextEncoder !== "function") g.TextEncoder = TextEncoder;
if (typeof g.TextDecoder !== "function") g.TextDecoder = TextDecoder;
