/**
 * Globals the approved libraries expect and Moddable does not provide. Imported first by main.ts, so it is
 * evaluated before any noble module: noble's utf8ToBytes needs a global TextEncoder (the SDK's text/encoder).
 * No crypto.getRandomValues on purpose: nothing may draw randomness except through the health-tested Entropy port.
 */
import TextEncoder from "text/encoder";

const g = globalThis as any;
if (typeof g.TextEncoder !== "function") g.TextEncoder = TextEncoder;
