/**
 * The device UI is a stack-less sequence of activities: each one owns the screen, turns button presses into
 * actions and may tick (countdowns). Flows are closures that hand the next activity to `AppContext.go`.
 */
import type { HealthTestedEntropy } from '../entropy/health.js';
import type { ButtonEvent, LogPort } from '../ports.js';
import type { Screen } from '../ui/screen.js';
import type { Vault } from '../vault/vault.js';
import type { Guard } from '../guard/guard.js';
import type { EventLog } from '../guard/event-log.js';
import type { BackupCodeStore } from '../binding/backup-code.js';
import type { PassphraseWallet } from '../wallet/passphrase-wallet.js';

export interface Activity {
  screen(): Screen;
  press(e: ButtonEvent): void;
  /** called about every 100 ms; return true when the screen changed */
  tick?(): boolean;
  /** called when the activity is left: wipe whatever secret it holds */
  leave?(): void;
  /** a screen the link may replace with its own requests (home screens, menu, About, the link's own screens) */
  interruptible?: boolean;
  /** a security decision: presses that began within the first ~0.7 s of the screen are ignored (navigator.ts) */
  decision?: boolean;
}

export interface AppContext {
  vault: Vault;
  /** the spending policy, verification codes and the freeze (guard/guard.ts) */
  guard: Guard;
  /** the tamper-evident event log (guard/event-log.ts) */
  events: EventLog;
  /** the one-time backup code (binding/backup-code.ts) */
  backupCodes: BackupCodeStore;
  /** which wallet is in use: the standard one or a passphrase wallet (wallet/passphrase-wallet.ts) */
  wallet: PassphraseWallet;
  entropy: HealthTestedEntropy;
  log: LogPort;
  now(): number;
  /** show `next` (leaving the current activity) */
  go(next: Activity): void;
  /** redraw the current activity */
  refresh(): void;
  /** the home screen for the current state */
  home(): void;
  /** the About screen, returning to `back` */
  about(back: () => void): void;
  /** forget every BLE bond (factory reset) */
  forgetBonds(): void;
  /** the vault was locked or wiped from a screen: forget what depends on it (sessions' requests, keys) */
  locked(): void;
  /** the device was just frozen (by the owner or the app): cancel what waits, forget the keys, go home */
  frozen(): void;
}

/** A screen with a message and one button that continues. */
export function message(ctx: AppContext, id: string, title: string, lines: Screen['lines'], then: () => void, label = 'OK', interruptible = false): Activity {
  return {
    interruptible,
    screen: () => ({ id, title, lines, buttons: { b: label } }),
    press: (e) => { if (e.button === 'b') then(); },
  };
}

/** `answer`, called at most once: the owner's first choice, or leaving the screen (a refusal), whichever comes first. */
export function answerOnce<T>(answer: (value: T) => void): (value: T) => void {
  let answered = false;
  return (value) => {
    if (answered) return;
    answered = true;
    answer(value);
  };
}
