import { walletWithApp, menuItem } from '../tests/portable/support/device-rig.js';
const { rig } = walletWithApp('cat-menu', 'Treasurer wallet of Acme & Sons.', 1_800_000_000);
rig.d.vault.countBindAttempt();
rig.press('b');
console.log(rig.d.screen.id, rig.d.screen.lines);
rig.press('a');
console.log(rig.d.screen.id, rig.d.screen.lines);
rig.press('b', true);
console.log(rig.d.screen.id, rig.d.screen.lines);
