// Node-only behaviour of the `hooksig` package, run against the installed
// tarball: the thread-pool verify, the Express and Fastify integrations on a
// real local port, and interop both ways with the npm libraries users have.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request as httpRequest, createServer } from 'node:http';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import express from 'express';
import Fastify from 'fastify';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { sign as octokitSign, verify as octokitVerify } from '@octokit/webhooks-methods';
import { Verifier, sign, backend, SignatureMismatchError } from 'hooksig';
import { verifyWebhook } from 'hooksig/express';
import hooksigFastify from 'hooksig/fastify';

const SECRET = 'node-test-quiltt-secret';
const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const BODY = '{"eventTypes":["account.verified"],"events":[{"type":"account.verified","record":{"id":"acct_1"}}]}';

test('runs the native addon unless told otherwise', () => {
  assert.equal(backend, process.env.HOOKSIG_FORCE_WASM === '1' ? 'wasm' : 'native');
});

test('verifyAsync leaves the event loop free while a 1 MiB body is hashed', async () => {
  const body = Buffer.alloc(1 << 20, 'x');
  const headers = sign('quiltt', SECRET, body);
  const verifier = new Verifier('quiltt', SECRET);
  let ticks = 0;
  let done = false;
  const ticking = (async () => {
    while (!done) {
      await new Promise((resolve) => setImmediate(resolve));
      ticks++;
    }
  })();
  // Several at once: on the libuv pool they overlap with the loop; run inline
  // they would all finish before the first setImmediate callback.
  const results = await Promise.all(Array.from({ length: 8 }, () => verifier.verifyAsync(headers, body)));
  done = true;
  await ticking;
  assert.ok(results.every((r) => r.keyIndex === 0));
  assert.ok(ticks > 0, 'the event loop did not turn while verifying');
});

async function listen(server) {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${server.address().port}`;
}

function post(url, headers, body) {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

test('hooksig/express: raw body read or taken from express.raw(); 401 / 400 with the code', async (t) => {
  const verifier = new Verifier('quiltt', SECRET);
  const app = express();
  const seen = [];
  const handler = (req, res) => {
    seen.push({ isBuffer: Buffer.isBuffer(req.body), webhook: req.webhook });
    res.json(JSON.parse(req.body));
  };
  app.post('/reads-itself', verifyWebhook(verifier), handler);
  app.post('/after-raw', express.raw({ type: '*/*' }), verifyWebhook(verifier), handler);
  app.post('/after-json', express.json(), verifyWebhook(verifier), handler);
  app.post('/small-limit', verifyWebhook(verifier, { limit: 16 }), handler);
  app.use((error, req, res, next) => res.status(500).send(`${error.code}: ${error.message}`));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const base = `http://127.0.0.1:${server.address().port}`;
  const headers = sign('quiltt', SECRET, BODY);

  for (const path of ['/reads-itself', '/after-raw']) {
    const ok = await post(base + path, headers, BODY);
    assert.equal(ok.status, 200, path);
    assert.deepEqual(await ok.json(), JSON.parse(BODY));
    const tampered = await post(base + path, headers, BODY.replace('acct_1', 'acct_2'));
    assert.equal(tampered.status, 401, path);
    assert.equal(await tampered.text(), 'signature_mismatch');
    const unsigned = await post(base + path, {}, BODY);
    assert.equal(unsigned.status, 401);
    assert.equal(await unsigned.text(), 'missing_header');
    const malformed = await post(base + path, { ...headers, 'Quiltt-Timestamp': 'soon' }, BODY);
    assert.equal(malformed.status, 400);
    assert.equal(await malformed.text(), 'malformed_header');
  }
  assert.equal(seen.length, 2);
  assert.ok(seen.every((s) => s.isBuffer && s.webhook.keyIndex === 0 && typeof s.webhook.timestamp === 'number'));

  // express.json() ran first: a server bug, reported to the error handler with the fix.
  const parsed = await post(base + '/after-json', headers, BODY);
  assert.equal(parsed.status, 500);
  assert.match(await parsed.text(), /^invalid_body: .*express\.raw\(/);

  const big = await post(base + '/small-limit', headers, BODY);
  assert.equal(big.status, 413);
  assert.equal(await big.text(), 'invalid_body');
});

