/** Factory reset from the device: confirmed twice on the screen, then every vault sector erased with progress. */
import { line } from '../ui/screen.js';
import { THEME } from '../ui/render.js';
import { message, type Activity, type AppContext } from './activity.js';

export function resetConfirm(ctx: AppContext, requestedBy?: string): Activity {
  return {
    screen: () => ({
      id: 'reset-confirm-1',
      title: 'Factory reset',
      lines: [
        ...(requestedBy ? [line(`The app "${requestedBy}" asks to erase this device.`, { color: THEME.warning })] : []),
        line('Erase everything on this device?', { size: 'large' }),
        line(''),
        line('The wallet, the PIN and the app binding will be erased.'),
        line('Without your written recovery words, the funds are lost.', { color: THEME.warning }),
      ],
      buttons: { a: 'Cancel', c: 'Erase' },
    }),
    press: (e) => {
      if (e.button === 'a') ctx.home();
      else if (e.button === 'c') ctx.go(resetConfirmAgain(ctx));
    },
  };
}

function resetConfirmAgain(ctx: AppContext): Activity {
  return {
    screen: () => ({
      id: 'reset-confirm-2',
      title: 'Really erase?',
      lines: [
        line('This cannot be undone.', { size: 'large', color: THEME.danger }),
        line(''),
        line('Hold C to erase the device now.'),
      ],
      buttons: { a: 'Cancel', c: 'Hold: erase' },
    }),
    press: (e) => {
      if (e.button === 'a') ctx.home();
      else if (e.button === 'c' && e.long) factoryReset(ctx);
    },
  };
}

function factoryReset(ctx: AppContext): void {
  let progress = 'Starting';
  const erasing: Activity = {
    screen: () => ({ id: 'erasing', title: 'Erasing', lines: [line(progress, { size: 'large', align: 'center' }), line('Do not power off.', { align: 'center' })], buttons: {} }),
    press: () => {},
  };
  ctx.go(erasing);
  ctx.log.log('factory reset');
  ctx.vault.wipe((done, total) => {
    progress = `Sector ${done} of ${total}`;
    ctx.refresh();
  });
  ctx.forgetBonds();
  ctx.go(message(ctx, 'reset-done', 'Reset done', [line('The device is blank again, with a new identity.')], () => ctx.home()));
}
