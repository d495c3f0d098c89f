/** The catalogue's flows on the device itself: a blank device and binding, setup, restore, PINs, reset, faults, the menu. */
import { Device } from '../../modules/device.js';
import { LatchError } from '../../modules/errors.js';
import { Kind, message } from '../../modules/protocol/messages.js';
import { fragment } from '../../modules/transport/framing.js';
import { RecordLog } from '../../modules/storage/record-log.js';
import { RecordKey } from '../../modules/vault/records.js';
import { softwareChipKey } from '../../modules/vault/chip-keys.js';
import { AppPeer, screenCode } from '../portable/support/app-peer.js';
import { ENTROPY, PIN, bindApp, deviceRig, menuItem, walletWithApp } from '../portable/support/device-rig.js';
import { fakeBoard } from '../portable/support/fake-ports.js';
import { LABEL32, T0, bare, typeWord, type Flow, okHome } from './scene-kit.js';

export const blank: Flow = {
  name: 'blank device, binding the longest label',
  run(cam) {
    const rig = deviceRig();
    if (LABEL32.length !== 32) throw new Error('LABEL32 must be 32 characters');
    cam.shot(rig, 'blank');
    rig.press('b');
    cam.shot(rig, 'about');
    rig.press('b');
    const app = new AppPeer(rig.b, 247, 'cat-blank');
    app.connect();
    app.requestBind(LABEL32);
    cam.shot(rig, 'bind-code');
    app.finishBind('AAAAAAAA');
    cam.shot(rig, 'bind-failed');
    rig.waitArmed();
    rig.press('b');
    while (rig.d.vault.bindWaitMs === 0) rig.d.vault.countBindAttempt();
    app.requestBind(LABEL32);
    cam.shot(rig, 'bind-failed.locked-out');
    rig.waitArmed();
    rig.press('b');
    rig.d.vault.clearBindFailures();
    app.requestBind(LABEL32);
    app.finishBind(screenCode(rig.d)!);
    cam.shot(rig, 'bind-allow');
    rig.decide('c');
    cam.shot(rig, 'bound');
    rig.press('b');
    cam.shot(rig, 'bound-home');
  },
};

export const setup: Flow = {
  name: 'setting up a wallet: words, the check, the PIN',
  run(cam) {
    const rig = deviceRig();
    rig.press('a');
    cam.shot(rig, 'setup-choice');
    rig.press('a');
    cam.shot(rig, 'word-count');
    rig.press('a');
    cam.shot(rig, 'show-words');
    const readWords = (): string[] => {
      const words: string[] = [];
      for (;;) {
        for (const l of rig.d.screen.lines) {
          const m = /^\s*(\d+)\. ([a-z]+)$/.exec(l);
          if (m) words[Number(m[1]) - 1] = m[2];
        }
        const last = rig.d.screen.buttons.c === 'Check';
        rig.press('c');
        if (last) return words;
      }
    };
    let words = readWords();
    cam.shot(rig, 'word-check');
    const position = () => Number(/#(\d+)/.exec(rig.d.screen.lines[0])![1]) - 1;
    const marked = () => rig.d.screen.lines.find((l) => l.startsWith('>'))!.slice(2);
    // a wrong pick
    if (marked() === words[position()]) rig.press('c');
    rig.press('b');
    cam.shot(rig, 'word-check-failed');
    rig.press('b');
    words = readWords();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4 && marked() !== words[position()]; i++) rig.press('c');
      rig.press('b');
    }
    cam.shot(rig, 'pin-new');
    rig.enterPin(PIN);
    cam.shot(rig, 'pin-confirm');
    rig.enterPin('654321');
    cam.shot(rig, 'pin-mismatch');
    rig.press('b');
    rig.enterPin(PIN);
    rig.enterPin(PIN);
    cam.shot(rig, 'wallet-created');
  },
};

export const restore: Flow = {
  name: 'restoring: the letter wheel and a phrase that does not check out',
  run(cam) {
    const rig = deviceRig();
    rig.press('a');
    rig.press('c');
    rig.press('a');
    cam.shot(rig, 'restore-word');
    for (let i = 0; i < 12; i++) typeWord(rig, 'abandon');
    cam.shot(rig, 'restore-invalid');
  },
};

export const pins: Flow = {
  name: 'wrong PINs: delays, the last tries, the wipe',
  run(cam) {
    const rig = deviceRig({ wallet: true });
    cam.shot(rig, 'locked');
    const attempt = () => {
      rig.b.advance(rig.d.vault.waitMs);
      rig.b.tick();
      rig.press('b');
      rig.enterPin('000000');
    };
    rig.press('b');
    cam.shot(rig, 'pin-unlock');
    rig.enterPin('000000');
    cam.shot(rig, 'pin-wrong');
    rig.press('b');
    for (let i = 2; i <= 4; i++) {
      attempt();
      rig.press('b');
    }
    cam.shot(rig, 'locked.wait');
    for (let i = 5; i <= 7; i++) {
      attempt();
      if (i < 7) rig.press('b');
    }
    cam.shot(rig, 'pin-wrong.last-tries');
    rig.press('b');
    rig.b.advance(rig.d.vault.waitMs);
    rig.b.tick();
    cam.shot(rig, 'locked.last-tries');
    for (let i = 8; i <= 10; i++) {
      attempt();
      if (i < 10) rig.press('b');
    }
    cam.shot(rig, 'wiped');
  },
};

