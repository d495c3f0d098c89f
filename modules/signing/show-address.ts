/**
 * An address on the device's screen, as text and as a QR code, so the owner compares it with what the app shows
 * before using it. The owner answers Match (C) or Mismatch (A); the app hears which.
 */
import { line } from '../ui/screen.js';
import { THEME } from '../ui/render.js';
import { answerOnce, type Activity, type AppContext } from '../app/activity.js';

export interface ShownAddress {
  id: string;
  title: string;
  /** lines above the address: account path, network */
  facts: string[];
  /** the address as the app should show it */
  address: string;
  /** grouped for reading */
  display: string;
}

export function showAddressActivity(ctx: AppContext, a: ShownAddress, answer: (matches: boolean) => void): Activity {
  const decide = answerOnce((matches: boolean) => {
    answer(matches);
    ctx.home();
  });
  return {
    screen: () => ({
      id: a.id,
      title: a.title,
      lines: [
        ...a.facts.map((f) => line(f, { color: THEME.dim })),
        // an address of a passphrase wallet says so (the app may hold another wallet's)
        ...(ctx.wallet.inUse ? [line(`Passphrase wallet ${ctx.wallet.fingerprint}`, { color: THEME.warning })] : []),
        line(''), line(a.display), line(''), line('Same as in the app?'),
      ],
      buttons: { a: 'Mismatch', c: 'Match' },
      qr: a.address,
    }),
    press: (e) => {
      if (e.long) return;
      if (e.button === 'c') decide(true);
      else if (e.button === 'a') decide(false);
    },
  };
}
