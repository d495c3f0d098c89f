/// <reference lib="dom" />
// The simulator's web page in a real browser: click B, and the LCD picture must change.
import test from 'ava';
import fs from 'node:fs';
import { startSim, type RunningSim } from './support/sim.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium) {
  process.stderr.write(`\nweb-page test SKIPPED: no Chromium at ${CHROMIUM}. Install it with "apt-get install chromium" (.ci/run does) or set CHROMIUM_PATH.\n\n`);
}

const maybe = hasChromium ? test : test.skip;
let sim: RunningSim | undefined;
test.after.always(async () => { await sim?.stop(); });

maybe('clicking B on the page reaches the firmware on XS and the LCD picture changes', async (t) => {
  const { chromium } = await import('playwright-core');
  sim = await startSim({ autoTick: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(sim.url);
    await page.waitForFunction(() => (document.getElementById('lcd') as HTMLImageElement).complete && (document.getElementById('lcd') as HTMLImageElement).naturalWidth === 320);
    const before = await page.locator('#lcd').screenshot();
    const src0 = await page.locator('#lcd').getAttribute('src');
    await page.click('#btn-b');
    await page.waitForFunction((s) => (document.getElementById('lcd') as HTMLImageElement).getAttribute('src') !== s, src0);
    await page.waitForFunction(() => (document.getElementById('lcd') as HTMLImageElement).complete);
    await page.waitForTimeout(100);
    const after = await page.locator('#lcd').screenshot();
    t.false(before.equals(after), 'the LCD picture did not change');
    t.is((await sim.api('GET', '/api/screen')).body.id, 'about');
    await page.waitForFunction(() => document.getElementById('log')!.textContent!.includes('button b on blank'));
    t.pass();
  } finally {
    await browser.close();
  }
});
