// Checks of the installed package beyond the shared API test: the size budget,
// the Workers entry, and the web build running under Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { register } from 'node:module';
import { join, posix } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const pkg = join(process.cwd(), 'node_modules', 'hooksig-wasm');
// Issue #7's budget, in bytes, for what a browser downloads when it imports
// the light entry: its .wasm and every script it loads, each gzipped.
const BUDGET = 40_000;
// The full API cannot fit it (README.md, "Size", gives what each part costs);
// this ceiling, its written budget, catches its regressions. 107 KiB since
// Standard Webhooks v1a (Ed25519 without curve25519-dalek's precomputed
// tables, about +12 KB) and serde_json (the `json` feature: event types,
// custom schemes as JSON, diagnose's re-serializations, +22.7 KB) came in:
// 109,220 B measured (Debian's rustc-web 1.96), 86,564 B before serde_json,
// 73,849 B before both. The light entry carries neither. 112 KiB since the
// replay guard: its two error codes, verifyKeyed and the shared API's
// ReplayStore with its Map store (113,806 B measured, 110,144 B before).
const CEILING = 112 * 1024;

const gzipped = (file) => gzipSync(readFileSync(join(pkg, file)), { level: 9 }).length;

/** The scripts a browser fetches for `entry`: it and its static imports, followed. */
function scriptsOf(entry, seen = new Set()) {
  seen.add(entry);
  const source = readFileSync(join(pkg, entry), 'utf8');
  for (const [, specifier] of source.matchAll(/(?:\bfrom|\bimport)\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    const file = posix.join(posix.dirname(entry), specifier);
    if (file.endsWith('.js') && !seen.has(file)) scriptsOf(file, seen);
  }
  return [...seen];
}

function measure(entry) {
  const wasm = posix.join(posix.dirname(entry), 'hooksig_wasm_bg.wasm');
  const scripts = scriptsOf(entry);
  const wasmGzipped = gzipped(wasm);
  const jsGzipped = scripts.reduce((sum, file) => sum + gzipped(file), 0);
  return { wasmRaw: readFileSync(join(pkg, wasm)).length, wasmGzipped, scripts, jsGzipped, total: wasmGzipped + jsGzipped };
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const light = measure('web/verify/index.js');
const full = measure('web/index.js');

test(`what a browser downloads: light entry ${light.total} B, full entry ${full.total} B gzipped`, () => {
  for (const [name, size] of [['hooksig-wasm/verify (light)', light], ['hooksig-wasm (full)', full]]) {
    const verdict = size.total <= BUDGET ? 'meets' : 'is over';
    console.log(
      `size: ${name}: .wasm ${size.wasmRaw} B raw, ${size.wasmGzipped} B gzipped; JS ${size.jsGzipped} B gzipped ` +
        `(${size.scripts.length} file${size.scripts.length > 1 ? 's' : ''}); total ${size.total} B = ${kib(size.total)}: ` +
        `${verdict} the ${BUDGET}-byte budget`,
    );
  }
  assert.deepEqual(light.scripts, ['web/verify/index.js'], 'the light entry is one self-contained script');
  assert.ok(light.total <= BUDGET, `light entry: ${light.total} bytes gzipped, budget ${BUDGET}`);
  assert.ok(full.total <= CEILING, `full entry: ${full.total} bytes gzipped, ceiling ${CEILING}`);
});

// wrangler hands a .wasm import over as a compiled WebAssembly.Module; this
// loader hook does the same, so the Workers entry runs here unchanged.
const workersWasmImports = `
export async function load(url, context, next) {
  if (!url.endsWith('.wasm')) return next(url, context);
  return {
    format: 'module',
    shortCircuit: true,
    source: 'import { readFileSync } from "node:fs";' +
      'export default new WebAssembly.Module(readFileSync(new URL(' + JSON.stringify(url) + ')));',
  };
}`;

register(`data:text/javascript,${encodeURIComponent(workersWasmImports)}`);

for (const entry of ['web/workerd.js', 'web/index.js', 'web/verify/workerd.js', 'web/verify/index.js']) {
  test(`the ${entry} entry verifies what it signs`, async (t) => {
    if (!entry.endsWith('workerd.js')) {
      // Node's fetch cannot read file: URLs, which web/index.js uses to find the
      // .wasm next to it; browsers and Deno can. Hand it the bytes instead.
      const realFetch = globalThis.fetch;
      globalThis.fetch = async (url) =>
        new Response(readFileSync(new URL(url)), { headers: { 'content-type': 'application/wasm' } });
      t.after(() => {
        globalThis.fetch = realFetch;
      });
    }
    const hooksig = await import(pathToFileURL(join(pkg, entry)).href);
    assert.equal(hooksig.backend, 'wasm');
    const body = '{"type":"invoice.paid"}';
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const headers = hooksig.sign('standard', secret, body, { timestamp: 1_700_000_000, webhookId: 'msg_1' });
    const verifier = new hooksig.Verifier('standard', secret);
    assert.deepEqual(verifier.verify(new Headers(headers), body, { now: 1_700_000_000 }), {
      keyIndex: 0,
      timestamp: 1_700_000_000,
      webhookId: 'msg_1',
      idSigned: true,
      replayKey: null,
    });
    assert.throws(() => verifier.verify(headers, body + ' ', { now: 1_700_000_000 }), hooksig.SignatureMismatchError);
    // Without a fixed clock the time comes from Date.now(), not from a wasm panic.
    assert.throws(() => verifier.verify(headers, body), hooksig.TimestampTooOldError);
  });
}

test('sign takes bytes and strings alike', async () => {
  const { sign } = await import('hooksig-wasm');
  const body = '{"type":"invoice.paid","note":"\u00e9"}';
  for (const scheme of ['quiltt', 'standard', 'github']) {
    const options = { timestamp: 1_700_000_000, webhookId: 'msg_1' };
    assert.deepEqual(sign(scheme, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', new TextEncoder().encode(body), options), sign(scheme, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', body, options));
  }
});

test('tratta.encrypt is random and decrypts back; eventTypes reads the payload', async () => {
  const { tratta, eventTypes, EventMatcher } = await import('hooksig-wasm');
  const secret = 'tratta-secret-0123456789';
  const [a, b] = [tratta.encrypt(secret, 'hello'), tratta.encrypt(secret, new TextEncoder().encode('hello'))];
  assert.notEqual(a, b);
  assert.deepEqual([...tratta.decrypt(secret, a)], [...new TextEncoder().encode('hello')]);
  assert.throws(() => tratta.decrypt('another-secret-0123456789', a), { code: 'decryption_failed' });
  const types = eventTypes('github', { 'x-github-event': 'pull_request' }, '{"action":"opened"}');
  assert.deepEqual(types, ['pull_request.opened']);
  assert.deepEqual(new EventMatcher(['pull_request', 'push'], { scope: true }).matching(types[0]), [0]);
});

test('the clock defaults to Date.now() in the Node build too', async () => {
  const hooksig = await import('hooksig-wasm');
  const now = Math.floor(Date.now() / 1000);
  const headers = hooksig.sign('slack', 'slack-secret', 'x');
  assert.ok(Math.abs(Number(headers['X-Slack-Request-Timestamp']) - now) <= 5);
  assert.equal(new hooksig.Verifier('slack', 'slack-secret').verify(headers, 'x').timestamp, Number(headers['X-Slack-Request-Timestamp']));
});

test('hooksig-wasm/verify is the verifying half of the API: no diagnose, routing, Tratta or replay guard', async () => {
  const [full, light] = await Promise.all([import('hooksig-wasm'), import('hooksig-wasm/verify')]);
  const leftOut = ['EventMatcher', 'eventTypes', 'tratta', 'ReplayStore'];
  assert.deepEqual(Object.keys(light).sort(), Object.keys(full).filter((name) => !leftOut.includes(name)).sort());
  assert.equal(light.Verifier.prototype.diagnose, undefined);
  assert.equal(typeof full.Verifier.prototype.diagnose, 'function');
  // A separate build: its own wasm instance and classes, behaving the same.
  assert.notEqual(light.Verifier, full.Verifier);
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const body = '{"type":"invoice.paid","id":1}';
  const options = { timestamp: 1_700_000_000, webhookId: 'msg_1' };
  const headers = light.sign('standard', secret, body, options);
  assert.deepEqual(headers, full.sign('standard', secret, body, options));
  const at = { now: 1_700_000_000 };
  assert.deepEqual(new light.Verifier('standard', [secret]).verify(headers, body, at), new full.Verifier('standard', secret).verify(headers, body, at));
  for (const hooksig of [light, full]) {
    assert.throws(() => new hooksig.Verifier('standard', secret).verify(headers, body + ' ', at), hooksig.SignatureMismatchError);
  }
});

test("the error classes of both entries are the core's table, as each wasm build reports it", async () => {
  const { createRequire } = await import('node:module');
  const require = createRequire(join(pkg, 'noop.js'));
  for (const [entry, glue] of [
    ['hooksig-wasm', 'node/hooksig_wasm.js'],
    ['hooksig-wasm/verify', 'node/verify/hooksig_wasm.js'],
  ]) {
    const hooksig = await import(entry);
    const table = require(join(pkg, glue)).errorTable().trimEnd().split('\n').map((line) => line.split(' '));
    assert.deepEqual([...hooksig.ERROR_CODES], table.map(([code]) => code), `${entry}: same codes, same order`);
    for (const [code, status, kind] of table) {
      const name = code.replace(/(?:^|_)([a-z])/g, (_, letter) => letter.toUpperCase()) + 'Error';
      const error = new hooksig[name]('probe');
      assert.equal(error.code, code, `${entry}: ${name}`);
      assert.equal(error.httpStatus, Number(status), `${entry}: ${code}`);
      assert.equal(error instanceof hooksig.VerificationError, kind === 'Verification', `${entry}: ${code}`);
    }
  }
});
