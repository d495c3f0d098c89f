// Passphrase wallets end to end on XS, through the `latch` CLI against the board simulator: refused until the
// owner allows it in the menu; then the passphrase read from standard input, the fingerprint on the LCD and Use
// pressed there, the CLI, get_info, the xpub and the event log all naming the new wallet (fingerprints computed
// here with @scure/bip39, not the device's code); back to the standard wallet the same way. The passphrase is in
// no output of the CLI, no event, no line of the device's log and no link packet in the clear.
import test from 'ava';
import { HDKey } from '@scure/bip32';
import { mnemonicToSeedSync } from '@scure/bip39';
import type { DeviceDriver } from './support/device-driver.js';
import { latch } from './support/cli.js';
import { startCliBench, type CliBench } from './support/cli-bench.js';

const MNEMONIC = 'all all all all all all all all all all all all';
const PASSPHRASE = ' Hidden stash 42! ';
const fp = (p: string) => HDKey.fromMasterSeed(mnemonicToSeedSync(MNEMONIC, p)).fingerprint.toString(16).padStart(8, '0');

let bench: CliBench | undefined;
let d: DeviceDriver;
const device = () => bench!.device();

test.before(async () => {
  bench = await startCliBench({ mnemonic: MNEMONIC, label: 'Alice phone', name: 'passphrase' });
  d = bench.d;
});
test.after.always(async () => {
  await bench?.stop();
});

/** Menu > Passphrase wallet > `label`, selected. */
async function passphraseItem(label: string): Promise<void> {
  let s = await d.menuItem('Passphrase wallet');
  for (let i = 0; i < 10 && !s.lines.find((l) => l.startsWith('>'))!.slice(2).startsWith(label); i++) s = await d.press('c');
  await d.press('b');
}

test.serial('latch wallet: refused until allowed; then the passphrase from stdin, the fingerprint on the LCD, Use; back to the standard wallet', async (t) => {
  await d.toUnlockedHome();
  const info = await latch(['wallet', '--json', ...device()]);
  t.is(info.code, 0, info.stderr);
  t.deepEqual(JSON.parse(info.stdout), { fingerprint: fp('') });

  const refused = await latch(['wallet', 'passphrase', ...device()], async (write) => write(PASSPHRASE));
  t.is(refused.code, 1);
  t.regex(refused.stderr, /does not take a passphrase from the app: .*Menu > Passphrase wallet > From the app/);

  await passphraseItem('From the app');
  t.is((await d.screen()).id, 'passphrase-app-on');
  await d.decide('c');
  await d.press('b', true);
  await d.press('b', true);
  t.is((await d.screen()).id, 'unlocked');

  const used = await latch(['wallet', 'passphrase', '--json', ...device()], async (write) => {
    write(PASSPHRASE);
    const s = await d.waitFor('passphrase-ask');
    t.true(s.lines.includes(`Wallet ${fp(PASSPHRASE)}`), s.lines.join(' | '));
    t.regex(s.lines.join(' '), /The app "Alice phone" asks to open:/);
    await d.decide('c', false);
  });
  t.is(used.code, 0, used.stderr);
  t.deepEqual(JSON.parse(used.stdout), { fingerprint: fp(PASSPHRASE), passphrase: true });
  t.regex(used.stderr, /Check the wallet's fingerprint on the device, then press Use there/);
  t.true((await d.screen()).lines.includes(`Passphrase wallet ${fp(PASSPHRASE)}`), 'the home screen names the wallet');

  const got = JSON.parse((await latch(['info', '--json', ...device()])).stdout);
  t.is(got.fingerprint, fp(PASSPHRASE), 'get_info carries the wallet in use');
  const xpub = JSON.parse((await latch(['btc', 'xpub', '--json', ...device()])).stdout);
  t.is(xpub.fingerprint, fp(PASSPHRASE));
  t.is(xpub.xpub, HDKey.fromMasterSeed(mnemonicToSeedSync(MNEMONIC, PASSPHRASE)).derive("m/84'/0'/0'").publicExtendedKey);

  const back = await latch(['wallet', 'standard', ...device()], async () => {
    await d.waitFor('passphrase-ask');
    await d.decide('c', false);
  });
  t.is(back.code, 0, back.stderr);
  t.regex(back.stdout, new RegExp(`Wallet ${fp('')} \\(the standard wallet\\) is in use`));

  const events = await latch(['events', '--json', ...device()]);
  t.is(events.code, 0, events.stderr);
  const report = JSON.parse(events.stdout);
  t.true(report.ok, JSON.stringify(report.problems));
  const switched = report.events.filter((e: any) => e.kind === 'wallet-switched');
  t.deepEqual(switched.map((e: any) => [e.details.wallet, e.details.by]), [[fp(PASSPHRASE), 'app'], [fp(''), 'app']]);

  // over the link it travels inside the Noise session only: no packet the link saw holds it in the clear
  const packets = (await d.call('GET', '/api/link-log')) as { hex?: string }[];
  t.true(packets.filter((p) => typeof p.hex === 'string').length > 10, 'the link log holds packets');
  t.false(packets.some((p) => p.hex?.includes(Buffer.from('Hidden stash').toString('hex'))), 'the passphrase in the clear on the link');
  const log = JSON.stringify(await d.call('GET', '/api/log'));
  for (const [where, text] of [['the device log', log], ['the event log', events.stdout], ['the CLI', `${used.stdout}${used.stderr}${back.stdout}${back.stderr}`]]) {
    t.false(text.includes('Hidden stash'), `the passphrase in ${where}`);
  }
});

test.serial('bad input loses nothing: a passphrase the device cannot take is refused before it is sent', async (t) => {
  const long = await latch(['wallet', 'passphrase', ...device()], async (write) => write('x'.repeat(101)));
  t.is(long.code, 2);
  t.regex(long.stderr, /1 to 100 printable ASCII characters/);
  const onLine = await latch(['wallet', 'passphrase', 'secret', ...device()]);
  t.is(onLine.code, 2);
  t.regex(onLine.stderr, /never given on the command line/);
  const info = JSON.parse((await latch(['wallet', '--json', ...device()])).stdout);
  t.is(info.fingerprint, fp(''));
});