test('hooksig/express verifies a 1 MiB body on the thread pool', async (t) => {
  const verifier = new Verifier('standard', WHSEC);
  const app = express();
  app.post('/hook', verifyWebhook(verifier), (req, res) => res.send(String(req.body.length)));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const body = `{"data":"${'x'.repeat((1 << 20) - 11)}"}`;
  const response = await post(`http://127.0.0.1:${server.address().port}/hook`, sign('standard', WHSEC, body), body);
  assert.equal(response.status, 200);
  assert.equal(await response.text(), String(1 << 20));
});

test('hooksig/fastify: raw bodies and verification in its scope only', async (t) => {
  const app = Fastify();
  app.register(async (hooks) => {
    await hooks.register(hooksigFastify, { verifier: new Verifier('bond', WHSEC) });
    hooks.post('/bond', async (request) => ({
      event: JSON.parse(request.body.toString()).event,
      keyIndex: request.webhook.keyIndex,
    }));
  });
  app.post('/json', async (request) => request.body);
  t.after(() => app.close());
  const base = await app.listen({ port: 0, host: '127.0.0.1' });

  const body = '{"event":"card.created","data":{"id":"card_1"}}';
  const ok = await post(`${base}/bond`, sign('bond', WHSEC, body), body);
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { event: 'card.created', keyIndex: 0 });
  const tampered = await post(`${base}/bond`, sign('bond', WHSEC, body), body.replace('card_1', 'card_2'));
  assert.equal(tampered.status, 401);
  assert.equal(await tampered.text(), 'signature_mismatch');
  const plain = await post(`${base}/json`, {}, '{"a":1}');
  assert.deepEqual(await plain.json(), { a: 1 }, 'routes outside the scope keep their JSON parser');
});

test('verifyRequest in a fetch-style handler (what Next.js / Hono / Remix hand over)', async (t) => {
  const verifier = new Verifier('github', SECRET);
  const { createServer } = await import('node:http');
  // A minimal adapter from node:http to a Fetch Request, as those frameworks do.
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const request = new Request(`http://127.0.0.1${req.url}`, {
      method: req.method,
      headers: Object.entries(req.headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])),
      body: Buffer.concat(chunks),
    });
    try {
      const verified = await verifier.verifyRequest(request);
      res.end(verified.json().action);
    } catch (error) {
      res.statusCode = 401;
      res.end(error.code);
    }
  });
  const base = await listen(server);
  t.after(() => server.close());
  const body = '{"action":"opened"}';
  const ok = await post(base, sign('github', SECRET, body, { eventType: 'pull_request' }), body);
  assert.equal(await ok.text(), 'opened');
  const bad = await post(base, sign('github', SECRET, body), body + ' ');
  assert.equal(bad.status, 401);
  assert.equal(await bad.text(), 'signature_mismatch');
});

// --- Hostile input on real servers: a body cap enforced while reading, a body
// another middleware took, and uploads the client abandons.

const MiB = 1024 * 1024;
const DEFAULT_CAP = 5 * MiB;
const unhandled = [];
process.on('unhandledRejection', (reason) => unhandled.push(reason));

/** A JSON body of exactly `n` bytes. */
const padded = (n) => `{"p":"${' '.repeat(n - 8)}"}`;

/**
 * Streams up to `total` bytes in 1 MiB chunks (chunked, or with the
 * Content-Length `declare`d) until the server answers or closes; resolves
 * { status, text, written, error }: `status` null when the connection was
 * reset before an answer arrived.
 */
function flood(url, headers, total, declare = false) {
  return new Promise((resolve) => {
    const { hostname, port, pathname } = new URL(url);
    const all = { 'content-type': 'application/json', ...headers, ...(declare ? { 'content-length': String(total) } : {}) };
    const req = httpRequest({ host: hostname, port, path: pathname, method: 'POST', headers: all });
    const chunk = Buffer.alloc(MiB, 0x20);
    let written = 0;
    let done = false;
    const finish = (result) => {
      if (done) return;
      done = true;
      req.destroy();
      resolve({ written, ...result });
    };
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (data) => (text += data));
      res.on('end', () => finish({ status: res.statusCode, text }));
      res.on('error', () => finish({ status: res.statusCode, text }));
    });
    // A write can fail (EPIPE) while the answer is still being read: give it a moment.
    req.on('error', (error) => setTimeout(() => finish({ status: null, text: '', error: error.code }), 100));
    const pump = () => {
      while (!done && written < total) {
        written += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!done) req.end();
    };
    pump();
  });
}

