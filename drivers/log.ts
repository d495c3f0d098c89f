/** Log port: `trace()` (xsbug, or stdout under mcsim). Nothing secret is ever passed here. */
import type { LogPort } from "../modules/ports.js";

export const traceLog: LogPort = { log: (message) => trace(`${message}\n`) };
