/**
 * Every screen id the firmware shows. The golden screen catalogue (tests/screens) must hold a fixture of each, and
 * a screen whose id is not here is a problem the test rigs and the simulator report (device.ts): a new screen
 * cannot slip by without a picture someone reviewed. Add the id here, a scene for it in
 * tests/screens/scenes.ts, and run `npm run screens -- --update`.
 */

/**
 * The screens a signing review goes through (signing/review.ts, approval.ts): its pages, the decision, a
 * verification code when the limits ask for one, Signing, and the result. Messages are never over a limit.
 */
const REVIEWS: Record<string, readonly string[]> = {
  'eth-tx': ['review', 'confirm', 'code', 'code-refused', 'signing', 'done'],
  'eth-message': ['review', 'confirm', 'signing', 'done'],
  'eth-typed': ['review', 'confirm', 'code', 'code-refused', 'signing', 'done'],
  'btc-psbt': ['review', 'confirm', 'code', 'code-refused', 'signing', 'done'],
};

export const SCREEN_IDS: readonly string[] = [
  // home screens, About and faults
  'blank', 'bound-home', 'locked', 'unlocked', 'storage-foreign', 'storage-old-format', 'storage-tampered', 'about', 'rng-fault',
  'storage-fault', 'wallet-dropped', 'error', 'wiped', 'counter-spent',
  // setup
  'setup-choice', 'word-count', 'show-words', 'word-check', 'word-check-failed', 'restore-word', 'restore-invalid',
  'pin-new', 'pin-confirm', 'pin-mismatch', 'wallet-created',
  // unlocking, the menu and its settings
  'pin-unlock', 'pin-wrong', 'menu', 'blind-signing-on', 'bind-lock-cleared', 'pin-current', 'pin-change',
  'pin-change-confirm', 'pin-changed',
  // the duress PIN (app/duress-screens.ts)
  'duress-needs-codes', 'duress-intro', 'duress-pin', 'pin-duress-current', 'duress-pin-new', 'duress-pin-confirm', 'duress-pin-same',
  'duress-set', 'duress-removed', 'pin-is-duress', 'codes-duress', 'duress-decoy', 'duress-decoy-wallet',
  // factory reset
  'reset-confirm-1', 'reset-confirm-2', 'pin-reset', 'reset-pin-wrong', 'erasing', 'reset-done',
  // binding
  'bind-code', 'bind-allow', 'bind-failed', 'bound', 'bind-backup', 'bind-verify', 'bind-verify-refused', 'bind-pending',
  // the owner's codes
  'pin-binding-code', 'binding-code-code', 'binding-code-code-refused', 'binding-code', 'binding-code-changed',
  'backup-code-frozen', 'pin-backup-code', 'backup-code-code', 'backup-code-code-refused', 'backup-code',
  // the guard
  'policy-review', 'policy-confirm', 'policy-applied', 'policy-code', 'policy-code-refused', 'policy-pending', 'limits',
  'policy-cancelled', 'freeze-confirm', 'pin-unfreeze', 'unfreeze-code', 'unfreeze-code-refused', 'unfrozen', 'codes',
  'codes-removed', 'pin-codes-lost', 'codes-removal-pending', 'codes-no-time',
  'codes-enrol', 'codes-enrol-code', 'codes-enrol-wrong', 'codes-enrolled', 'history',
  // the guard's pending changes (a loosening waits 24 hours of device time, announced to the bound app)
  'codes-frozen', 'codes-pending', 'codes-change-code', 'codes-change-code-refused', 'codes-change', 'codes-not-set',
  'codes-enrol-pending', 'unfreeze-pending', 'unfreeze-cancelled', 'unfreeze-requested', 'unfreeze-ask', 'pending',
  'pending-none', 'pending-cancelled',
  // the authenticator
  'authenticator-empty', 'authenticator', 'authenticator-code', 'authenticator-remove', 'authenticator-removed',
  'authenticator-add',
  // passphrase wallets
  'passphrase-menu', 'passphrase-entry', 'passphrase-review', 'passphrase-wallet', 'passphrase-in-use', 'passphrase-standard',
  'passphrase-forgotten', 'passphrase-app-on', 'passphrase-ask',
  // signing
  ...Object.keys(REVIEWS).flatMap((r) => REVIEWS[r].map((step) => `${r}-${step}`)),
  'guard-refused', 'blind-refused', 'eth-address', 'btc-address',
];

let known: Set<string> | undefined;

export function isKnownScreen(id: string): boolean {
  known ??= new Set(SCREEN_IDS);
  return known.has(id);
}
