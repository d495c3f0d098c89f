/** What the CLI says on standard error when the device sends a notice during a command. */
import type { DeviceNotice } from '../client.js';

export function noticeWords(n: DeviceNotice): string | undefined {
  const request = String((n.data as { request?: unknown } | undefined)?.request ?? '');
  if (n.notify === 'confirm-on-device') {
    if (request.endsWith('-address')) return 'Compare the address on the device with the one here, then press Match or Mismatch there.';
    if (request === 'policy') return 'Check the new limits on the device, then hold C there to set them (B refuses).';
    if (request === 'authenticator-add') return 'Check the account on the device, then hold C there to add it (A refuses).';
    if (request === 'factory-reset') return 'The device asks its owner to confirm the erase (with the PIN when it holds a wallet). Waiting for the answer...';
    if (request === 'passphrase') return 'Check the wallet\'s fingerprint on the device, then press Use there (A refuses).';
    if (request === 'unfreeze') return 'Hold C on the device to unfreeze it (A keeps it frozen).';
    return 'Check the request on the device, then hold C there to approve (B rejects).';
  }
  const d = (n.data ?? {}) as { text?: string; id?: number; by?: string };
  const guardWords: Record<string, string> = {
    'change-pending': `The device announced a pending change: ${d.text} (#${d.id}), in 24 h of device time. Not you? "latch pending cancel ${d.id}".`,
    'change-cancelled': `The pending change "${d.text}" (#${d.id}) was cancelled ${d.by === 'app' ? 'by the app' : 'on the device'}.`,
    'change-applied': `A pending change took effect: ${d.text} (#${d.id}).`,
    'policy-changed': 'The device\'s spending limits changed.',
    'frozen': 'The device was frozen.',
    'unfrozen': 'The device was unfrozen.',
    'waiting-for-owner': 'The owner is busy on the device: the request waits until they are back on its home screen.',
  };
  return guardWords[n.notify];
}

/** Say each notice on standard error, as it comes. */
export function sayNotices(n: DeviceNotice): void {
  const words = noticeWords(n);
  if (words) process.stderr.write(`${words}\n`);
}
