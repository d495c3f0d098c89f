/**
 * The device's side of binding: CPace with the binding code shown on the LCD, the attempt counted in flash
 * before the device answers, then "Allow app named ...?" on the screen. Who may bind (design section 6):
 *  - a device with no wallet binds on the first request (first use), unless the owner is busy on it;
 *  - a device holding a wallet shows its code and asks to allow only while it is unlocked with the PIN: a bind
 *    request to a locked device shows nothing and the app hears "unlock the device with its PIN";
 *  - the code and Allow screens never interrupt the owner (they are refused "busy", or wait: app/navigator.ts);
 *  - after Allow, the guard may ask for a verification code, or make the binding wait 24 hours of device time
 *    (app/binding.ts): the app then hears BIND_RESULT "pending" with the wait, and is bound when it is over
 *    unless the bound app or the owner cancels it. One new app waits at a time.
 * An app may append its Unix time (u64 seconds) to BIND_CONFIRM_A: after a reboot it is the only way the device
 * can learn the time to check a verification code before any session exists (guard/world-time.ts bounds it).
 */
import { fromHex, utf8Encode, wipe } from '../bytes.js';
import type { HealthTestedEntropy } from '../entropy/health.js';
import { LatchError } from '../errors.js';
import type { LogPort } from '../ports.js';
import { cpace, type CPaceKeys, type CPaceParty } from '../binding/cpace.js';
import { keyPair } from '../session/noise-kk.js';
import { BIND_FREE_ATTEMPTS, type Vault } from '../vault/vault.js';
import type { BackupCodeStore } from '../binding/backup-code.js';
import { decodeMs, encodeMs } from '../vault/device-clock.js'; // the vault's u64 codec
import { ErrorCode, KEY_SIZE, Kind, NONCE_SIZE, TAG_SIZE, bindContext, message, parseBindRequest } from './messages.js';

/** The app asking to be bound, as the owner's decision needs it. */
export interface BindCandidate {
  label: string;
  publicKey: Uint8Array;
  how: 'binding code' | 'backup code';
}

/** The owner's decision: allowed (bound now), refused, expired, waiting out the guard's delay, or refused with why. */
export type BindAnswer = boolean | 'expired' | { pending: number } | { refused: string };

/** What binding needs from the device's screen: every decision is taken there. */
export interface BindUi {
  /** show the code unless the owner is busy on the device; false = busy */
  showBindCode(code: string, label: string): boolean;
  /** ask to allow the app (now, or once the owner is free); `answer` gets the decision */
  askAllow(app: BindCandidate, answer: (a: BindAnswer) => void): 'shown' | 'waiting' | 'busy';
  bindFailed(reason: string, failures: number, waitMs: number): void;
  /** why no app may bind now (the device is frozen), if so */
  frozen?(): string | undefined;
  /** why no app may start binding now although the device is not frozen (another app's binding waits), if so */
  refusal?(): string | undefined;
  /** a new app's claim of the world time, with its confirmation (it proved the code) */
  tellTime?(unixSeconds: number): void;
  /** the event log hears bind requests, wrong codes, lock-outs, new bindings and the backup code's use */
  event?(kind: BindEventKind, details: Record<string, unknown>): void;
  bound(label: string): void;
  /** the one-time backup code's record (binding with it); absent: no backup codes */
  backupCodes?: BackupCodeStore;
  /** an app asks to bind with the backup code: say so on the screen unless the owner is busy; false = busy */
  showBackupBind?(label: string): boolean;
  /** the backup code was used: the binding code was replaced; show the new one */
  bindingCodeChanged?(code: string): void;
}

export type BindEventKind = 'bind-requested' | 'bind-wrong-code' | 'bind-locked' | 'app-bound' | 'app-replaced'
  | 'backup-code-used' | 'backup-code-refused' | 'binding-code-changed';

const BACKUP_REFUSALS: Record<'none' | 'used' | 'expired', string> = {
  none: 'no backup code is valid on the device: make one in its Menu > Backup code (a reboot voids it)',
  used: 'that backup code was already used: a backup code works once; make a new one on the device',
  expired: 'the backup code expired (it is valid for 2 hours of device time): make a new one on the device',
};

interface BindState {
  phase: 'challenged' | 'confirming' | 'asking';
  appPub: Uint8Array;
  label: string;
  party?: CPaceParty;
  keys?: CPaceKeys;
  /** CPace's password: the binding code's bytes, or the backup code's salted hash */
  password: Uint8Array;
  withBackupCode: boolean;
  ctx: ReturnType<typeof bindContext>;
}

export class BindResponder {
  private bind: BindState | undefined;

  constructor(
    private readonly vault: Vault,
    private readonly entropy: HealthTestedEntropy,
    private readonly log: LogPort,
    private readonly ui: BindUi,
    private readonly send: (m: Uint8Array) => void,
    private readonly fail: (code: number, text: string) => void,
    /** a new app was bound: the old app's session must end */
    private readonly onBound: () => void,
  ) {}

