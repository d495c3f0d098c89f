import { walletWithApp } from '../tests/portable/support/device-rig.js';
const { rig, app } = walletWithApp('guard-app', 'Alice phone', 1_800_000_000);
console.log('ready', rig.d.screen.id);
app.ask('policy_set', { policy: { rules: [{ asset: 'eth:1', daily: (10n**17n).toString() }] } });
console.log('asked', rig.d.screen.id, rig.d.screen.armsInMs);
const seen = rig.readReview(40);
console.log(seen);
rig.decide('c');
console.log(rig.d.screen.id, app.answer());
