/**
 * Globals the approved libraries expect and Moddable does not provide. Imported first by main.ts, so it is
 * evaluated before any library module: noble's utf8ToBytes and cborg need TextEncoder and TextDecoder (the
 * SDK's text/encoder and text/decoder). No crypto.getRandomValues on purpose: nothing may draw randomness
 * except through the health-tested Entropy port.
 */
import TextEncoder from "text/encoder";
import TextDecoder from "text/decoder";

const g = globalThis as any;
if (typeof g.TextEncoder !== "function") g.TextEncoder = TextEncoder;
if (typeof g.TextDecoder !== "function") g.TextDecoder = TextDecoder;
