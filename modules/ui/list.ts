/**
 * A list longer than the screen (the menu, the authenticator's accounts): a window of rows around the cursor,
 * the chosen row marked "> ", and a line below saying how many items are above and below, so the owner always
 * sees that the list goes on.
 */
import { line, type ScreenLine, type TextSize } from './screen.js';
import { THEME } from './theme.js';

export function listWindow(labels: string[], at: number, rows: number, size: TextSize = 'normal'): ScreenLine[] {
  const first = Math.max(0, Math.min(at - Math.floor(rows / 2), labels.length - rows));
  const shown = labels.slice(first, first + rows).map((label, k) => line(`${first + k === at ? '>' : ' '} ${label}`, { size }));
  if (labels.length <= rows) return shown;
  const below = labels.length - first - shown.length;
  const where = [first ? `^ ${first} more above` : '', below ? `v ${below} more below` : ''].filter(Boolean).join('   ');
  return [...shown, line(`${where}   (${at + 1} of ${labels.length})`, { color: THEME.dim })];
}
