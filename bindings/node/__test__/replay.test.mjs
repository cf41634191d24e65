// The replay guard of the native package (issue #16), against a real Redis
// server this test starts itself (Debian's redis-server on a free loopback
// port, no persistence, stopped at the end): claim, complete and release;
// 16 concurrent copies; expiry; the memory store's bound; a store that goes
// down; the middlewares; and two receiver processes (examples/node-replay)
// sharing one Redis. Run from the test project test.sh builds.
//   HOOKSIG_EXAMPLES  the examples directory (default: ../examples)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import Fastify from 'fastify';
import { Verifier, ReplayStore, ReplayedError, ReplayStoreUnavailableError, sign } from 'hooksig';
import { verifyWebhook } from 'hooksig/express';
import hooksigFastify from 'hooksig/fastify';

const here = dirname(fileURLToPath(import.meta.url));
const examples = resolve(process.env.HOOKSIG_EXAMPLES ?? join(here, '../examples'));
const SECRET = 'replay-test-secret';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server of its own on a free loopback port, without persistence. */
async function startRedis() {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`redis-server exited with ${code} before it was ready`);
  });
  exited.catch(() => {});
  await Promise.race([
    (async () => {
      for await (const line of lines) if (line.includes('Ready to accept connections')) return;
    })(),
    exited,
  ]);
  lines.on('line', () => {}); // keep draining its log
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  };
  return { url: `redis://127.0.0.1:${port}/0`, stop };
}

let redis;
before(async () => {
  redis = await startRedis();
});
after(() => redis?.stop());

/** The key a delivery is claimed under (what every store sees). */
const replayKeyOf = ({ headers, body }) =>
  new Verifier('github', SECRET, { replay: ReplayStore.memory() }).verify(headers, body).replayKey;

/**
 * Waits until the shared Redis holds `key` as `state` (null: released, '1':
 * claimed, '2': completed), up to 10 s: a middleware completes or releases
 * after its answer is out, so the next copy's fate depends on that step
 * having run, however loaded the machine is.
 */
async function storeSays(key, state) {
  const run = promisify(execFile);
  for (const end = Date.now() + 10_000; Date.now() < end; await sleep(10)) {
    const { stdout } = await run('redis-cli', ['-u', redis.url, '--raw', 'GET', key]);
    if ((stdout.trim() || null) === state) return true;
  }
  return false;
}

let deliveries = 0;
/** A fresh signed GitHub delivery (its own body, so its own replay key). */
function delivery(fields = {}) {
  const body = JSON.stringify({ action: 'opened', n: ++deliveries, ...fields });
  const headers = sign('github', SECRET, body, { webhookId: `d-${deliveries}`, eventType: 'issues' });
  return { headers, body };
}

async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('did not reject');
}

function thrown(fn) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  assert.fail('did not throw');
}

test('memory store: claim, a copy in progress (409), complete (a copy is handled before), release', async () => {
  const verifier = new Verifier('github', SECRET, { replay: ReplayStore.memory() });
  assert.equal(verifier.replay.kind, 'memory');
  const { headers, body } = delivery();
  const first = verifier.verify(headers, body);
  assert.match(first.replayKey, /^hooksig:replay:[0-9a-f]{64}$/);
  const busy = thrown(() => verifier.verify(headers, body));
  assert.ok(busy instanceof ReplayedError);
  assert.equal(busy.httpStatus, 409);
  assert.equal(busy.completed, false);
  await verifier.complete(first);
  const done = await rejection(verifier.verifyAsync(headers, body));
  assert.equal(done.completed, true);
  assert.ok(!done.message.includes(first.replayKey) && !done.message.includes(headers['X-Hub-Signature-256']));

  const other = delivery();
  const claimed = await verifier.verifyAsync(other.headers, other.body);
  await verifier.release(claimed);
  assert.ok(verifier.verify(other.headers, other.body).replayKey, 'released: the retry is claimed');

  // A store of your own gets the same key and answers with the core's texts.
  const seen = [];
  const mine = {
    states: new Map(),
    claim(key, ttl) {
      seen.push([key, ttl]);
      const state = this.states.get(key);
      if (state) return state;
      this.states.set(key, 'in_progress');
      return 'claimed';
    },
    complete(key) {
      this.states.set(key, 'completed');
    },
    release(key) {
      this.states.delete(key);
    },
  };
  const custom = new Verifier('github', SECRET, { replay: mine });
  const again = await custom.verifyAsync(headers, body);
  assert.equal(again.replayKey, first.replayKey);
  assert.deepEqual(seen, [[first.replayKey, 7 * 24 * 3600]]);
  const busyToo = await rejection(custom.verifyAsync(headers, body));
  assert.equal(busyToo.message, busy.message);
  await custom.complete(again);
  assert.equal((await rejection(custom.verifyAsync(headers, body))).message, done.message);
  assert.throws(() => custom.verify(headers, body), TypeError, 'a store of your own may be async: verifyAsync only');
});

