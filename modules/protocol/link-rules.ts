/**
 * The link's fairness rules as numbers (link-handler.ts applies them). A file of its own, importing nothing, so the
 * BLE port (drivers/link-ble.ts) can read them and still be preloaded on the board: link-handler.ts pulls in noble,
 * which loads at run time (scripts/firmware-graph.mjs).
 */
/** a connection without a session must complete a message this often */
export const LINK_IDLE_MS = 30_000;
/** time in all for a connection that has not opened a bound app's session */
export const LINK_STRANGER_MS = 150_000;
/** a new connection's time to open its session before another central may take its place */
export const LINK_GRACE_MS = 2_000;
/**
 * the largest message before a session is open: the biggest a bound or binding app sends then is a bind request
 * (1 + 16 + 32 + a label of at most 32: 81 bytes), as is a session init
 */
export const MAX_PRE_SESSION_MESSAGE = 256;
/** how often a link port that cannot see a second central (drivers/link-ble.ts) offers the link on its behalf */
export const LINK_PRESUMED_OFFER_MS = 10_000;
