// The benchmark itself, the same code in Node and in Chromium: verify one
// Standard Webhooks request (256 B and 1 MiB bodies) with hooksig-wasm and with
// what users of browsers and edge runtimes reach for instead. Every contestant
// does a whole verification: build the signed message, HMAC it, compare with
// the header's signature. One run; the table gives ratios, nothing asserts.
import * as hooksig from 'hooksig-wasm';
import { createHMAC, createSHA256 } from 'hash-wasm';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';

const SIZES = [256, 1 << 20];
const KEY = Uint8Array.from({ length: 32 }, (_, i) => (i * 73 + 11) & 0xff);
const SECRET = `whsec_${btoa(String.fromCharCode(...KEY))}`;
const encoder = new TextEncoder();

/** A JSON body of exactly `size` bytes. */
function jsonBody(size) {
  const head = '{"type":"invoice.paid","data":"';
  return head + 'x'.repeat(size - head.length - 2) + '"}';
}

function base64(bytes) {
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
  return btoa(text);
}

function concat(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The contestants for one request; each returns (or resolves to) truthy when it verifies. */
async function contestants(headers, text, bytes) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signature = headers['webhook-signature'].slice(3); // "v1,<base64>"
  const prefix = encoder.encode(`${id}.${timestamp}.`);
  const expected = Uint8Array.from(atob(signature), (c) => c.charCodeAt(0));

  const verifier = new hooksig.Verifier('standard', SECRET);
  const hashWasm = await createHMAC(createSHA256(), KEY);
  const cryptoKey = await crypto.subtle.importKey('raw', KEY, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const standard = new StandardWebhook(SECRET);
  const svix = new SvixWebhook(SECRET);
  const svixHeaders = { 'svix-id': id, 'svix-timestamp': timestamp, 'svix-signature': headers['webhook-signature'] };

  // What the replay guard adds: a claim in the memory store per request, and a
  // release so the next round's copy is claimed again instead of refused.
  const guarded = new hooksig.Verifier('standard', SECRET, { replay: hooksig.ReplayStore.memory() });

  return [
    ['hooksig-wasm', () => verifier.verify(headers, bytes)],
    [
      'hooksig-wasm + replay guard (claim, release)',
      async () => {
        const delivery = guarded.verify(headers, bytes);
        await guarded.release(delivery);
        return true;
      },
    ],
    [
      'hash-wasm',
      () => {
        hashWasm.init();
        hashWasm.update(prefix);
        hashWasm.update(bytes);
        return base64(hashWasm.digest('binary')) === signature;
      },
    ],
    ['@noble/hashes', () => base64(hmac.create(sha256, KEY).update(prefix).update(bytes).digest()) === signature],
    ['WebCrypto (awaited)', () => crypto.subtle.verify('HMAC', cryptoKey, expected, concat(prefix, bytes))],
    // What edge SDKs that keep no state between requests do: import the key each time.
    [
      'WebCrypto, key per request',
      async () => {
        const key = await crypto.subtle.importKey('raw', KEY, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
        return crypto.subtle.verify('HMAC', key, expected, concat(prefix, bytes));
      },
    ],
    ['standardwebhooks', () => standard.verify(text, headers)],
    // svix 2 returns nothing and throws on failure.
    ['svix', () => (svix.verify(text, svixHeaders), true)],
  ];
}

const now = () => performance.now();

/** Calls `fn` (sync, or returning a promise) for about `budget` ms; returns ops/s. */
async function measure(fn, isAsync, budget) {
  let done = 0;
  let elapsed = 0;
  const start = now();
  while (elapsed < budget) {
    if (isAsync) {
      for (let i = 0; i < 8; i++) await fn();
    } else {
      for (let i = 0; i < 8; i++) fn();
    }
    done += 8;
    elapsed = now() - start;
  }
  return (done * 1000) / elapsed;
}

// The contestants take turns, ROUNDS times, and each keeps its best round:
// on a shared machine a burst of load then hits one round of everyone
// instead of the whole measurement of one contestant.
const ROUNDS = 10;

/**
 * Runs every contestant at every size; returns rows
 * { size, name, opsPerSecond, mbPerSecond, ratio } where ratio = hooksig-wasm / name.
 */
export async function runBenchmark({ budget = 2500, log = () => {} } = {}) {
  const rows = [];
  for (const size of SIZES) {
    const text = jsonBody(size);
    const bytes = encoder.encode(text);
    const headers = hooksig.sign('standard', SECRET, bytes, { webhookId: 'msg_bench' });
    const runners = [];
    for (const [name, fn] of await contestants(headers, text, bytes)) {
      const first = fn();
      if (!(await first)) throw new Error(`${name} did not verify`);
      runners.push({ name, fn, isAsync: typeof first?.then === 'function', best: 0 });
    }
    const slice = (size > 4096 ? 2 * budget : budget) / ROUNDS;
    for (let round = 0; round < ROUNDS; round++) {
      for (const runner of runners) {
        runner.best = Math.max(runner.best, await measure(runner.fn, runner.isAsync, slice));
      }
    }
    const ours = runners[0].best;
    for (const { name, best } of runners) {
      log(`${size} B ${name}: ${best.toFixed(0)} verifies/s`);
      rows.push({ size, name, opsPerSecond: best, mbPerSecond: (best * size) / 1e6, ratio: ours / best });
    }
  }
  return rows;
}

/** The rows as a Markdown table. */
export function table(rows, where) {
  const lines = [
    `| ${where} | body | verifies/s | MB/s | hooksig-wasm is |`,
    '|---|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const size = row.size >= 1 << 20 ? '1 MiB' : `${row.size} B`;
    const ratio = row.name === 'hooksig-wasm' ? '—' : `${row.ratio.toFixed(2)}×`;
    lines.push(`| ${row.name} | ${size} | ${row.opsPerSecond.toFixed(0)} | ${row.mbPerSecond.toFixed(1)} | ${ratio} |`);
  }
  return lines.join('\n');
}
