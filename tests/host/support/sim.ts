/** Starts a board simulator (firmware on XS unless told otherwise) on a free loopback port with a temp flash. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Board, type BoardOptions } from '../../../hosts/sim/board.js';
import { serve, type SimServer } from '../../../hosts/sim/server.js';

export interface RunningSim {
  board: Board;
  server: SimServer;
  url: string;
  flashFile: string;
  api<T = any>(method: string, route: string, body?: unknown): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

export async function startSim(options: BoardOptions = {}): Promise<RunningSim> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latch-sim-'));
  const flashFile = path.join(dir, 'flash.bin');
  const board = new Board({ engine: 'xs', flash: { file: flashFile }, chipKeyFile: path.join(dir, 'chip-key.bin'), ...options });
  await board.start();
  const server = await serve(board, 0);
  return {
    board, server, url: server.url, flashFile,
    async api(method, route, body) {
      const res = await fetch(server.url + route, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const type = res.headers.get('content-type') ?? '';
      const payload = type.includes('json') ? await res.json() : Buffer.from(await res.arrayBuffer());
      return { status: res.status, body: payload as any };
    },
    async stop() {
      await server.close();
      await board.stop();
      fs.rmSync(dir, { recursive: true, force: true });
      // The global screen check: a screen the firmware could not draw in full fails the suite that showed it.
      if (board.screenProblems.length) throw new Error(`the simulator showed screens it cannot draw in full: ${board.screenProblems.join('; ')}`);
    },
  };
}