/** Declares a 1 MB body, sends 10 bytes and closes the connection. */
async function abandonUpload(base, path) {
  const { hostname, port } = new URL(base);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n0123456789`,
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
  socket.destroy();
}

async function until(condition, what) {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(condition(), `timed out waiting for ${what}`);
}

/**
 * The cap checks every adapter must pass at `base + path` (default cap):
 * exactly 5 MiB verifies; one byte more, declared in Content-Length, is 413
 * `invalid_body` before the body is read; a 200 MiB chunked upload is cut
 * off after about the cap. `answers()` gives the statuses the server sent
 * (a client still writing may see the connection close rather than read a
 * 413: Node's http client reports EPIPE), `answers413` whether the adapter
 * can answer at all before the connection closes.
 */
async function checkCap(base, path, answers, { answers413 = true } = {}) {
  const full = padded(DEFAULT_CAP);
  const ok = await post(base + path, sign('standard', WHSEC, full), full);
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), String(DEFAULT_CAP));

  const over = full + ' ';
  const declared = await flood(base + path, sign('standard', WHSEC, over), DEFAULT_CAP + 1, true);
  if (answers413) assert.deepEqual([declared.status, declared.text], [413, 'invalid_body'], JSON.stringify(declared));
  const chunked = await flood(base + path, sign('standard', WHSEC, over), 200 * MiB);
  assert.ok(chunked.status === 413 || chunked.status === null, JSON.stringify(chunked));
  for (const [what, result] of [['Content-Length', declared], ['chunked', chunked]]) {
    assert.ok(result.written <= 64 * MiB, `${what}: the client wrote ${result.written} bytes before the server stopped it`);
  }
  await until(() => answers().length >= 3, 'the server to answer');
  assert.deepEqual(answers().splice(0), [200, 413, 413]);
}

test('hooksig/express: the body cap, a body taken by another middleware, an abandoned upload', async (t) => {
  const verifier = new Verifier('standard', WHSEC);
  const app = express();
  app.set('env', 'test'); // Express's own error handler answers, without logging each error
  const errors = [];
  const statuses = [];
  app.use((req, res, next) => {
    res.on('finish', () => statuses.push(res.statusCode));
    next();
  });
  const length = (req, res) => res.send(String(req.body.length));
  app.post('/hook', verifyWebhook(verifier), length);
  app.post('/small', verifyWebhook(verifier, { maxBody: 1000 }), length);
  app.post('/uncapped', verifyWebhook(verifier, { maxBody: Infinity }), length);
  app.post('/raw-first', express.raw({ type: '*/*', limit: 2000 }), verifyWebhook(verifier, { maxBody: 1000 }), length);
  // A logging middleware that reads the stream and forgets the body.
  const drain = (req, res, next) => {
    req.on('data', () => {});
    req.on('end', () => next());
  };
  app.post('/consumed', drain, verifyWebhook(verifier), length);
  app.post('/parsed', express.json(), verifyWebhook(verifier), length);
  app.use((error, req, res, next) => {
    errors.push(error);
    next(error); // Express's own handler answers with error.status
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const base = `http://127.0.0.1:${server.address().port}`;

  await checkCap(base, '/hook', () => statuses);

  const body = padded(1000);
  const headers = sign('standard', WHSEC, body);
  assert.equal((await post(`${base}/small`, headers, body)).status, 200);
  const over = await post(`${base}/small`, sign('standard', WHSEC, body + ' '), body + ' ');
  assert.deepEqual([over.status, await over.text()], [413, 'invalid_body']);
  assert.equal((await post(`${base}/uncapped`, headers, body)).status, 200);
  // express.raw()'s own limit refuses first (its error, through the error
  // handler); under it, maxBody applies to the Buffer it leaves.
  const rawOver = await post(`${base}/raw-first`, sign('standard', WHSEC, padded(1500)), padded(1500));
  assert.deepEqual([rawOver.status, await rawOver.text()], [413, 'invalid_body']);
  const rawLimit = await post(`${base}/raw-first`, sign('standard', WHSEC, padded(3000)), padded(3000));
  assert.equal(rawLimit.status, 413);
  assert.equal(errors.pop()?.type, 'entity.too.large');

  for (const path of ['/consumed', '/parsed']) {
    const taken = await post(base + path, headers, body);
    assert.equal(taken.status, 400, path);
    assert.match(await taken.text(), /mount verifyWebhook before express\.json\(\)/, path);
    const error = errors.pop();
    assert.equal(error.code, 'invalid_body', path);
    assert.match(error.message, /express\.raw\(\{ type: '\*\/\*' \}\)/, path);
  }

  const before = errors.length;
  await abandonUpload(base, '/hook');
  await until(() => errors.length > before, 'the abandoned upload to reach the error handler');
  assert.equal(errors.at(-1).code, 'ECONNABORTED');
  assert.equal((await post(`${base}/hook`, headers, body)).status, 200, 'the server still serves');
  assert.deepEqual(unhandled, []);
});

