// The same modules on XS and on V8 must draw the same pixels and describe the same screens.
import test from 'ava';
import { Board } from '../../hosts/sim/board.js';
import { counterEntropy } from '../portable/support/fake-ports.js';

async function run(engine: 'xs' | 'node') {
  const board = new Board({ engine, entropy: counterEntropy(3) });
  await board.start();
  const frames: Buffer[] = [Buffer.from(board.hw.canvas.pixels)];
  const screens = [await board.screen()];
  await board.press('b');
  frames.push(Buffer.from(board.hw.canvas.pixels));
  screens.push(await board.screen());
  await board.stop();
  const same = (l: string) => l.replace(`(${engine})`, '(engine)');
  return { frames, screens: screens.map((s) => ({ ...s, lines: s.lines.map(same), pages: s.pages.map((p) => ({ rows: p.rows.map((r) => ({ ...r, text: same(r.text) })) })) })) };
}

test('XS and V8 produce identical screens and framebuffers', async (t) => {
  const xs = await run('xs');
  const v8 = await run('node');
  t.deepEqual(xs.screens, v8.screens);
  t.true(xs.frames[0].equals(v8.frames[0]), 'blank screen pixels differ between engines');
  t.false(xs.frames[0].equals(xs.frames[1]), 'About must differ from blank');
});
