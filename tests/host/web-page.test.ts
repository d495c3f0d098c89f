/// <reference lib="dom" />
// The simulator's web page in a real browser: the LCD at 2x, buttons reaching the firmware on XS, the device's
// state, bound app, waiting request and armed countdown, the verified event log beside the board's debug log, the
// clock controls, the debug loader, and labels that follow a power cut and a reboot.
import test from 'ava';
import fs from 'node:fs';
import { startSim, type RunningSim } from './support/sim.js';
import { DeviceDriver } from './support/device-driver.js';
import { bindHonestly, connect } from './support/raw-app.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium) {
  process.stderr.write(`\nweb-page test SKIPPED: no Chromium at ${CHROMIUM}. Install it with "apt-get install chromium" (.ci/run does) or set CHROMIUM_PATH.\n\n`);
}

const maybe = hasChromium ? test.serial : test.skip;
const sims: RunningSim[] = [];
test.after.always(async () => { for (const s of sims) await s.stop(); });

async function browser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

maybe('clicking B on the page reaches the firmware on XS and the LCD picture changes', async (t) => {
  const sim = await startSim({ autoTick: true });
  sims.push(sim);
  const b = await browser();
  try {
    const page = await b.newPage();
    await page.goto(sim.url);
    await page.waitForFunction(() => (document.getElementById('lcd') as HTMLImageElement).complete && (document.getElementById('lcd') as HTMLImageElement).naturalWidth === 320);
    t.deepEqual(await page.evaluate(() => [document.getElementById('lcd')!.clientWidth, document.getElementById('lcd')!.clientHeight]), [640, 480], 'the 320x240 LCD at 2x');
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
    await page.waitForFunction(() => document.getElementById('screen-id')!.textContent === 'about');
  } finally {
    await b.close();
  }
});

maybe('what a QA engineer needs: state, bound app, waiting request, armed countdown, verified events, clock, loader, reboot', async (t) => {
  t.timeout(300_000);
  const sim = await startSim({ autoTick: true, manualClock: true, pinIterations: 50 });
  sims.push(sim);
  const d = new DeviceDriver(sim.url);
  const b = await browser();
  try {
    const page = await b.newPage();
    const text = (id: string) => page.locator(`#${id}`).textContent();
    // a time-out says which field it waited for and what it held (the full suite runs files side by side)
    const until = (id: string, pattern: RegExp) => page.waitForFunction(([i, p]) => new RegExp(p).test(document.getElementById(i)!.textContent ?? ''), [id, pattern.source] as const, { timeout: 60_000 })
      .catch(async (err: Error) => { throw new Error(`#${id} never matched ${pattern} (it shows "${await text(id).catch(() => '?')}"): ${err.message}`); });
    await page.goto(sim.url);
    await until('state', /^blank$/);
    t.is(await text('app'), 'none');
    // the page fills the state first and the clock last, from separate requests: wait for the clock's own line
    await until('clock-now', /since power-on/);
    t.false(await page.locator('#clock-controls').isHidden(), 'a manual clock has controls');
    t.regex((await text('events-status'))!, /nothing recorded yet/);
    // the debug loader
    await page.fill('#mnemonic', 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about');
    await page.fill('#pin', '123456');
    await page.click('#load');
    await until('load-result', /^loaded$/);
    await until('state', /^unlocked$/);
    // an app binds: its label, and the device's own record of it, verified
    const client = await connect(sim.url);
    const { app, device } = await bindHonestly(client, d, undefined, 'QA bench phone');
    await d.press('b');
    await until('app', /"QA bench phone"/);
    await until('events', /app-bound .*app QA bench phone/);
    await until('events-status', /^verified: the chain holds to event \d+, signed by the device$/);
    await until('log', /button/); // the board's debug log is the other panel (it streams on its own)
    // a request waiting for the owner, then shown: it ignores presses until the clock moves
    const session = await client.openSession(app, device);
    await d.menuItem('Change PIN'); // the PIN pad: link requests wait
    // the request is answered once the owner decides (Cancel below: refused); the page shows it waiting meanwhile
    const reset = session.call('request_factory_reset').then(() => 'answered', (err: Error) => err.message);
    await until('waiting', /^factory-reset$/);
    await d.press('a', true); // the owner leaves the PIN pad: the request shows
    await until('screen-id', /^reset-confirm-1$/);
    await until('arms', /^\d+ ms$/);
    await page.click('[data-advance="1000"]');
    await until('arms', /^takes presses$/);
    await until('clock-now', /s since power-on/);
    await d.press('a'); // Cancel
    t.regex(await reset, /refused the reset/);
    await client.close();
    // power cut and reboot: nothing stale
    await page.click('#power-cut');
    await until('status', /^off: press Reboot$/);
    await until('state', /^off$/);
    await page.click('#reboot');
    await until('status', /^firmware on xs, running$/);
    await until('state', /^locked$/);
    await until('screen-id', /^locked$/);
    t.regex((await text('app'))!, /"QA bench phone"/);
  } finally {
    await b.close();
  }
});
