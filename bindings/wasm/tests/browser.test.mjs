// The browser proof: a page served from 127.0.0.1 loads the installed
// package's web build (each entry in turn) in headless Chromium, runs every
// vector, and this test reads the results back.
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

// The full entry runs every suite; the light one (hooksig-wasm/verify) the
// verify, header-text and sign vectors, the suites of the API it has, without
// diagnose.
for (const [entry, suites, diagnose] of [
  ['hooksig-wasm', ['verify', 'header_text', 'sign', 'match', 'decrypt'], true],
  ['hooksig-wasm/verify', ['verify', 'header_text', 'sign'], false],
]) {
  test(`every vector of its API passes in Chromium: ${entry}`, async () => {
    const page = await session.browser.newPage();
    await page.goto(`${session.url}/vectors.html?entry=${encodeURIComponent(entry)}`);
    const handle = await page.waitForFunction(() => window.hooksigResults, null, { timeout: 60_000 });
    const results = await handle.jsonValue();
    console.log(`chromium: ${results.userAgent.match(/Chrome\/[\d.]+/)?.[0]}, ${entry}, backend ${results.backend}`);
    for (const [suite, count] of Object.entries(results.counts)) console.log(`chromium: ${entry}: ${suite}.json ${count} cases`);
    assert.equal(results.entry, entry);
    assert.equal(results.backend, 'wasm');
    assert.equal(results.diagnose, diagnose);
    assert.deepEqual(Object.keys(results.counts), suites);
    assert.ok(suites.every((suite) => results.counts[suite] > 0), 'a suite reached the page empty');
    assert.deepEqual(results.failures, []);
    await page.close();
  });
}