  get inProgress(): boolean {
    return this.bind !== undefined;
  }

  /** the app proved the code and the owner is deciding on the device (the link's stranger clock stops) */
  get awaitingOwner(): boolean {
    return this.bind?.phase === 'asking';
  }

  onRequest(body: Uint8Array, withBackupCode = false): void {
    const req = parseBindRequest(body);
    if (this.bind?.phase === 'asking') return this.fail(ErrorCode.busy, 'the device is asking its owner about another binding');
    const frozen = this.ui.frozen?.();
    this.ui.event?.('bind-requested', {
      app: req.label, ...(withBackupCode ? { with: 'backup code' } : {}),
      ...(frozen ? { refused: 'frozen' } : this.vault.hasWallet && !this.vault.isUnlocked ? { refused: 'locked' } : {}),
    });
    if (frozen) {
      this.log.log(`bind request from app named "${req.label}" refused: frozen`);
      return this.fail(ErrorCode.frozen, `no new app can bind: the device is ${frozen}`);
    }
    const refused = this.ui.refusal?.();
    if (refused) {
      this.log.log(`bind request from app named "${req.label}" refused: ${refused}`);
      return this.fail(ErrorCode.refused, refused);
    }
    this.end();
    if (this.vault.hasWallet && !this.vault.isUnlocked) {
      this.log.log(`bind request from app named "${req.label}" refused: the device is locked`);
      return this.fail(ErrorCode.locked, 'the device is locked: unlock the device with its PIN to bind a new app');
    }
    const wait = this.vault.bindWaitMs;
    if (wait > 0) {
      this.ui.bindFailed('Binding is locked after too many wrong codes.', this.vault.bindFailures, wait);
      return this.fail(ErrorCode.bindLocked, `binding is locked for ${Math.ceil(wait / 1000)} s after ${this.vault.bindFailures} failed attempts (the owner can clear this in the device's menu)`);
    }
    this.vault.ensureIdentity();
    let password: Uint8Array;
    let salt: Uint8Array = new Uint8Array(0);
    if (withBackupCode) {
      const store = this.ui.backupCodes;
      const valid = store?.valid();
      if (!valid) {
        // Counted like a wrong code: a stream of stale or made-up codes meets the same lock-out.
        const state = store?.state() ?? 'none';
        const why = state === 'valid' ? 'none' : state;
        const failures = this.vault.countBindAttempt();
        this.ui.event?.('backup-code-refused', { app: req.label, reason: why, failures });
        this.log.log(`bind with a backup code from app named "${req.label}" refused: ${why}`);
        return this.fail(ErrorCode.backupCode, BACKUP_REFUSALS[why]);
      }
      if (!this.ui.showBackupBind?.(req.label)) {
        wipe(valid.verifier);
        return this.fail(ErrorCode.busy, 'busy: the owner is using the device; try again when it shows its home screen');
      }
      password = valid.verifier;
      salt = valid.salt;
    } else {
      let code = this.vault.bindingCode();
      if (!code) {
        code = this.vault.newBindingCode();
        this.log.log('binding code created (shown on the LCD only)');
      }
      if (!this.ui.showBindCode(code, req.label)) {
        this.log.log(`bind request from app named "${req.label}": the owner is busy on the device`);
        return this.fail(ErrorCode.busy, 'busy: the owner is using the device; try again when it shows its home screen');
      }
      password = utf8Encode(code);
    }
    const deviceId = fromHex(this.vault.deviceId!);
    const priv = this.vault.staticPrivateKey();
    const devicePub = keyPair(priv).pub;
    wipe(priv);
    const nonceB = this.entropy.bytes(NONCE_SIZE);
    const ctx = bindContext(deviceId, req.nonceA, nonceB, req.appPub, req.label, devicePub, withBackupCode);
    this.bind = { phase: 'challenged', appPub: req.appPub, label: req.label, password, withBackupCode, ctx };
    this.log.log(`bind request from app named "${req.label}"${withBackupCode ? ' with the backup code' : ''}`);
    this.send(message(Kind.bindChallenge, nonceB, devicePub, deviceId, salt));
  }

  onShareA(body: Uint8Array): void {
    const b = this.bind;
    if (!b || b.phase !== 'challenged') return this.fail(ErrorCode.unexpected, 'a CPace share arrived with no bind request in progress');
    if (body.length !== KEY_SIZE) throw new LatchError('bad-message', `a CPace share is ${KEY_SIZE} bytes, not ${body.length}`);
    // Count the attempt in flash before answering: the answer lets the app test its guess of the code.
    const failures = this.vault.countBindAttempt();
    b.party = cpace('responder', b.password, b.ctx.ci, b.ctx.sid, b.ctx.adDevice, b.ctx.adApp, this.entropy.bytes(32));
    wipe(b.password);
    try {
      b.keys = b.party.finish(body);
    } catch (err) {
      this.end();
      this.ui.bindFailed('The app sent an invalid key share.', failures, this.vault.bindWaitMs);
      throw err;
    }
    b.phase = 'confirming';
    this.send(message(Kind.bindShareB, b.party.share, b.keys.ourTag));
  }