export const reset: Flow = {
  name: 'factory reset, from the device and asked by an app',
  run(cam) {
    const rig = deviceRig({ wallet: true, unlocked: true });
    const app = bindApp(rig, 'cat-reset', LABEL32);
    rig.press('a'); // Lock
    app.call('request_factory_reset');
    cam.shot(rig, 'reset-confirm-1.app');
    rig.waitArmed();
    rig.press('c');
    cam.shot(rig, 'reset-confirm-2.app');
    rig.decide('c');
    cam.shot(rig, 'pin-reset');
    rig.enterPin('000000');
    cam.shot(rig, 'reset-pin-wrong');
    rig.press('b');
    rig.press('a');
    cam.shot(rig, 'reset-confirm-1');
    rig.press('c');
    cam.shot(rig, 'reset-confirm-2');
    const from = rig.b.canvas.frames.length;
    rig.decide('c');
    cam.frame(rig, 'erasing', 'erasing', from, 'Erasing');
    cam.shot(rig, 'reset-done');
  },
};

export const faults: Flow = {
  name: 'faults and storage that is not this device\'s',
  run(cam) {
    const stuck = fakeBoard({ fill: (target) => { target.fill(0); return target.length; } });
    const d1 = new Device(stuck.ports, { platform: 'test' });
    d1.boot();
    cam.shot(bare(stuck, d1), 'rng-fault');

    const broken = fakeBoard();
    broken.flash.read = () => { throw new LatchError('flash-read', 'the flash chip did not answer a read at offset 0'); };
    const d2 = new Device(broken.ports, { platform: 'test' });
    d2.boot();
    cam.shot(bare(broken, d2), 'storage-fault');

    const rig = deviceRig({ wallet: true });
    const foreign = new Device({ ...rig.b.ports, chipKey: softwareChipKey(new Uint8Array(32).fill(0xbb)) }, { platform: 'test', vault: { pinIterations: 2 } });
    foreign.boot();
    cam.shot(bare(rig.b, foreign), 'storage-foreign');

    const old = deviceRig();
    const log = new RecordLog(old.b.flash);
    log.mount();
    log.set(RecordKey.identity, Uint8Array.from({ length: 49 }, (_, i) => (i === 0 ? 1 : i)));
    old.reboot();
    cam.shot(old, 'storage-old-format');

    // setup's first write (the sealed seed) without its commit (the PIN record): the power went in between
    const dropped = deviceRig();
    const dlog = new RecordLog(dropped.b.flash);
    dlog.mount();
    dlog.set(RecordKey.seed, new Uint8Array(44).fill(5));
    dropped.reboot();
    cam.shot(dropped, 'wallet-dropped');

    // a flash clip retired the PIN record (its state byte cleared): the vault head no longer matches
    const clipped = deviceRig({ wallet: true });
    const clog = new RecordLog(clipped.b.flash);
    clog.mount();
    clog.delete(RecordKey.pin);
    clipped.reboot();
    cam.shot(clipped, 'storage-tampered');

    // the eFuse rollback counter runs low (each PIN entry burns a bit), then is spent: no PIN is taken any more
    const low = deviceRig();
    low.b.counter.value = low.b.counter.capacity - 13;
    low.d.vault.createWallet(PIN, ENTROPY);
    low.reboot();
    cam.shot(low, 'locked.counter-low');
    const spent = deviceRig();
    spent.b.counter.value = spent.b.counter.capacity - 1;
    spent.d.vault.createWallet(PIN, ENTROPY); // the wallet's first head burns the last bit
    spent.reboot();
    cam.shot(spent, 'counter-spent');

    const failing = deviceRig();
    failing.b.link().connected(247);
    failing.b.flash.write = () => { throw new LatchError('flash-verify', 'the flash did not take the write at offset 8192'); };
    for (const p of fragment(message(Kind.bindRequest, new Uint8Array(16), new Uint8Array(32).fill(9), Uint8Array.of(65)), 247)) failing.b.link().received(p);
    cam.shot(failing, 'error');
  },
};

export const menu: Flow = {
  name: 'the menu and its settings',
  run(cam) {
    const { rig } = walletWithApp('cat-menu', LABEL32, T0);
    rig.d.vault.countBindAttempt(); // "Clear binding lock-out" shows
    cam.shot(rig, 'unlocked');
    rig.press('b');
    cam.shot(rig, 'menu');
    rig.press('a'); // up from the top: the last item
    cam.shot(rig, 'menu.bottom');
    rig.press('b', true);
    menuItem(rig, 'Blind signing');
    cam.shot(rig, 'blind-signing-on');
    rig.waitArmed();
    rig.press('a');
    rig.press('b', true);
    menuItem(rig, 'Clear binding lock-out');
    cam.shot(rig, 'bind-lock-cleared');
    okHome(rig);
    menuItem(rig, 'Change PIN');
    cam.shot(rig, 'pin-current');
    rig.enterPin(PIN);
    cam.shot(rig, 'pin-change');
    rig.enterPin('24681357');
    cam.shot(rig, 'pin-change-confirm');
    rig.enterPin('24681357');
    cam.shot(rig, 'pin-changed');
    rig.press('b');
  },
};
