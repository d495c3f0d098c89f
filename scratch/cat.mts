import { runCatalogue } from '../tests/screens/run-catalogue.js';
import { SCREEN_IDS } from '../modules/ui/screen-ids.js';
const t = Date.now();
const shots = runCatalogue();
console.log(shots.length, 'shots', Date.now() - t, 'ms');
const ids = new Set(shots.map((s) => s.id));
console.log('missing ids:', SCREEN_IDS.filter((i) => !ids.has(i)));
console.log('unregistered:', [...ids].filter((i) => !SCREEN_IDS.includes(i)));
console.log(shots.map((s) => `${s.name}:${s.pages.length}`).join(' '));
