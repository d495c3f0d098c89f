/**
 * `latch agent`: hold this app's one link and session to the device, and serve the other latch commands over a
 * private local socket (agent/wire.ts) until Ctrl-C or until the device goes. `latch events --follow` serves the
 * same way while it runs (serveOthers), so a `latch freeze` beside it gets through.
 *
 * The agent only ever holds a session: binding is not served (its code is typed into `latch bind` alone, which
 * needs the link to itself), and whatever needs the owner's consent is still confirmed on the device's screen.
 */
import { toHex } from '../../../modules/bytes.js';
import type { RpcSession, Session } from '../client.js';
import { SessionHub } from '../agent/hub.js';
import { AgentServer } from '../agent/server.js';
import { socketPath } from '../agent/wire.js';

export const AGENT_USAGE = `  agent                                         hold the device's link and serve the other latch commands of this app
                                                over a private local socket (<home>/agent.sock) until Ctrl-C;
                                                events --follow serves them the same way while it runs`;

/** Until one of these: exit code 0 on a signal, 1 when the device's link ended. */
function untilStopped(hub: SessionHub): Promise<number> {
  return new Promise((resolve) => {
    const stop = (code: number) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(code);
    };
    const onSignal = () => stop(0);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    hub.onEnd((why) => {
      process.stderr.write(`latch agent: the device's link ended (${why}); stopped\n`);
      stop(1);
    });
  });
}

export async function agentCommand(session: Session, deviceId: Uint8Array, home: string, deviceUrl: string): Promise<number> {
  const hub = new SessionHub(session);
  try {
    const server = await AgentServer.listen(hub, socketPath(home), { id: deviceId, url: deviceUrl });
    process.stderr.write(`latch agent: serving ${server.path} for device ${toHex(deviceId)} (pid ${process.pid}); Ctrl-C stops\n`);
    try {
      return await untilStopped(hub);
    } finally {
      server.close();
    }
  } finally {
    hub.stop();
  }
}

/**
 * Share `session` with the other commands of this app while this one runs: the caller's own view of it, and
 * stop(). A socket that cannot be made safely is said, and the command goes on alone.
 */
export async function serveOthers(session: Session, deviceId: Uint8Array, home: string, deviceUrl: string): Promise<{ session: RpcSession; stop(): void }> {
  const hub = new SessionHub(session);
  let server: AgentServer | undefined;
  try {
    server = await AgentServer.listen(hub, socketPath(home), { id: deviceId, url: deviceUrl });
  } catch (err) {
    process.stderr.write(`latch: other latch commands cannot share this link: ${(err as Error).message}\n`);
  }
  // Ctrl-C ends the command as before; the socket file goes with it.
  const onSignal = (signal: NodeJS.Signals) => {
    server?.close();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const own = hub.open();
  return {
    session: own,
    stop() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      server?.close();
      own.close();
      hub.stop();
    },
  };
}
