/**
 * Globals the approved libraries expect and Moddable does not provide. Preloaded first (manifest.json "preload"),
 * and imported first by main.ts, so it runs before any library module: cborg and noble's utils call
 * `new TextEncoder()` / `new TextDecoder()` when their modules load. The codecs are the pure-JS ones of
 * modules/text-codec.ts: the SDK's text/encoder and text/decoder are native functions, which the XS linker cannot
 * call while it preloads ("link: unavailable function"). crypto.getRandomValues is installed at run time by
 * drivers/random.ts, over the health-tested RNG: nothing may draw randomness from anywhere else.
 */
import { installTextCodec } from "../modules/text-codec.js";

installTextCodec(globalThis as { TextEncoder?: unknown; TextDecoder?: unknown });
