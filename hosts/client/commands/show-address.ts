/**
 * `latch eth|btc address [--show]`: the address, and with --show the owner's comparison on the device. The
 * address is printed first, so the owner has something here to compare the screen with; the device's own answer
 * must be the same address.
 */
import type { CommandContext } from './context.js';

type AddressAnswer = { address: string; path: string; confirmed?: boolean };

export async function showAddress(c: CommandContext, get: (show: boolean) => Promise<AddressAnswer>): Promise<number> {
  if (c.values.show !== true) {
    const r = await get(false);
    c.out(`${r.address}  (${r.path})`, r);
    return 0;
  }
  const first = await get(false);
  if (!c.values.json) process.stdout.write(`${first.address}  (${first.path})\n`);
  const shown = await get(true);
  if (shown.address !== first.address || shown.path !== first.path) throw new Error(`the device showed ${shown.address} (${shown.path}), not the ${first.address} it gave first: do not use either`);
  const note = shown.confirmed ? 'The owner confirmed it matches on the device.' : 'The owner said it does NOT match on the device: do not use it.';
  if (c.values.json) c.out('', shown);
  else process.stdout.write(`${note}\n`);
  return shown.confirmed ? 0 : 1;
}