test('memory store: bounded, the oldest goes first; expiry', async () => {
  const verifier = new Verifier('github', SECRET, { replay: ReplayStore.memory({ maxEntries: 3, retention: 1 }) });
  const sent = Array.from({ length: 5 }, () => delivery());
  for (const { headers, body } of sent) verifier.verify(headers, body);
  // The first two were evicted to make room; the last three are still held.
  assert.ok(verifier.verify(sent[0].headers, sent[0].body));
  for (const { headers, body } of sent.slice(3)) assert.throws(() => verifier.verify(headers, body), ReplayedError);
  await sleep(1100);
  for (const { headers, body } of sent.slice(3)) assert.ok(verifier.verify(headers, body), 'expired after the retention');
});

test('redis store: sync verify refuses, verifyAsync claims; complete, release, expiry', async () => {
  const store = ReplayStore.redis(redis.url, { retention: 1 });
  const verifier = new Verifier('github', SECRET, { replay: store });
  const { headers, body } = delivery();
  assert.throws(() => verifier.verify(headers, body), /use verifyAsync/);
  const first = await verifier.verifyAsync(headers, body);
  assert.equal((await rejection(verifier.verifyAsync(headers, body))).completed, false);
  await verifier.release(first);
  const retry = await verifier.verifyAsync(headers, body);
  await verifier.complete(retry);
  assert.equal((await rejection(verifier.verifyAsync(headers, body))).completed, true);
  // The key is the memory store's, which is every binding's.
  const memory = new Verifier('github', SECRET, { replay: ReplayStore.memory() });
  assert.equal(memory.verify(headers, body).replayKey, first.replayKey);
  await sleep(1100);
  assert.ok(await verifier.verifyAsync(headers, body), 'remembered for the retention only');

  // Timestamped schemes: remembered while the request verifies (timestamp + tolerance).
  const standard = new Verifier('standard', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', {
    tolerance: 1,
    replay: ReplayStore.redis(redis.url),
  });
  const now = Math.floor(Date.now() / 1000);
  const signed = sign('standard', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', '{}', { timestamp: now, webhookId: `msg_${now}` });
  await standard.verifyAsync(signed, '{}', { now });
  await assert.rejects(standard.verifyAsync(signed, '{}', { now }), ReplayedError);
  await sleep(2100);
  assert.ok(await standard.verifyAsync(signed, '{}', { now }), 'expired with the window');
});

test('redis store: 16 concurrent copies, exactly one is claimed', async () => {
  const verifier = new Verifier('github', SECRET, { replay: ReplayStore.redis(redis.url) });
  const { headers, body } = delivery();
  const results = await Promise.allSettled(Array.from({ length: 16 }, () => verifier.verifyAsync(headers, body)));
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  assert.ok(results.every((r) => r.status === 'fulfilled' || r.reason instanceof ReplayedError));
});

