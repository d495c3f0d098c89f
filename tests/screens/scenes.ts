/**
 * The golden screen catalogue's scenes (portable: the catalogue renders them on XS). Each flow drives a whole
 * device on the fake board as an owner and an app would, and the camera takes every screen id it passes through,
 * in representative and worst-case states: the longest app label (32 characters), the longest address (taproot),
 * 2^256-1 wei, an unlimited approval, the 60-character backup code, the deepest typed data, typed data too large to
 * show, and every error screen. The fake board fails any screen that cannot be drawn in full.
 */
import { Device } from '../../modules/device.js';
import { LatchError } from '../../modules/errors.js';
import { encodeCbor as encode } from '../../modules/protocol/cbor.js';
import { Kind, message } from '../../modules/protocol/messages.js';
import { fragment } from '../../modules/transport/framing.js';
import { serializeUnsigned, type EthTx } from '../../modules/ethereum/tx.js';
import { PERMIT2 } from '../../modules/ethereum/permits.js';
import { NETWORKS } from '../../modules/bitcoin/networks.js';
import { parseOtpauth, totp } from '../../modules/guard/otp.js';
import { RecordLog } from '../../modules/storage/record-log.js';
import { RecordKey } from '../../modules/vault/records.js';
import { softwareChipKey } from '../../modules/vault/chip-keys.js';
import { base32nopad } from '@scure/base';
import { fromHex } from '../../modules/bytes.js';
import { AppPeer, screenCode } from '../portable/support/app-peer.js';
import { PIN, bindApp, deviceRig, enrolCodes, menuItem, walletWithApp, type DeviceRig } from '../portable/support/device-rig.js';
import { fakeBoard, type FakeBoard } from '../portable/support/fake-ports.js';
import { buildPsbt } from '../portable/support/psbt-builder.js';
import type { Camera } from './camera.js';

export interface Flow {
  name: string;
  run(cam: Camera): void;
}

const T0 = 1_800_000_000;
/** the longest label an app may give (32 bytes) */
export const LABEL32 = 'Treasurer wallet of Acme & Sons.';
const TO = '0x1d1c328764a41bda0492b66baa30c4a339ff85ef';
const USDC = '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48';
const SPENDER = '0x1111111254eeb25477b68fb85ed929f73a960582';
const MAX256 = (1n << 256n) - 1n;
const ETH = 10n ** 18n;
const word = (hex: string) => hex.padStart(64, '0');

function ethTx(over: Partial<EthTx> = {}): Uint8Array {
  return serializeUnsigned({ type: 'eip1559', chainId: 1n, nonce: 3n, maxPriorityFeePerGas: 1_000_000_000n, maxFeePerGas: 30_000_000_000n, gasLimit: 21_000n, to: TO, value: 150_000_000_000_000_000n, data: new Uint8Array(0), accessList: [], ...over });
}

/** A rig-like view of a device built by hand (faults, foreign storage). */
function bare(b: FakeBoard, d: Device): DeviceRig {
  const rig = deviceRig();
  return Object.assign(rig, { b, d, text: () => `${d.screen.title} ${d.screen.lines.join(' ')}` });
}

/** Shoot every screen of the review on show (each review page, then the decision): `<id>-review.<k>`, `<id>-confirm`. */
function review(cam: Camera, rig: DeviceRig, variant = ''): void {
  rig.waitArmed();
  const id = rig.d.screen.id.replace(/-(review|confirm)$/, '');
  const tag = variant ? `.${variant}` : '';
  for (let k = 1; rig.d.screen.id.endsWith('-review'); k++) {
    cam.shot(rig, `${id}-review${tag}.${k}`);
    const pages = rig.d.screen.pages.length;
    for (let p = 0; p < pages; p++) rig.press('c');
    if (k > 60) throw new Error('catalogue: a review that never ends');
  }
  cam.shot(rig, `${id}-confirm${tag}`);
}

/** Hold C on the decision, shoot the Signing screen as it was drawn, then the result. */
function sign(cam: Camera, rig: DeviceRig, id: string, variant = ''): void {
  const from = rig.b.canvas.frames.length;
  rig.decide('c');
  if (variant === '') cam.frame(rig, `${id}-signing`, `${id}-signing`, from, 'Signing');
  cam.shot(rig, `${id}-done${variant ? `.${variant}` : ''}`);
  rig.press('b');
}

