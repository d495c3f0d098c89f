/** The catalogue's flows through the guards and the owner's codes: limits, the freeze, History, verification codes, the binding and backup codes, the authenticator. */
import { parseOtpauth, totp } from '../../modules/guard/otp.js';
import { base32nopad } from '@scure/base';
import { fromHex } from '../../modules/bytes.js';
import { AppPeer } from '../portable/support/app-peer.js';
import { PIN, enrolCodes, menuItem, walletWithApp } from '../portable/support/device-rig.js';
import { ETH, LABEL32, SPENDER, T0, TO, USDC, ethTx, review, wrongCode, type Flow, codeRefused, okHome } from './scene-kit.js';

export const guard: Flow = {
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
    okHome(rig);
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
    rig.enterPin(PIN); // without codes the PIN alone starts a 24-hour wait (scenes-pending.ts); the bound app can end it
    rig.press('b');
    if (rig.d.screen.id === 'locked') rig.unlock();
    app.ask('unfreeze');
    rig.waitArmed();
    cam.shot(rig, 'unfreeze-ask');
    rig.decide('c'); // unfrozen at once (with codes, the PIN and a code: scenes-pending.ts)
    menuItem(rig, 'History');
    cam.shot(rig, 'history');
    rig.press('c');
    for (let i = 0; i < 8 && rig.d.screen.buttons.c === 'Next page'; i++) rig.press('c');
    cam.shot(rig, 'history.older');
  },
};

export const codes: Flow = {
  name: 'verification codes: no time yet, enrolment, removal',
  run(cam) {
    const { rig, app } = walletWithApp('cat-codes', LABEL32, T0);
    menuItem(rig, 'Verification codes');
    cam.shot(rig, 'codes-no-time');
    okHome(rig);
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
    okHome(rig);
    menuItem(rig, 'Verification codes');
    cam.shot(rig, 'codes');
    rig.press('c');
    cam.shot(rig, 'pin-codes-lost');
    rig.enterPin(PIN);
    cam.shot(rig, 'codes-removal-pending');
    okHome(rig);
    menuItem(rig, 'Verification codes');
    cam.shot(rig, 'codes.removal-pending');
    rig.press('b'); // Keep
    rig.b.advance(30_000); // the next step: the enrolment's code is spent
    app.time = T0 + 30;
    app.call('ping');
    rig.press('b'); // Change, with a code this time
    rig.enterPin(totp(secret, rig.d.guard.world.now()!));
    rig.decide('c'); // hold C: remove
    cam.shot(rig, 'codes-removed');
  },
};

export const ownerCodes: Flow = {
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
    okHome(rig);
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

export const ownerCodesWithCodes: Flow = {
  name: 'the owner\'s codes behind a verification code',
  run(cam) {
    const { rig, app } = walletWithApp('cat-owner-codes', LABEL32, T0);
    app.call('ping');
    enrolCodes(rig);
    rig.press('b', true);
    menuItem(rig, 'Binding code');
    rig.enterPin(PIN);
    codeRefused(cam, rig, 'binding-code-code');
    okHome(rig);
    menuItem(rig, 'Backup code');
    rig.enterPin(PIN);
    codeRefused(cam, rig, 'backup-code-code');
  },
};

export const authenticator: Flow = {
  name: 'the authenticator',
  run(cam) {
    const { rig, app } = walletWithApp('cat-auth', LABEL32, T0);
    menuItem(rig, 'Authenticator');
    cam.shot(rig, 'authenticator-empty');
    okHome(rig);
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