test('express and fastify: claim, complete on 2xx, release when the handler fails, a handled copy gets 200 unhandled', async (t) => {
  for (const framework of ['express', 'fastify']) {
    const verifier = new Verifier('github', SECRET);
    let calls = 0;
    let fail = true;
    // The handler waits for `hold`, so a copy can arrive while it runs.
    let hold = Promise.resolve();
    const replay = ReplayStore.redis(redis.url);
    let url;
    if (framework === 'express') {
      const app = express();
      app.post('/hook', verifyWebhook(verifier, { replay }), async (req, res) => {
        calls++;
        await hold;
        if (fail) throw new Error('handler failed');
        res.sendStatus(204);
      });
      app.use((error, req, res, next) => res.sendStatus(500));
      const server = app.listen(0, '127.0.0.1');
      await once(server, 'listening');
      t.after(() => server.close());
      url = `http://127.0.0.1:${server.address().port}/hook`;
    } else {
      const app = Fastify();
      app.register(async (scope) => {
        await scope.register(hooksigFastify, { verifier, replay });
        scope.post('/hook', async (request, reply) => {
          calls++;
          await hold;
          if (fail) throw new Error('handler failed');
          return reply.code(204).send();
        });
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      t.after(() => app.close());
      url = `http://127.0.0.1:${app.server.address().port}/hook`;
    }
    const post = ({ headers, body }) => fetch(url, { method: 'POST', headers, body }).then(async (r) => [r.status, await r.text()]);
    const sent = delivery();
    const key = replayKeyOf(sent);
    assert.equal((await post(sent))[0], 500, framework);
    assert.ok(await storeSays(key, null), `${framework}: released after the failure`);
    fail = false;
    // The retry is handled; a copy sent while it is is told to come back later.
    let finish;
    hold = new Promise((resolve) => (finish = resolve));
    const retry = post(sent);
    assert.ok(await storeSays(key, '1'), `${framework}: claimed by the retry`);
    const copy = await post(sent);
    finish();
    assert.deepEqual([(await retry)[0], copy], [204, [409, 'replayed']], framework);
    assert.ok(await storeSays(key, '2'), `${framework}: completed`);
    assert.deepEqual(await post(sent), [200, 'replayed'], `${framework}: a handled copy`);
    assert.equal(calls, 2, `${framework}: the failed call and the retry`);
  }
});

test('a store that cannot be reached: replay_store_unavailable (503), unless built to fail open', async (t) => {
  const own = await startRedis();
  t.after(() => own.stop());
  const verifier = new Verifier('github', SECRET, { replay: ReplayStore.redis(own.url, { timeoutMs: 300 }) });
  const open = new Verifier('github', SECRET, { replay: ReplayStore.redis(own.url, { timeoutMs: 300, failOpen: true }) });
  const sent = delivery();
  assert.ok((await verifier.verifyAsync(sent.headers, sent.body)).replayKey);
  await own.stop();
  const started = Date.now();
  const fresh = delivery();
  const down = await rejection(verifier.verifyAsync(fresh.headers, fresh.body));
  assert.ok(down instanceof ReplayStoreUnavailableError, String(down));
  assert.equal(down.httpStatus, 503);
  assert.ok(Date.now() - started < 2000, 'answered within the timeout');
  const unguarded = await open.verifyAsync(sent.headers, sent.body);
  assert.equal(unguarded.replayKey, null);
  await open.complete(unguarded); // nothing was claimed: nothing to do
  // A store of your own that throws is the same.
  const broken = { claim: async () => { throw new Error('KV is down'); }, complete() {}, release() {} };
  const error = await rejection(new Verifier('github', SECRET, { replay: broken }).verifyAsync(sent.headers, sent.body));
  assert.ok(error instanceof ReplayStoreUnavailableError);
  assert.equal(error.message, 'replay store unavailable: KV is down');
});

test('two receiver processes sharing Redis handle a delivery once (examples/node-replay)', async (t) => {
  const server = join(examples, 'node-replay', 'server.mjs');
  async function receiver(env = {}) {
    const child = spawn(process.execPath, [server], {
      env: { ...process.env, GITHUB_WEBHOOK_SECRET: SECRET, REDIS_URL: redis.url, PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    t.after(() => child.kill());
    const lines = createInterface({ input: child.stdout });
    const [first] = await once(lines, 'line');
    const port = Number(/listening on (\d+)/.exec(first)?.[1]);
    assert.ok(port > 0, first);
    const handled = [];
    lines.on('line', (line) => line.startsWith('handled ') && handled.push(line));
    return { url: `http://127.0.0.1:${port}/webhooks/github`, handled };
  }
  const [a, b, failing] = await Promise.all([receiver({ HANDLER_DELAY_MS: '100' }), receiver(), receiver({ HANDLER_FAILS: '1' })]);
  const post = (to, { headers, body }) => fetch(to.url, { method: 'POST', headers, body }).then((r) => r.status);
  // A receiver prints `handled` on its stdout, which may reach us after its
  // HTTP answer does (two pipes): wait for the line, up to 10 s, on a loaded machine too.
  async function handledUntil(count, receivers) {
    const total = () => receivers.reduce((sum, r) => sum + r.handled.length, 0);
    for (const end = Date.now() + 10_000; total() < count && Date.now() < end; ) await sleep(10);
    return total();
  }

  // 16 concurrent copies over both processes: one is handled, every other
  // copy is told to retry (409) or that it was handled (200).
  const sent = delivery();
  const statuses = await Promise.all(Array.from({ length: 16 }, (_, i) => post(i % 2 ? a : b, sent)));
  assert.equal(statuses.filter((s) => s === 204).length, 1, statuses.join(' '));
  assert.ok(statuses.every((s) => [204, 409, 200].includes(s)), statuses.join(' '));
  assert.equal(await handledUntil(1, [a, b]), 1);
  assert.ok(await storeSays(replayKeyOf(sent), '2'), 'completed');
  assert.deepEqual([await post(a, sent), await post(b, sent)], [200, 200]);
  await sleep(100);
  assert.equal(a.handled.length + b.handled.length, 1);

  // A handler that fails releases the claim: the provider's retry, at the other process, is handled.
  const retried = delivery();
  const handledByB = b.handled.length; // the first delivery went to a or to b
  assert.equal(await post(failing, retried), 500);
  assert.ok(await storeSays(replayKeyOf(retried), null), 'released');
  assert.equal(await post(b, retried), 204);
  assert.equal(await handledUntil(handledByB + 1, [b]), handledByB + 1);
  assert.ok(await storeSays(replayKeyOf(retried), '2'), 'completed');
  assert.equal(await post(a, retried), 200);
});
