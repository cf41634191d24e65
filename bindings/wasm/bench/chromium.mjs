// Chromium side of bench.sh: serves bench.html from 127.0.0.1, runs it in
// headless Debian Chromium, prints the table.
import { serve, launchChromium } from './support.mjs';
import { table } from './cases.mjs';

const server = await serve({ '/': process.cwd(), '/node_modules/': `${process.cwd()}/node_modules` });
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}/bench.html`);
  const rows = await (await page.waitForFunction(() => window.benchRows, null, { timeout: 300_000, polling: 500 })).jsonValue();
  const version = await browser.context.browser()?.version?.() ?? (await page.evaluate(() => navigator.userAgent.match(/Chrome\/[\d.]+/)[0]));
  console.log(table(rows, `Chromium ${version}`));
  console.log(JSON.stringify({ chromium: rows }));
} finally {
  await browser.close();
  await server.close();
}