test('hooksig/fastify: the body cap, a body another parser took, an abandoned upload', async (t) => {
  const app = Fastify();
  const verifier = new Verifier('standard', WHSEC);
  const length = async (request) => String(request.body.length);
  const errors = [];
  const statuses = [];
  app.addHook('onError', async (request, reply, error) => {
    errors.push(error);
  });
  app.addHook('onResponse', async (request, reply) => {
    statuses.push(reply.statusCode);
  });
  app.register(async (hooks) => {
    await hooks.register(hooksigFastify, { verifier });
    hooks.post('/hook', length);
    hooks.post('/route-limit', { bodyLimit: 1000 }, length);
  });
  app.register(async (hooks) => {
    await hooks.register(hooksigFastify, { verifier, maxBody: 1000 });
    hooks.post('/small', length);
  });
  app.register(async (hooks) => {
    await hooks.register(hooksigFastify, { verifier });
    // A JSON parser added after the plugin, in its scope.
    hooks.addContentTypeParser('application/json', { parseAs: 'string' }, (request, text, done) => done(null, JSON.parse(text)));
    hooks.post('/parsed', length);
  });
  t.after(() => app.close());
  const base = await app.listen({ port: 0, host: '127.0.0.1' });

  await checkCap(base, '/hook', () => statuses);

  const body = padded(1000);
  const headers = sign('standard', WHSEC, body);
  for (const path of ['/small', '/route-limit']) {
    assert.equal((await post(base + path, headers, body)).status, 200, path);
    const over = await post(base + path, sign('standard', WHSEC, body + ' '), body + ' ');
    assert.deepEqual([over.status, await over.text()], [413, 'invalid_body'], path);
  }

  const parsed = await post(`${base}/parsed`, headers, body);
  assert.equal(parsed.status, 400);
  const answer = await parsed.json();
  assert.equal(answer.code, 'invalid_body');
  assert.match(answer.message, /content-type parser added after hooksig\/fastify/);

  const before = errors.length;
  await abandonUpload(base, '/hook');
  await until(() => errors.length > before, 'the abandoned upload to settle');
  assert.equal(errors.at(-1).code, 'ECONNABORTED');
  assert.equal((await post(`${base}/hook`, headers, body)).status, 200, 'the server still serves');
  assert.deepEqual(unhandled, []);
});

test('verifyRequest behind node:http (a Fetch Request over the request stream): cap and abandoned upload', async (t) => {
  const verifier = new Verifier('standard', WHSEC);
  const outcomes = [];
  const statuses = [];
  // What @hono/node-server and the like hand a fetch handler: the body streamed, not buffered.
  const server = createServer(async (req, res) => {
    const request = new Request(`http://127.0.0.1${req.url}`, {
      method: req.method,
      headers: Object.entries(req.headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])),
      body: Readable.toWeb(req),
      duplex: 'half',
    });
    try {
      const verified = await verifier.verifyRequest(request);
      outcomes.push('ok');
      statuses.push(200);
      res.end(String(verified.body.byteLength));
    } catch (error) {
      outcomes.push(error.code ?? error.name);
      res.statusCode = error.httpStatus ?? 500;
      statuses.push(res.statusCode);
      if (res.statusCode === 413) res.setHeader('connection', 'close');
      res.end(error.code ?? 'error');
    }
  });
  const base = await listen(server);
  t.after(() => server.close());

  // The adapter destroys the connection when verifyRequest cancels the body
  // stream, so the client may see a reset rather than the 413.
  await checkCap(base, '/', () => statuses, { answers413: false });
  assert.deepEqual(outcomes.splice(0), ['ok', 'invalid_body', 'invalid_body']);

  await abandonUpload(base, '/');
  await until(() => outcomes.length > 0, 'verifyRequest to settle on the abandoned upload');
  const body = padded(1000);
  assert.equal((await post(base, sign('standard', WHSEC, body), body)).status, 200, 'the server still serves');
  assert.deepEqual(unhandled, []);
});

