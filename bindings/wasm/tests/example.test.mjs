// examples/browser as a person uses it: fill in a signed sample, verify it,
// tamper with the body, verify again; screenshots land in target/wasm/screenshots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, servedToChromium } from './support.mjs';

const screenshots = join(ROOT, 'target/wasm/screenshots');
mkdirSync(screenshots, { recursive: true });
const session = servedToChromium({
  '/': join(ROOT, 'examples/browser'),
  '/node_modules/': join(process.cwd(), 'node_modules'),
});

test('examples/browser verifies a sample and explains a tampered body', async () => {
  const page = await session.browser.newPage();
  await page.setViewportSize({ width: 900, height: 820 });
  await page.goto(`${session.url}/`);
  await page.waitForSelector('body[data-ready="true"]');

  await page.selectOption('#scheme', 'standard');
  await page.click('#sample');
  await page.click('#verify');
  assert.equal(await page.textContent('#verdict'), '✓ Verified');
  assert.match(await page.textContent('#detail'), /key #0 · signed \d{4}-.* · id msg_2b9fSample/);
  await page.screenshot({ path: join(screenshots, 'browser-example-verified.png'), fullPage: true });

  // The classic mistake: the body re-serialized with other whitespace.
  const body = await page.inputValue('#body');
  await page.fill('#body', JSON.stringify(JSON.parse(body), null, 1));
  await page.click('#verify');
  assert.equal(await page.textContent('#verdict'), '✗ Rejected: signature_mismatch');
  const sentence = await page.textContent('#detail');
  assert.match(sentence, /re-serialized|whitespace/i, sentence);
  await page.screenshot({ path: join(screenshots, 'browser-example-rejected.png'), fullPage: true });
  console.log(`example: rejected with "${sentence}"`);
  console.log(`example: screenshots in ${screenshots}`);
});
