/**
 * `npm start`: the Latch board simulator. Runs the firmware on XS (default) or V8, serves the LCD page and the
 * control API at http://127.0.0.1:8080 and the Link at ws://127.0.0.1:8080/link.
 */
import { parseArgs } from 'node:util';
import net from 'node:net';
import path from 'node:path';
import { Board } from './board.js';
import { DEFAULT_FLASH_SIZE } from './flash-image.js';
import { serve } from './server.js';

const USAGE = `usage: npm start -- [options]
  --engine xs|node   run the firmware on the XS engine (default) or on V8
  --port N           HTTP and WebSocket port (default 8080; 0 picks a free one)
  --flash PATH       flash image file (default .latch/flash.bin)
  --flash-size N     bytes in the vault region, a multiple of 4096 (default ${DEFAULT_FLASH_SIZE})
  --chip-key PATH    the board's chip key, 32 bytes, never in the flash image (default: chip-key.bin beside
                     the flash image; made on first use). A flash image with another board's key opens nothing.
  --efuse-bits N     bits of the emulated eFuse rollback counter, 0 to 256 (default 128, as on the M5Stack
                     Fire; 12 models a CoreS3 built with LATCH_S3_EFUSE_COUNTER, 0 a board without one).
                     One burns per PIN entry: long QA runs start from a fresh efuse.bin and flash image
  --clock real|manual  manual: time stands still unless POST /api/clock {"advanceMs": N} moves it
  --pin-iterations N PBKDF2 iterations for new PINs (default: calibrated to ~1 s, as on a device)
  --mnemonic "WORDS" --pin NNNNNN
                     debug link: load this test mnemonic with this PIN into a device without a wallet
                     (QA benches; POST /api/debug/load does the same at any time, with "replace": true)
  -h, --help         this text`;

/** A usage error: the message, the usage, exit 2. */
function fail(message: string): never {
  process.stderr.write(`latch-sim: ${message}\n${USAGE}\n`);
  process.exit(2);
}

/** The simulator cannot run as asked (the port or the flash image is taken): the message alone, exit 1. */
function refuse(message: string): never {
  process.stderr.write(`latch-sim: ${message}\n`);
  process.exit(1);
}

let args;
try {
  args = parseArgs({
    options: {
      engine: { type: 'string', default: 'xs' },
      port: { type: 'string', default: '8080' },
      flash: { type: 'string', default: '.latch/flash.bin' },
      'flash-size': { type: 'string', default: String(DEFAULT_FLASH_SIZE) },
      'chip-key': { type: 'string' },
      'efuse-bits': { type: 'string' },
      clock: { type: 'string', default: 'real' },
      'pin-iterations': { type: 'string' },
      mnemonic: { type: 'string' },
      pin: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (err) {
  fail((err as Error).message);
}
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const engine = args.engine;
if (engine !== 'xs' && engine !== 'node') fail(`--engine must be xs or node, not "${engine}"`);
const port = Number(args.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0 to 65535, not "${args.port}"`);
const flashSize = Number(args['flash-size']);
if (!Number.isInteger(flashSize) || flashSize < 8192 || flashSize % 4096) fail('--flash-size must be a multiple of 4096, at least 8192');

const efuseBits = args['efuse-bits'] === undefined ? undefined : Number(args['efuse-bits']);
if (efuseBits !== undefined && (!Number.isInteger(efuseBits) || efuseBits < 0 || efuseBits > 256)) fail('--efuse-bits must be a whole number from 0 to 256');

if (args.clock !== 'real' && args.clock !== 'manual') fail(`--clock must be real or manual, not "${args.clock}"`);
const pinIterations = args['pin-iterations'] === undefined ? undefined : Number(args['pin-iterations']);
if (pinIterations !== undefined && (!Number.isInteger(pinIterations) || pinIterations < 1)) fail('--pin-iterations must be a whole number >= 1');

/** The port is checked before the flash image is touched: a simulator that cannot serve never boots. */
async function portFree(p: number): Promise<void> {
  if (p === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(p, '127.0.0.1', () => probe.close(() => resolve()));
  }).catch((err: NodeJS.ErrnoException) => refuse(err.code === 'EADDRINUSE' ? `port ${p} is in use: is another simulator running? Try --port 0` : `port ${p}: ${err.message}`));
}
if ((args.mnemonic === undefined) !== (args.pin === undefined)) fail('--mnemonic and --pin go together');
await portFree(port);

const chipKeyFile = path.resolve(args['chip-key'] ?? path.join(path.dirname(path.resolve(args.flash!)), 'chip-key.bin'));

let board: Board;
try {
  board = new Board({
    engine, autoTick: true, manualClock: args.clock === 'manual', pinIterations,
    flash: { file: path.resolve(args.flash!), size: flashSize },
    chipKeyFile: chipKeyFile, efuseBits,
  });
} catch (err) {
  refuse((err as Error).message);
}
board.on('log', (e: { t: number; message: string }) => process.stdout.write(`${(e.t / 1000).toFixed(3).padStart(9)}  ${e.message}\n`));
await board.start();
if (args.mnemonic !== undefined) {
  const r = await board.debugLoad({ mnemonic: args.mnemonic, pin: args.pin! });
  if (r.bad) fail(`--mnemonic / --pin: ${r.bad}`);
  process.stdout.write(r.loaded ? 'debug link: the test wallet is loaded (unlocked)\n' : `debug link: ${r.reason}\n`);
}
const server = await serve(board, port).catch((err: NodeJS.ErrnoException) =>
  refuse(err.code === 'EADDRINUSE' ? `port ${port} is in use: is another simulator running? Try --port 0` : err.message),
);
process.stdout.write(`Latch board simulator (firmware on ${engine === 'xs' ? 'XS' : 'V8'})
  LCD and buttons:  ${server.url}/
  control API:      ${server.url}/api/screen
  link:             ws://127.0.0.1:${server.port}/link
  flash image:      ${path.resolve(args.flash!)}
  chip key:         ${chipKeyFile} (not part of the flash image)
  eFuse counter:    ${board.hw.counter.describe().burned} of ${board.hw.counter.capacity} bits burned (GET /api/efuse)
Press Ctrl-C to stop.
`);
const shutdown = async () => {
  await server.close();
  await board.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
