import { compare, shootOnXs, writeReport } from '../tests/screens/pictures.js';
let t = Date.now();
const shots = await shootOnXs();
console.log('xs', Date.now() - t); t = Date.now();
const r = compare(shots);
console.log('compare', Date.now() - t); t = Date.now();
writeReport(r, []);
console.log('report', Date.now() - t);
