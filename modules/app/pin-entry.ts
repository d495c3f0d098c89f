/**
 * PIN entry on three buttons: A and C turn a digit wheel, B enters the digit, hold B deletes the last digit,
 * hold C confirms (6 to 8 digits), hold A cancels. The screen shows one '*' per entered digit, never the
 * digits. The wheel starts at a random digit each time, so counting presses reveals nothing.
 */
import { randomIndex } from '../wallet/mnemonic.js';
import { line, type Screen } from '../ui/screen.js';
import { THEME } from '../ui/render.js';
import type { Activity, AppContext } from './activity.js';

export const PIN_MIN = 6;
export const PIN_MAX = 8;

export interface PinEntryOptions {
  id: string;
  title: string;
  prompt: string;
  /** extra lines under the prompt (tries left, warnings) */
  notes?: Screen['lines'];
  /** what is entered: "PIN" (6 to 8 digits, the default) or "Code" (a 6-digit verification code) */
  kind?: 'PIN' | 'Code';
  done(pin: string): void;
  cancel(): void;
}

export function pinEntry(ctx: AppContext, o: PinEntryOptions): Activity {
  const kind = o.kind ?? 'PIN';
  const min = kind === 'PIN' ? PIN_MIN : 6;
  const max = kind === 'PIN' ? PIN_MAX : 6;
  const digits: number[] = [];
  let wheel = randomIndex(ctx.entropy, 10);
  const spin = () => { wheel = randomIndex(ctx.entropy, 10); };
  const clear = () => { digits.fill(0); digits.length = 0; wheel = 0; };
  return {
    screen: () => ({
      id: o.id,
      title: o.title,
      lines: [
        line(o.prompt),
        ...(o.notes ?? []),
        line(''),
        line(`${kind}: ${'*'.repeat(digits.length)}${digits.length < max ? ` [${wheel}]` : ''}`, { size: 'large' }),
        line(''),
        line(`${digits.length} of ${min === max ? min : `${min}-${max}`} digits. Hold B: delete. Hold C: done. Hold A: cancel.`, { color: THEME.dim }),
      ],
      buttons: { a: '-', b: 'Enter', c: '+' },
    }),
    press(e) {
      if (e.long) {
        if (e.button === 'a') { clear(); o.cancel(); return; }
        if (e.button === 'b') { digits.pop(); ctx.refresh(); return; }
        if (e.button === 'c' && digits.length >= min) {
          const pin = digits.join('');
          clear();
          o.done(pin);
        }
        return;
      }
      if (e.button === 'a') wheel = (wheel + 9) % 10;
      else if (e.button === 'c') wheel = (wheel + 1) % 10;
      else if (digits.length < max) {
        digits.push(wheel);
        spin();
      }
      ctx.refresh();
    },
    leave: clear,
  };
}
