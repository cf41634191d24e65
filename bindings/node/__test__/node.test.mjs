// Node-only behaviour of the `hooksig` package, run against the installed
// tarball: the thread-pool verify, the Express and Fastify integrations on a
// real local port, and interop both ways with the npm libraries users have.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
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
