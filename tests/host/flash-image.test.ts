import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { FlashImage, ImageInUseError, NorViolationError, PowerCutError } from '../../hosts/sim/flash-image.js';

const tmp = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'latch-flash-')), 'flash.bin');

test('a new image is erased and persists writes to its file', (t) => {
  const file = tmp();
  const f = new FlashImage({ file, size: 8192 });
  t.deepEqual(f.read(0, 4), Uint8Array.of(255, 255, 255, 255));
  f.write(10, Uint8Array.of(0x12, 0x34));
  f.close();
  const again = new FlashImage({ file, size: 8192 });
  t.deepEqual(again.read(10, 2), Uint8Array.of(0x12, 0x34));
  t.is(fs.statSync(file).size, 8192);
});

test('NOR rules: writes only clear bits; erase restores 0xFF for one sector', (t) => {
  const f = new FlashImage({ size: 8192 });
  f.write(0, Uint8Array.of(0xf0));
  f.write(0, Uint8Array.of(0x30)); // clears more bits: fine
  t.deepEqual(f.read(0, 1), Uint8Array.of(0x30));
  t.throws(() => f.write(0, Uint8Array.of(0x70)), { instanceOf: NorViolationError, message: /would set bits/ });
  f.write(4096, Uint8Array.of(0));
  f.eraseSector(0);
  t.deepEqual(f.read(0, 1), Uint8Array.of(0xff));
  t.deepEqual(f.read(4096, 1), Uint8Array.of(0), 'the other sector is untouched');
});

test('out-of-range access is refused with a clear error', (t) => {
  const f = new FlashImage({ size: 8192 });
  t.throws(() => f.read(8190, 4), { instanceOf: RangeError, message: /outside the 8192-byte region/ });
  t.throws(() => f.eraseSector(2), { instanceOf: RangeError, message: /sector 2 is outside/ });
  t.throws(() => new FlashImage({ size: 5000 }), { message: /multiple of the sector size/ });
});

test('a power cut tears the N-th operation, persists it and stops everything until power-on', (t) => {
  const file = tmp();
  let r = 0;
  const f = new FlashImage({ file, size: 8192, random: () => [0.5, 0][r++ % 2] });
  f.armPowerCut(2);
  f.write(0, Uint8Array.of(1)); // operation 1 lands
  t.throws(() => f.write(100, new Uint8Array(8)), { instanceOf: PowerCutError, message: /8-byte write/ });
  const bytes = f.read.bind(f);
  t.throws(() => bytes(0, 1), { instanceOf: PowerCutError });
  const persisted = new Uint8Array(fs.readFileSync(file));
  t.deepEqual(persisted.subarray(100, 108), Uint8Array.of(0, 0, 0, 0, 0, 255, 255, 255), 'half the write landed, the byte at the tear kept its bits');
  f.powerOn();
  t.deepEqual(f.read(0, 1), Uint8Array.of(1));
});

test('a power cut during an erase leaves a partly erased sector', (t) => {
  const f = new FlashImage({ size: 8192, random: () => 0.25 });
  f.write(0, new Uint8Array(4096));
  f.armPowerCut(1);
  t.throws(() => f.eraseSector(0), { instanceOf: PowerCutError, message: /erase of sector 0/ });
  f.powerOn();
  t.is(f.read(1023, 1)[0], 0xff);
  t.is(f.read(1024, 1)[0], 0x00);
});

test('an existing image of the wrong size is refused, not truncated', (t) => {
  const file = tmp();
  fs.writeFileSync(file, new Uint8Array(4096));
  t.throws(() => new FlashImage({ file, size: 8192 }), { message: /has 4096 bytes, expected 8192/ });
  t.is(fs.statSync(file).size, 4096);
});

test('an image file is locked while open: a second image on the same file is refused before it reads a byte', (t) => {
  const file = tmp();
  const first = new FlashImage({ file, size: 8192 });
  first.write(0, Uint8Array.of(0x42));
  const before = fs.readFileSync(file);
  t.throws(() => new FlashImage({ file, size: 8192 }), { instanceOf: ImageInUseError, message: /is in use by simulator process \d+ \(this process\)/ });
  t.deepEqual(fs.readFileSync(file), before, 'the refused one changed nothing');
  first.close();
  t.false(fs.existsSync(`${file}.lock`), 'closing removes the lock');
  const second = new FlashImage({ file, size: 8192 });
  t.deepEqual(second.read(0, 1), Uint8Array.of(0x42));
  second.close();
});

test('a lock left by a simulator that is gone is taken over; one whose process lives is not', (t) => {
  const file = tmp();
  const gone = spawnSync(process.execPath, ['-e', '']).pid!;
  fs.writeFileSync(`${file}.lock`, JSON.stringify({ pid: gone, host: os.hostname(), token: 'old' }));
  const f = new FlashImage({ file, size: 8192 });
  t.is(JSON.parse(fs.readFileSync(`${file}.lock`, 'utf8')).pid, process.pid);
  f.close();
  const living = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
  try {
    fs.writeFileSync(`${file}.lock`, JSON.stringify({ pid: living.pid, host: os.hostname(), token: 'theirs' }));
    t.throws(() => new FlashImage({ file, size: 8192 }), { instanceOf: ImageInUseError, message: new RegExp(`in use by simulator process ${living.pid}`) });
    t.is(JSON.parse(fs.readFileSync(`${file}.lock`, 'utf8')).token, 'theirs', 'their lock is left alone');
  } finally {
    living.kill();
  }
});