// --- Interop: each library signs and hooksig verifies, and the other way round.

const NOW = () => Math.floor(Date.now() / 1000);

test('interop: svix', () => {
  const svix = new SvixWebhook(WHSEC);
  const now = new Date();
  const signature = svix.sign('msg_svix', now, BODY);
  const headers = { 'svix-id': 'msg_svix', 'svix-timestamp': String(Math.floor(now / 1000)), 'svix-signature': signature };
  assert.equal(new Verifier('svix', WHSEC).verify(headers, BODY).webhookId, 'msg_svix');
  assert.throws(() => new Verifier('svix', WHSEC).verify(headers, BODY + ' '), SignatureMismatchError);

  const ours = sign('standard', WHSEC, BODY, { webhookId: 'msg_ours' });
  assert.deepEqual(svix.verify(BODY, ours), JSON.parse(BODY));
  assert.throws(() => svix.verify(BODY.replace('acct_1', 'acct_2'), ours));
});

test('interop: standardwebhooks', () => {
  const standard = new StandardWebhook(WHSEC);
  const now = new Date();
  const headers = {
    'webhook-id': 'msg_std',
    'webhook-timestamp': String(Math.floor(now / 1000)),
    'webhook-signature': standard.sign('msg_std', now, BODY),
  };
  assert.equal(new Verifier('standard', WHSEC).verify(headers, BODY).webhookId, 'msg_std');

  const ours = sign('standard', WHSEC, BODY, { webhookId: 'msg_ours' });
  assert.deepEqual(standard.verify(BODY, ours), JSON.parse(BODY));
  assert.throws(() => standard.verify(BODY + ' ', ours));
});

test('interop: stripe', () => {
  const stripe = new Stripe('sk_test_interop_not_a_real_key');
  const secret = 'whsec_stripe_interop_secret';
  const header = stripe.webhooks.generateTestHeaderString({ payload: BODY, secret, timestamp: NOW() });
  assert.equal(new Verifier('stripe', secret).verify({ 'stripe-signature': header }, BODY).keyIndex, 0);

  const ours = sign('stripe', secret, BODY);
  assert.deepEqual(stripe.webhooks.constructEvent(BODY, ours['Stripe-Signature'], secret), JSON.parse(BODY));
  assert.throws(() => stripe.webhooks.constructEvent(BODY + ' ', ours['Stripe-Signature'], secret));
});

test('interop: @octokit/webhooks-methods', async () => {
  const signature = await octokitSign(SECRET, BODY);
  assert.equal(new Verifier('github', SECRET).verify({ 'x-hub-signature-256': signature }, BODY).keyIndex, 0);

  const ours = sign('github', SECRET, BODY);
  assert.equal(await octokitVerify(SECRET, BODY, ours['X-Hub-Signature-256']), true);
  assert.equal(await octokitVerify(SECRET, BODY + ' ', ours['X-Hub-Signature-256']), false);
});

test("the error classes are the core's table, as the addon reports it", async () => {
  const hooksig = await import('hooksig');
  const { createRequire } = await import('node:module');
  const { dirname, join } = await import('node:path');
  const require = createRequire(join(process.cwd(), 'noop.js'));
  // The addon as napi-rs's loader finds it (the platform package).
  const addon = require(join(dirname(require.resolve('hooksig')), 'native.js'));
  const table = addon.errorTable().trimEnd().split('\n').map((line) => line.split(' '));
  assert.deepEqual([...hooksig.ERROR_CODES], table.map(([code]) => code), 'same codes, same order');
  const classes = Object.entries(hooksig).filter(
    ([, value]) => typeof value === 'function' && value.prototype instanceof hooksig.HooksigError && value !== hooksig.VerificationError,
  );
  assert.equal(classes.length, table.length, 'one class per code, no other');
  for (const [code, status, kind] of table) {
    const name = code.replace(/(?:^|_)([a-z])/g, (_, letter) => letter.toUpperCase()) + 'Error';
    const Class = hooksig[name];
    assert.equal(typeof Class, 'function', `no ${name}`);
    const error = new Class('probe');
    assert.equal(error.code, code);
    assert.equal(error.name, name);
    assert.equal(error.httpStatus, Number(status), code);
    assert.equal(error instanceof hooksig.VerificationError, kind === 'Verification', code);
  }
});