function typeWord(rig: DeviceRig, w: string): void {
  const title = rig.d.screen.title;
  for (const letter of w) {
    if (rig.d.screen.title !== title) return; // taken as soon as it was unique
    for (let i = 0; i < 27 && /\[([a-z]?)\]/.exec(rig.d.screen.lines[0])?.[1] !== letter; i++) rig.press('c');
    rig.press('b');
  }
  if (rig.d.screen.title === title) rig.press('c', true);
}

function wrongCode(rig: DeviceRig): void {
  rig.enterPin('000000');
}

const blank: Flow = {
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

const setup: Flow = {
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

const restore: Flow = {
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

const pins: Flow = {
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

const reset: Flow = {
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

const faults: Flow = {
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

    const dropped = deviceRig({ wallet: true });
    const dlog = new RecordLog(dropped.b.flash);
    dlog.mount();
    dlog.delete(RecordKey.pin);
    dropped.reboot();
    cam.shot(dropped, 'wallet-dropped');

    const failing = deviceRig();
    failing.b.link().connected(247);
    failing.b.flash.write = () => { throw new LatchError('flash-verify', 'the flash did not take the write at offset 8192'); };
    for (const p of fragment(message(Kind.bindRequest, new Uint8Array(16), new Uint8Array(32).fill(9), Uint8Array.of(65)), 247)) failing.b.link().received(p);
    cam.shot(failing, 'error');
  },
};

const menu: Flow = {
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
    rig.press('b');
    rig.press('b', true);
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

const guard: Flow = {
  name: 'spending limits, the freeze, History',
  run(cam) {
    const { rig, app } = walletWithApp('cat-guard', LABEL32, T0);
    menuItem(rig, 'Spending limits');
    cam.shot(rig, 'limits');
    rig.press('a');
    rig.press('b', true);
    const policy = {
      rules: [
        { asset: 'eth:1', daily: (ETH / 10n).toString(), perTx: (ETH / 20n).toString(), allow: [TO, SPENDER, '0x' + 'ab'.repeat(20)] },
        { asset: 'btc:mainnet', daily: '1000000', perTx: '500000' },
      ],
    };
    app.ask('policy_set', { policy });
    review(cam, rig);
    rig.decide('c');
    cam.shot(rig, 'policy-applied');
    rig.press('b');
    menuItem(rig, 'Spending limits');
    cam.shot(rig, 'limits.rules');
    rig.press('a');
    rig.press('b', true);
    app.ask('policy_set', { policy: { rules: [...policy.rules, { asset: `eth:1:${USDC}`, daily: '250000000' }], overLimitWithCode: true } });
    review(cam, rig, 'looser');
    rig.decide('c');
    cam.shot(rig, 'policy-pending');
    rig.press('b');
    menuItem(rig, 'Spending limits');
    cam.shot(rig, 'limits.pending');
    rig.press('b');
    cam.shot(rig, 'policy-cancelled');
    rig.press('b');
    rig.press('b', true);
    // over the limit: refused by the guard, and the owner sees it
    app.call('eth_sign_tx', { tx: ethTx({ value: ETH }) });
    cam.shot(rig, 'guard-refused');
    rig.waitArmed();
    rig.press('b');
    menuItem(rig, 'Freeze now');
    cam.shot(rig, 'freeze-confirm');
    rig.decide('c');
    cam.shot(rig, 'locked.frozen');
    rig.press('c');
    cam.shot(rig, 'pin-unfreeze');
    rig.enterPin(PIN);
    cam.shot(rig, 'unfrozen');
    rig.press('b');
    menuItem(rig, 'History');
    cam.shot(rig, 'history');
    rig.press('c');
    for (let i = 0; i < 8 && rig.d.screen.buttons.c === 'Next page'; i++) rig.press('c');
    cam.shot(rig, 'history.older');
  },
};

const codes: Flow = {
  name: 'verification codes: no time yet, enrolment, removal',
  run(cam) {
    const { rig, app } = walletWithApp('cat-codes', LABEL32, T0);
    menuItem(rig, 'Verification codes');
    cam.shot(rig, 'codes-no-time');
    rig.press('b');
    rig.press('b', true);
    app.call('ping'); // the app tells the time
    menuItem(rig, 'Verification codes');
    cam.shot(rig, 'codes-enrol');
    const secret = parseOtpauth(rig.d.screen.qr!).secret;
    rig.press('c');
    cam.shot(rig, 'codes-enrol-code');
    wrongCode(rig);
    cam.shot(rig, 'codes-enrol-wrong');
    rig.press('b');
    rig.enterPin(totp(secret, rig.d.guard.world.now()!));
    cam.shot(rig, 'codes-enrolled');
    rig.press('b');
    rig.press('b', true);
    menuItem(rig, 'Verification codes');
    cam.shot(rig, 'codes');
    rig.press('b');
    cam.shot(rig, 'codes-remove');
    wrongCode(rig);
    cam.shot(rig, 'codes-remove-refused');
    rig.press('b');
    rig.press('b', true);
    menuItem(rig, 'Verification codes');
    rig.press('c');
    cam.shot(rig, 'pin-codes-lost');
    rig.enterPin(PIN);
    cam.shot(rig, 'codes-removal-pending');
    rig.press('b');
    rig.press('b', true);
    menuItem(rig, 'Verification codes');
    cam.shot(rig, 'codes.removal-pending');
    rig.press('b'); // Keep
    rig.b.advance(30_000); // the next step: the enrolment's code is spent
    app.time = T0 + 30;
    app.call('ping');
    rig.press('b'); // Remove, with a code this time
    rig.enterPin(totp(secret, rig.d.guard.world.now()!));
    cam.shot(rig, 'codes-removed');
  },
};

const codeScreens: Flow = {
  name: 'screens that ask for a verification code: limits, unfreezing, signing over a limit',
  run(cam) {
    const { rig, app } = walletWithApp('cat-code-screens', LABEL32, T0);
    app.call('ping');
    const secret = enrolCodes(rig);
    rig.press('b', true);
    const limit = { asset: 'eth:1', daily: (ETH / 10n).toString() };
    app.ask('policy_set', { policy: { rules: [limit, { asset: 'btc:testnet', daily: '10000' }] } });
    rig.readReview(20);
    rig.decide('c');
    rig.press('b');
    app.ask('policy_set', { policy: { rules: [limit, { asset: 'btc:testnet', daily: '10000' }], overLimitWithCode: true } });
    rig.readReview(20);
    rig.decide('c');
    cam.shot(rig, 'policy-code');
    wrongCode(rig);
    cam.shot(rig, 'policy-code-refused');
    rig.press('b');
    rig.b.advance(30_000);
    app.time = T0 + 30;
    app.call('ping');
    app.ask('policy_set', { policy: { rules: [limit, { asset: 'btc:testnet', daily: '10000' }], overLimitWithCode: true } });
    rig.readReview(20);
    rig.decide('c');
    rig.enterPin(totp(secret, rig.d.guard.world.now()!));
    rig.press('b');
    // over the limit with a code
    app.ask('eth_sign_tx', { tx: ethTx({ value: ETH }) });
    review(cam, rig, 'over-limit');
    rig.decide('c');
    cam.shot(rig, 'eth-tx-code');
    wrongCode(rig);
    cam.shot(rig, 'eth-tx-code-refused');
    rig.press('b');
    const typed = {
      types: { EIP712Domain: [{ name: 'name', type: 'string' }, { name: 'chainId', type: 'uint256' }], Permit: [{ name: 'value', type: 'uint256' }] },
      primaryType: 'Permit', domain: { name: 'Token', chainId: 1 }, message: { value: 5 },
    };
    app.ask('eth_sign_typed_data', { data: typed });
    rig.readReview(20);
    rig.decide('c');
    cam.shot(rig, 'eth-typed-code');
    wrongCode(rig);
    cam.shot(rig, 'eth-typed-code-refused');
    rig.press('b');
    rig.b.advance(600_000); // past the wrong-code lock-out
    const keys = rig.d.keyring;
    const psbt = buildPsbt(keys, NETWORKS.testnet, [{ type: 'wpkh', index: 0, amount: 60_000n }], [{ amount: 50_000n }, { amount: 9_000n, to: 'change', type: 'wpkh', index: 1 }]);
    app.ask('btc_sign_psbt', { psbt, network: 'testnet' });
    rig.readReview(20);
    rig.decide('c');
    cam.shot(rig, 'btc-psbt-code');
    wrongCode(rig);
    cam.shot(rig, 'btc-psbt-code-refused');
    rig.press('b');
    rig.b.advance(600_000);
    menuItem(rig, 'Freeze now');
    rig.decide('c');
    rig.press('c');
    rig.enterPin(PIN);
    cam.shot(rig, 'unfreeze-code');
    wrongCode(rig);
    cam.shot(rig, 'unfreeze-code-refused');
  },
};

const ownerCodes: Flow = {
  name: 'the binding code and the backup code',
  run(cam) {
    const { rig } = walletWithApp('cat-owner', LABEL32, T0);
    menuItem(rig, 'Binding code');
    cam.shot(rig, 'pin-binding-code');
    rig.enterPin(PIN);
    cam.shot(rig, 'binding-code');
    rig.decide('c');
    cam.shot(rig, 'binding-code-changed');
    rig.press('a');
    rig.press('b', true);
    menuItem(rig, 'Backup code');
    cam.shot(rig, 'pin-backup-code');
    rig.enterPin(PIN);
    const code = rig.d.screen.qr!;
    cam.shot(rig, 'backup-code', 'backup-code', { code });
    rig.press('b');
    rig.press('b', true);
    const phone = new AppPeer(rig.b, 247, 'cat-new-phone');
    phone.connect();
    phone.requestBind(LABEL32, true);
    cam.shot(rig, 'bind-backup');
    phone.finishBind(code);
    rig.decide('c');
    cam.shot(rig, 'binding-code-changed.after-backup-code');
    rig.waitArmed();
    rig.press('a');
    rig.d.guard.freezeNow('owner');
    rig.reboot();
    rig.unlock();
    menuItem(rig, 'Backup code');
    cam.shot(rig, 'backup-code-frozen');
  },
};

const ownerCodesWithCodes: Flow = {
  name: 'the owner\'s codes behind a verification code',
  run(cam) {
    const { rig, app } = walletWithApp('cat-owner-codes', LABEL32, T0);
    app.call('ping');
    enrolCodes(rig);
    rig.press('b', true);
    menuItem(rig, 'Binding code');
    rig.enterPin(PIN);
    cam.shot(rig, 'binding-code-code');
    wrongCode(rig);
    cam.shot(rig, 'binding-code-code-refused');
    rig.press('b');
    rig.press('b', true);
    menuItem(rig, 'Backup code');
    rig.enterPin(PIN);
    cam.shot(rig, 'backup-code-code');
    wrongCode(rig);
    cam.shot(rig, 'backup-code-code-refused');
  },
};

const authenticator: Flow = {
  name: 'the authenticator',
  run(cam) {
    const { rig, app } = walletWithApp('cat-auth', LABEL32, T0);
    menuItem(rig, 'Authenticator');
    cam.shot(rig, 'authenticator-empty');
    rig.press('b');
    rig.press('b', true);
    app.call('ping');
    const secret = base32nopad.encode(fromHex('3132333435363738393031323334353637383930'));
    // the longest name an account may have: 64 characters, "Issuer: account"
    const issuer = 'Example Bank Corporation International';
    const account = 'treasury@example-bank.co';
    const answer = app.ask('authenticator_add', { uri: `otpauth://totp/${encodeURIComponent(`${issuer}:${account}`)}?secret=${secret}&issuer=${encodeURIComponent(issuer)}&digits=8` });
    if (rig.d.screen.id !== 'authenticator-add') throw new Error(`the add was not shown: ${JSON.stringify(answer)}`);
    cam.shot(rig, 'authenticator-add');
    rig.decide('c');
    for (let i = 1; i <= 6; i++) {
      app.ask('authenticator_add', { uri: `otpauth://totp/Service${i}:owner${i}?secret=${secret}&issuer=Service${i}` });
      rig.decide('c');
    }
    menuItem(rig, 'Authenticator');
    cam.shot(rig, 'authenticator');
    rig.press('b');
    cam.shot(rig, 'authenticator-code');
    rig.b.advance(1000);
    rig.press('c', true);
    cam.shot(rig, 'authenticator-remove');
    rig.decide('c');
    cam.shot(rig, 'authenticator-removed');
  },
};

const eth: Flow = {
  name: 'Ethereum: addresses, transactions, messages',
  run(cam) {
    const { rig, app } = walletWithApp('cat-eth', LABEL32, T0);
    app.sendCbor(encode({ id: 900, method: 'eth_get_address', params: { index: 2, show: true } }));
    cam.shot(rig, 'eth-address');
    rig.waitArmed();
    rig.press('c');
    app.ask('eth_sign_tx', { tx: ethTx() });
    review(cam, rig);
    sign(cam, rig, 'eth-tx');
    // 2^256-1 wei, the largest value a transaction holds
    app.ask('eth_sign_tx', { tx: ethTx({ value: MAX256, chainId: 8453n }) });
    review(cam, rig, 'max-value');
    rig.decide('b', false);
    const usdt = '0xdac17f958d2ee523a2206206994597c13d831ec7';
    app.ask('eth_sign_tx', { tx: ethTx({ to: usdt, value: 0n, data: fromHex(`095ea7b3${word(SPENDER.slice(2))}${'f'.repeat(64)}`) }) });
    review(cam, rig, 'unlimited-approval');
    rig.decide('b', false);
    app.ask('eth_sign_tx', { tx: ethTx({ to: '0x' + '42'.repeat(20), value: 0n, data: fromHex(`a9059cbb${word(TO.slice(2))}${MAX256.toString(16)}`) }) });
    review(cam, rig, 'unknown-token');
    rig.decide('b', false);
    app.call('eth_sign_tx', { tx: ethTx({ data: Uint8Array.of(0x12, 0x34, 0x56, 0x78, 9) }) });
    cam.shot(rig, 'blind-refused');
    rig.waitArmed();
    rig.press('b');
    rig.d.vault.setPreferences({ ...rig.d.vault.preferences, blindSigning: true });
    app.ask('eth_sign_tx', { tx: ethTx({ data: Uint8Array.from({ length: 300 }, (_, i) => i & 0xff), type: 'eip2930', gasPrice: 20_000_000_000n, accessList: [[TO, []]] }) });
    review(cam, rig, 'blind');
    rig.decide('b', false);
    app.ask('eth_sign_tx', { tx: ethTx({ to: undefined, value: 0n, data: Uint8Array.from({ length: 400 }, (_, i) => (i * 7) & 0xff), type: 'legacy', gasPrice: 20_000_000_000n }) });
    review(cam, rig, 'contract-creation');
    rig.decide('b', false);
    // a request the policy refuses by the time the owner approves: "Not signed"
    app.ask('eth_sign_tx', { tx: ethTx() });
    rig.readReview(20);
    rig.d.guard.apply({ rules: [{ asset: 'eth:1', daily: 1n }], overLimitWithCode: false });
    sign(cam, rig, 'eth-tx', 'refused');
    rig.d.guard.apply({ rules: [], overLimitWithCode: false });
    const siwe = 'example.com wants you to sign in with your Ethereum account:\n0x8232f538F70A22B2886C3D00eBC482A68dA0398F\n\nSign in to Example.\n\nURI: https://example.com/login\nVersion: 1\nChain ID: 1\nNonce: 32891756\nIssued At: 2026-01-01T00:00:00.000Z';
    app.ask('eth_sign_message', { message: siwe });
    review(cam, rig);
    sign(cam, rig, 'eth-message');
    app.ask('eth_sign_message', { message: 'Za\u017c\u00f3\u0142\u0107 g\u0119\u015bl\u0105 ja\u017a\u0144 \u202etxet\u202c' });
    review(cam, rig, 'escaped');
    rig.decide('b', false);
    app.ask('eth_sign_message', { message: Uint8Array.from({ length: 32 }, (_, i) => (i * 37) & 0xff) });
    review(cam, rig, 'hex');
    rig.decide('b', false);
  },
};

const PERMIT2_DOMAIN = [{ name: 'name', type: 'string' }, { name: 'chainId', type: 'uint256' }, { name: 'verifyingContract', type: 'address' }];

const typed: Flow = {
  name: 'Ethereum typed data: permits, the deepest, too large, a line-break attack',
  run(cam) {
    const { rig, app } = walletWithApp('cat-typed', LABEL32, T0);
    const details = [{ name: 'token', type: 'address' }, { name: 'amount', type: 'uint160' }, { name: 'expiration', type: 'uint48' }, { name: 'nonce', type: 'uint48' }];
    app.ask('eth_sign_typed_data', { data: {
      types: { EIP712Domain: PERMIT2_DOMAIN, PermitDetails: details, PermitBatch: [{ name: 'details', type: 'PermitDetails[]' }, { name: 'spender', type: 'address' }, { name: 'sigDeadline', type: 'uint256' }] },
      primaryType: 'PermitBatch', domain: { name: 'Permit2', chainId: '0x1', verifyingContract: PERMIT2 },
      message: { details: [{ token: USDC, amount: ((1n << 160n) - 1n).toString(), expiration: 1_767_225_600, nonce: 0 }, { token: '0x6b175474e89094c44da98b954eedeac495271d0f', amount: (25n * ETH).toString(), expiration: 0, nonce: 1 }], spender: SPENDER, sigDeadline: 1_767_225_600 },
    } });
    review(cam, rig, 'permit2');
    sign(cam, rig, 'eth-typed');
    // the deepest: structs nested 12 levels (the link's CBOR limit is 16 levels in all)
    const types: Record<string, { name: string; type: string }[]> = { EIP712Domain: [{ name: 'name', type: 'string' }, { name: 'chainId', type: 'uint256' }] };
    let value: Record<string, unknown> = { leaf: 'the innermost value', amount: MAX256.toString() };
    types.L12 = [{ name: 'leaf', type: 'string' }, { name: 'amount', type: 'uint256' }];
    for (let i = 11; i >= 1; i--) {
      types[`L${i}`] = [{ name: 'inner', type: `L${i + 1}` }, { name: 'tag', type: 'string' }];
      value = { inner: value, tag: `level ${i}` };
    }
    app.ask('eth_sign_typed_data', { data: { types, primaryType: 'L1', domain: { name: 'Deep', chainId: 10 }, message: value } });
    review(cam, rig, 'deepest');
    rig.decide('b', false);
    const fake = '0x2222222222222222222222222222222222222222';
    app.ask('eth_sign_typed_data', { data: {
      types: { EIP712Domain: [{ name: 'name', type: 'string' }, { name: 'chainId', type: 'uint256' }], Order: [{ name: 'note', type: 'string' }, { name: 'spender', type: 'address' }] },
      primaryType: 'Order', domain: { name: `Shop\nverifyingContract: ${fake}`, chainId: 1 }, message: { note: `Thanks!\nspender: ${fake}`, spender: SPENDER },
    } });
    review(cam, rig, 'line-break');
    rig.decide('b', false);
    rig.d.vault.setPreferences({ ...rig.d.vault.preferences, blindSigning: true });
    app.ask('eth_sign_typed_data', { data: {
      types: { EIP712Domain: [{ name: 'name', type: 'string' }], Big: [{ name: 'items', type: 'uint8[]' }] },
      primaryType: 'Big', domain: { name: 'Too large' }, message: { items: Array.from({ length: 200 }, (_, i) => i) },
    } });
    review(cam, rig, 'too-large');
    rig.decide('b', false);
  },
};

const btc: Flow = {
  name: 'Bitcoin: the longest address, a PSBT',
  run(cam) {
    const { rig, app } = walletWithApp('cat-btc', LABEL32, T0);
    app.sendCbor(encode({ id: 901, method: 'btc_get_address', params: { type: 'tr', index: 7, show: true } }));
    cam.shot(rig, 'btc-address');
    rig.waitArmed();
    rig.press('c');
    const keys = rig.d.keyring;
    const psbt = buildPsbt(keys, NETWORKS.mainnet, [{ type: 'wpkh', index: 0, amount: 160_000n }, { type: 'tr', index: 1, amount: 40_000n }],
      [{ amount: 70_000n }, { amount: 50_000n, to: 'own-receive', type: 'tr', index: 9 }, { amount: 28_500n, to: 'change', type: 'wpkh', index: 2 }], { lockTime: 850_000 });
    app.ask('btc_sign_psbt', { psbt, network: 'mainnet' });
    review(cam, rig);
    sign(cam, rig, 'btc-psbt');
  },
};

export const FLOWS: Flow[] = [blank, setup, restore, pins, reset, faults, menu, guard, codes, ownerCodesWithCodes, codeScreens, ownerCodes, authenticator, eth, typed, btc];
