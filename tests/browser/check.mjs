// Loads Vigie HTML reports in headless Chromium, offline, and prints one JSON line per
// file: load time, axe-core violations, any request the page tried to make.
//
//   node check.mjs [--no-axe] [--screenshot OUT.png] FILE.html...
//
// The browser is the Debian `chromium` package (or $CHROMIUM); every request that is
// not the report file itself is aborted and reported, so a test fails if the report
// ever reaches for the network.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const args = process.argv.slice(2);
let axe = true;
let screenshot = null;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--no-axe') axe = false;
  else if (args[i] === '--screenshot') screenshot = args[++i];
  else files.push(args[i]);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
try {
  for (const file of files) {
    const url = 'file://' + resolve(file);
    const context = await browser.newContext({ viewport: { width: 1200, height: 1500 } });
    const requests = [];
    await context.route('**/*', (route) => {
      const u = route.request().url();
      if (u === url) return route.continue();
      requests.push(u);
      return route.abort();
    });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const start = Date.now();
    await page.goto(url, { waitUntil: 'load', timeout: 60000 });
    // First paint of the whole document, after layout.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
    const loadMs = Date.now() - start;
    let violations = [];
    if (axe) {
      await page.evaluate(axeSource);
      const res = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
      violations = res.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
      }));
    }
    if (screenshot) await page.screenshot({ path: screenshot });
    console.log(JSON.stringify({ file, loadMs, violations, requests, errors }));
    await context.close();
  }
} finally {
  await browser.close();
}
