/** The catalogue's flow through passphrase wallets (issue 23): the menu, the wheel, the review, the fingerprint, the app's request. */
import { menuItem, walletWithApp } from '../portable/support/device-rig.js';
import type { DeviceRig } from '../portable/support/device-rig.js';
import { LABEL32, T0, ethTx, type Flow } from './scene-kit.js';

/** the worst case for the review: 100 characters, spaces at both ends and in a row, every kind of character */
export const PASSPHRASE100 = ' Correct horse  battery staple! 0123456789 ~`{}[]|\\:;"\'<>,.?/ ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghi  ';

function passphraseItem(rig: DeviceRig, label: string): void {
  if (rig.d.screen.id !== 'passphrase-menu') menuItem(rig, 'Passphrase wallet');
  for (let i = 0; i < 10 && !rig.d.screen.lines.find((l) => l.startsWith('>'))!.slice(2).startsWith(label); i++) rig.press('c');
  rig.press('b');
}

export const passphrase: Flow = {
  name: 'passphrase wallets',
  run(cam) {
    const { rig, app } = walletWithApp('cat-passphrase', LABEL32, T0);
    menuItem(rig, 'Passphrase wallet');
    cam.shot(rig, 'passphrase-menu');
    rig.press('b');
    for (const ch of 'Hi') {
      if (ch === 'H') { rig.press('c', true); for (let i = 0; i < 7; i++) rig.press('c'); } else { rig.press('c', true); rig.press('c', true); rig.press('c', true); }
      rig.press('b');
    }
    cam.shot(rig, 'passphrase-entry');
    rig.press('c', true); // the symbols, the wheel on the space
    cam.shot(rig, 'passphrase-entry.symbols', 'passphrase-entry');
    rig.press('b', true);
    rig.press('b', true);
    rig.press('b', true); // nothing typed: back to the menu
    // the worst case, put on the wheel's screen as typed (typing 100 characters here would only slow the catalogue)
    rig.press('b');
    for (const ch of PASSPHRASE100) typeChar(rig, ch);
    cam.shot(rig, 'passphrase-entry.full', 'passphrase-entry');
    rig.press('a', true);
    cam.shot(rig, 'passphrase-review', 'passphrase-review', { passphrase: PASSPHRASE100 });
    for (let p = rig.d.screen.pages.length; p > 0; p--) rig.press('c'); // read to the last page, then Next
    rig.waitArmed();
    cam.shot(rig, 'passphrase-wallet');
    rig.decide('b', false); // Keep
    cam.shot(rig, 'passphrase-in-use');
    rig.press('b');
    cam.shot(rig, 'unlocked.passphrase', 'unlocked');
    passphraseItem(rig, 'Forget kept passphrase');
    cam.shot(rig, 'passphrase-forgotten');
    rig.press('b');
    passphraseItem(rig, 'Standard wallet');
    cam.shot(rig, 'passphrase-standard');
    rig.press('b');
    passphraseItem(rig, 'From the app');
    cam.shot(rig, 'passphrase-app-on');
    rig.decide('c', true);
    rig.press('b', true);
    rig.press('b', true);
    app.ask('wallet_use_passphrase', { passphrase: 'from the app' });
    rig.waitArmed();
    cam.shot(rig, 'passphrase-ask');
    rig.decide('a', false);
    app.answer();
    // in a passphrase wallet, an address shown and a signing decision say which wallet
    app.ask('wallet_use_passphrase', { passphrase: 'from the app' });
    rig.decide('c', false);
    app.answer();
    app.ask('eth_get_address', { show: true });
    rig.waitArmed();
    cam.shot(rig, 'eth-address.passphrase', 'eth-address');
    rig.press('c');
    app.answer();
    app.ask('eth_sign_tx', { tx: ethTx() });
    rig.waitArmed();
    for (let i = 0; i < 20 && rig.d.screen.id === 'eth-tx-review'; i++) rig.press('c');
    cam.shot(rig, 'eth-tx-confirm.passphrase', 'eth-tx-confirm');
    rig.press('b');
    app.answer();
  },
};

/** One character on the wheel, the short way round (the catalogue's own helper: tests/portable has the owner's). */
export function typeChar(rig: DeviceRig, ch: string): void {
  const sets = ['abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '0123456789', ' !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'];
  const target = sets.findIndex((s) => s.includes(ch));
  const current = () => sets.findIndex((s) => rig.d.screen.title.includes(`(${['abc', 'ABC', '123', '#+='][sets.indexOf(s)]})`));
  for (let i = 0; i < 4 && current() !== target; i++) rig.press('c', true);
  const chars = sets[target];
  const at = () => {
    const m = /\[(space|.)\]/.exec(rig.d.screen.lines[1])!;
    return chars.indexOf(m[1] === 'space' ? ' ' : m[1]);
  };
  const n = chars.length;
  const forward = (chars.indexOf(ch) - at() + n) % n;
  for (let i = 0; i < Math.min(forward, n - forward); i++) rig.press(forward <= n - forward ? 'c' : 'a');
  rig.press('b');
}
