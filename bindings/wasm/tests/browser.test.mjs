// The browser proof: a page served from 127.0.0.1 loads the installed
// package's web build in headless Chromium, runs every vector, and this test
// reads the results back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VECTORS, servedToChromium } from './support.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const session = servedToChromium({
  '/': join(here, 'browser'),
  '/node_modules/': join(process.cwd(), 'node_modules'),
  '/vectors/': VECTORS,
});

test('every vector passes in Chromium', async () => {
  const page = await session.browser.newPage();
  await page.goto(`${session.url}/vectors.html`);
  const handle = await page.waitForFunction(() => window.hooksigResults, null, { timeout: 60_000 });
  const results = await handle.jsonValue();
  console.log(`chromium: ${results.userAgent.match(/Chrome\/[\d.]+/)?.[0]}, backend ${results.backend}`);
  for (const [suite, count] of Object.entries(results.counts)) console.log(`chromium: ${suite}.json ${count} cases`);
  assert.equal(results.backend, 'wasm');
  assert.ok(results.counts.verify > 0 && results.counts.sign > 0, 'no vectors reached the page');
  assert.deepEqual(results.failures, []);
});
