// Runs the fetch handler under Node's global Request/Response: direct calls,
// then through a local HTTP bridge driven by `hooksig send` (when test.sh
// passes the CLI in HOOKSIG_CLI), as a provider's "send test event" would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { promisify } from 'node:util';
import { sign } from 'hooksig-wasm/verify';
import handler from './handler.mjs';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const env = { WEBHOOK_SECRET: SECRET };
const BODY = JSON.stringify({ type: 'invoice.paid', data: { id: 'inv_1' } });

function post(body, headers) {
  return new Request('https://receiver.example/webhooks', { method: 'POST', headers, body });
}

test('a signed delivery is accepted', async () => {
  const response = await handler.fetch(post(BODY, sign('standard', SECRET, BODY, { webhookId: 'msg_1' })), env);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { received: 'msg_1', type: 'invoice.paid' });
});

test('tampered, unsigned, replayed and wrongly signed deliveries get 401 with the code', async () => {
  const signed = sign('standard', SECRET, BODY);
  const old = sign('standard', SECRET, BODY, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
  const otherSecret = sign('standard', 'whsec_' + btoa('another secret entirely'), BODY);
  const cases = [
    [post(BODY.replace('paid', 'void'), signed), 'signature_mismatch'],
    [post(BODY, {}), 'missing_header'],
    [post(BODY, old), 'timestamp_too_old'],
    [post(BODY, otherSecret), 'signature_mismatch'],
  ];
  for (const [request, code] of cases) {
    const response = await handler.fetch(request, env);
    assert.equal(response.status, 401);
    assert.deepEqual(await response.json(), { error: code });
  }
});

test('a malformed header gets 400 and a bad configured secret 500, each with its code', async () => {
  const signed = sign('standard', SECRET, BODY);
  const malformed = { ...signed, 'webhook-timestamp': 'yesterday' };
  let response = await handler.fetch(post(BODY, malformed), env);
  assert.equal(response.status, 400);
  assert.deepEqual(await response.json(), { error: 'malformed_header' });
  response = await handler.fetch(post(BODY, signed), { WEBHOOK_SECRET: 'whsec_not base64!' });
  assert.equal(response.status, 500);
  assert.deepEqual(await response.json(), { error: 'invalid_secret' });
});

test('only POST is accepted', async () => {
  const response = await handler.fetch(new Request('https://receiver.example/webhooks'), env);
  assert.equal(response.status, 405);
});

test('hooksig send reaches it through HTTP', { skip: !process.env.HOOKSIG_CLI && 'HOOKSIG_CLI not set' }, async () => {
  // The smallest Node-to-fetch bridge: what Workers, Deno and Bun do natively.
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const request = new Request(`http://127.0.0.1${req.url}`, {
      method: req.method,
      headers: Object.entries(req.headers).flatMap(([n, v]) => (Array.isArray(v) ? v.map((x) => [n, x]) : [[n, v]])),
      body: req.method === 'POST' ? Buffer.concat(chunks) : undefined,
    });
    const response = await handler.fetch(request, env);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${server.address().port}/webhooks`;
  const send = (...extra) =>
    promisify(execFile)(process.env.HOOKSIG_CLI, ['send', '--scheme', 'standard', '--secret-env', 'WEBHOOK_SECRET', '--url', url, ...extra], {
      env: { ...process.env, WEBHOOK_SECRET: SECRET },
    }).then(
      ({ stdout }) => stdout.trim(),
      (error) => error.stdout.trim(),
    );
  try {
    assert.equal(await send(), '200');
    assert.equal(await send('--tamper'), '401');
  } finally {
    await new Promise((done) => server.close(done));
  }
});