  onConfirmA(body: Uint8Array): void {
    const b = this.bind;
    if (!b || b.phase !== 'confirming' || !b.keys) return this.fail(ErrorCode.unexpected, 'a key confirmation arrived with no key exchange in progress');
    if ((body.length !== TAG_SIZE && body.length !== TAG_SIZE + 8) || !b.keys.checkPeerTag(body.subarray(0, TAG_SIZE))) {
      const failures = this.vault.bindFailures;
      const wait = this.vault.bindWaitMs;
      this.end();
      const which = b.withBackupCode ? 'backup code' : 'binding code';
      this.ui.event?.(b.withBackupCode ? 'backup-code-refused' : 'bind-wrong-code', { app: b.label, failures, ...(b.withBackupCode ? { reason: 'wrong' } : {}) });
      if (wait > 0) this.ui.event?.('bind-locked', { forMs: wait, failures });
      const left = Math.max(0, BIND_FREE_ATTEMPTS - failures);
      this.ui.bindFailed(`The ${which} entered in the app was wrong.`, failures, wait);
      return this.fail(ErrorCode.bindFailed, wait > 0
        ? `wrong ${which}; binding is now locked for ${Math.ceil(wait / 1000)} s`
        : `wrong ${which}; ${left} ${left === 1 ? 'try' : 'tries'} left before a lock-out`);
    }
    this.vault.clearBindFailures();
    if (body.length === TAG_SIZE + 8) this.ui.tellTime?.(decodeMs(body, TAG_SIZE));
    b.phase = 'asking';
    b.party?.wipe();
    b.keys.wipe();
    let newCode: string | undefined;
    if (b.withBackupCode) {
      // Used: it never works again. The binding code may be in the wrong hands (the owner lost it): replace it.
      this.ui.backupCodes?.markUsed();
      this.ui.event?.('backup-code-used', { app: b.label });
      newCode = this.vault.newBindingCode();
      this.ui.event?.('binding-code-changed', { why: 'the backup code was used' });
      this.log.log('backup code used; the binding code was replaced (the new one is shown on the LCD only)');
    }
    const outcome = this.ui.askAllow({ label: b.label, publicKey: b.appPub, how: b.withBackupCode ? 'backup code' : 'binding code' }, (allow) => {
      if (this.bind !== b) return;
      const frozen = allow === true ? this.ui.frozen?.() : undefined;
      if (typeof allow === 'object' && 'pending' in allow) {
        this.log.log(`binding of app named "${b.label}" pending for ${Math.round(allow.pending / 60_000)} min of device time`);
        this.send(message(Kind.bindResult, Uint8Array.of(2), encodeMs(allow.pending)));
      } else if (typeof allow === 'object') {
        this.log.log(`binding of app named "${b.label}" refused: ${allow.refused}`);
        this.fail(ErrorCode.refused, allow.refused);
      } else if (frozen) {
        this.log.log(`binding of app named "${b.label}" refused: the device was frozen meanwhile`);
        this.fail(ErrorCode.frozen, `no new app can bind: the device is ${frozen}`);
      } else if (allow === true) {
        const previous = this.vault.appBinding()?.label;
        this.vault.setAppBinding({ publicKey: b.appPub, label: b.label });
        this.ui.event?.(previous !== undefined ? 'app-replaced' : 'app-bound', { app: b.label, ...(previous !== undefined ? { replaced: previous } : {}) });
        this.onBound();
        this.log.log(`bound to app named "${b.label}"`);
        this.send(message(Kind.bindResult, Uint8Array.of(0)));
        this.ui.bound(b.label);
      } else if (allow === false) {
        this.log.log(`binding of app named "${b.label}" refused on the device`);
        this.send(message(Kind.bindResult, Uint8Array.of(1)));
      } else {
        this.log.log(`binding of app named "${b.label}" expired: the owner did not answer`);
        this.fail(ErrorCode.timeout, 'the owner did not answer on the device in time: bind again');
      }
      this.end();
      if (newCode) this.ui.bindingCodeChanged?.(newCode);
      newCode = undefined;
    });
    if (outcome === 'busy') {
      this.end();
      this.fail(ErrorCode.busy, 'busy: the device is waiting for its owner on another request');
    }
  }

  end(): void {
    const b = this.bind;
    if (!b) return;
    b.party?.wipe();
    b.keys?.wipe();
    wipe(b.password);
    this.bind = undefined;
  }
}
