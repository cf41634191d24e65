// Helpers of the hooksig-wasm tests: a static file server on 127.0.0.1 and a
// headless Debian Chromium driven by playwright-core (never a downloaded browser).
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** The repository root and the vectors, as test.sh passes them. */
export const ROOT = resolve(process.env.HOOKSIG_ROOT ?? '../../..');
export const VECTORS = resolve(process.env.HOOKSIG_VECTORS ?? join(ROOT, 'tests/vectors'));

/**
 * Serves each URL prefix of `mounts` ({ '/prefix/': directory }) from its
 * directory, longest prefix first; resolves to { url, close }.
 */
export async function serve(mounts) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://127.0.0.1').pathname);
    const prefix = prefixes.find((p) => path.startsWith(p));
    const base = prefix && resolve(mounts[prefix]);
    let file = base && normalize(join(base, path.slice(prefix.length)));
    if (file && file.startsWith(base) && statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
      file = join(file, 'index.html');
    }
    if (!file || !file.startsWith(base) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((done) => server.close(done)),
  };
}

/** A headless Chromium with a fresh profile; `close()` removes the profile too. */
export async function launchChromium() {
  const profile = mkdtempSync(join(tmpdir(), 'hooksig-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * For a test file: serves `mounts` and starts Chromium before its tests,
 * stops both after them. The returned object's `url` and `browser` are set
 * once the tests run.
 */
export function servedToChromium(mounts) {
  const session = {};
  before(async () => {
    session.server = await serve(mounts);
    session.url = session.server.url;
    session.browser = await launchChromium();
  });
  after(async () => {
    await session.browser?.close();
    await session.server?.close();
  });
  return session;
}
