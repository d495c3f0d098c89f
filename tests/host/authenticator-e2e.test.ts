// The device as an authenticator end to end on XS, through the `latch` CLI: a service's otpauth URI read from
// standard input, the owner holding C on the device, the names listed, and the code on the LCD equal to one
// computed here with node:crypto (an HMAC other than noble's) at this computer's time; a refusal on the device
// is an error in words; no output of the CLI holds a code.
import test from 'ava';
import crypto from 'node:crypto';
import { base32nopad } from '@scure/base';
import type { DeviceDriver } from './support/device-driver.js';
import { latch } from './support/cli.js';
import { startCliBench, type CliBench } from './support/cli-bench.js';

const MNEMONIC = 'all all all all all all all all all all all all';
const SECRET = crypto.createHash('sha256').update('an exchange account').digest().subarray(0, 20);
const URI = `otpauth://totp/Exchange:alice@example.com?secret=${base32nopad.encode(SECRET)}&issuer=Exchange`;

let bench: CliBench | undefined;
let d: DeviceDriver;
const device = () => bench!.device();

/** RFC 6238 with node:crypto: SHA-1, 6 digits, 30 s. */
function nodeTotp(secret: Buffer, unix: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unix / 30)));
  const mac = crypto.createHmac('sha1', secret).update(counter).digest();
  const o = mac[19] & 15;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

test.before(async () => {
  bench = await startCliBench({ mnemonic: MNEMONIC, label: 'Alice phone', name: 'authenticator' });
  d = bench.d;
});
test.after.always(async () => {
  await bench?.stop();
});

test.serial('latch authenticator add (URI on stdin, held C on the device), list, and the code on the LCD; a refusal is an error in words', async (t) => {
  await d.toUnlockedHome();
  const added = await latch(['authenticator', 'add', ...device()], async (write) => {
    write(URI);
    const s = await d.waitFor('authenticator-add');
    t.regex(s.lines.join(' '), /app named "Alice phone" asks to add: "Exchange: alice@example\.com" Time-based, 6 digits, every 30 s, SHA1/);
    await d.decide('c');
  });
  t.is(added.code, 0, added.stderr);
  t.regex(added.stdout, /Added "Exchange: alice@example\.com" \(time-based\)/);
  t.regex(added.stderr, /Check the account on the device, then hold C there to add it \(A refuses\)/);

  await bench!.syncClock(); // the device takes the app's time only within two minutes of its own clock
  const before = Date.now() / 1000;
  const listed = await latch(['authenticator', 'list', '--json', ...device()]);
  const after = Date.now() / 1000;
  t.is(listed.code, 0, listed.stderr);
  t.deepEqual(JSON.parse(listed.stdout), { accounts: [{ name: 'Exchange: alice@example.com', kind: 'totp' }] });

  // the device's time of the world is the CLI's last request (its clock stands still here): the code is that step's
  const s = await d.menuItem('Authenticator');
  t.is(s.id, 'authenticator');
  const shown = (await d.press('b')).lines.find((l) => /^\d{3} \d{3}$/.test(l))?.replace(' ', '');
  t.truthy(shown, 'a code on the screen');
  const expected = new Set([nodeTotp(SECRET, before), nodeTotp(SECRET, after)]);
  t.true(expected.has(shown!), `the LCD shows ${shown}; node:crypto gives ${[...expected].join(' or ')}`);
  for (const out of [added, listed]) t.false(`${out.stdout}${out.stderr}`.includes(shown!), 'the CLI printed a code');
  await d.press('a'); // back to the list
  await d.press('b', true); // hold B: the menu
  await d.press('b', true); // and home

  // the owner refuses the next one: exit 1, in words; nothing added
  await d.toUnlockedHome();
  const refused = await latch(['authenticator', 'add', 'otpauth://hotp/Bank:alice?secret=JBSWY3DPEHPK3PXP&counter=0', ...device()], async () => {
    await d.waitFor('authenticator-add');
    await d.decide('a', false);
  });
  t.is(refused.code, 1);
  t.regex(refused.stderr, /refused on the device/);
  const bad = await latch(['authenticator', 'add', 'otpauth://totp/x?secret=A1', ...device()]);
  t.is(bad.code, 1);
  t.regex(bad.stderr, /not a usable otpauth URI: the secret is not base32/);
  const again = await latch(['authenticator', 'list', ...device()]);
  t.is(again.stdout.trim(), 'Exchange: alice@example.com (time-based)');
});
