// Verify throughput of hooksig against what Node users run today, at 256 B,
// 4 KiB, 64 KiB and 1 MiB, in one run. A script, not a test: `bench.sh` runs
// it in a project where the packed `hooksig` and the peers are installed.
//
// Times are CPU time of this process per verification (process.cpuUsage), so a
// busy shared machine slows every column alike instead of adding noise; each
// row pits implementations of the same scheme against each other.
//   CORE_BENCH  path of the `node_core_verify` example binary (the Rust core column)
import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { Verifier, sign } from 'hooksig';
import { verify as octokitVerify, sign as octokitSign } from '@octokit/webhooks-methods';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';
import { Webhook as StandardWebhook } from 'standardwebhooks';

const SIZES = [256, 4 << 10, 64 << 10, 1 << 20];
const BUDGET_US = Number(process.env.BENCH_BUDGET_US || 400_000);

function jsonBody(size) {
  // {"data":"xxxx…"}, exactly `size` bytes, so svix/standardwebhooks can parse it.
  return Buffer.from(`{"data":"${'x'.repeat(size - 11)}"}`);
}

/** CPU nanoseconds per call of `fn` (sync or async), after a warm-up. */
async function measure(fn) {
  const isAsync = fn() instanceof Promise;
  for (let i = 0; i < 50; i++) isAsync ? await fn() : fn();
  let runs = 0;
  const start = process.cpuUsage();
  let used = 0;
  while (used < BUDGET_US) {
    if (isAsync) {
      for (let i = 0; i < 8; i++) await fn();
    } else {
      for (let i = 0; i < 8; i++) fn();
    }
    runs += 8;
    const delta = process.cpuUsage(start);
    used = delta.user + delta.system;
  }
  return (used * 1000) / runs;
}

function coreColumn() {
  if (!process.env.CORE_BENCH) return {};
  return JSON.parse(execFileSync(process.env.CORE_BENCH, { encoding: 'utf8' }));
}

// Headers as Express hands them over: the scheme's plus what every request carries.
function incoming(extra, size) {
  return {
    host: '127.0.0.1:3000',
    'user-agent': 'Quiltt-Webhooks/1.0',
    accept: '*/*',
    'content-type': 'application/json',
    'content-length': String(size),
    'accept-encoding': 'gzip',
    connection: 'keep-alive',
    ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k.toLowerCase(), v])),
  };
}

// The Quiltt docs' Express snippet, given the raw body instead of
// JSON.stringify(req.body) (otherwise it would not verify at all).
function handRolledQuiltt(secret, headers, body) {
  const timestamp = headers['quiltt-timestamp'];
  if (!timestamp || Date.now() / 1000 - Number(timestamp) > 300) return false;
  const signature = createHmac('sha256', secret).update(`1${timestamp}`).update(body).digest('base64');
  return headers['quiltt-signature'] === signature;
}

const rows = [];
const core = coreColumn();
const secret = 'bench-secret-for-quiltt';
const whsec = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const stripe = new Stripe('sk_test_bench_not_a_real_key');

for (const size of SIZES) {
  const body = jsonBody(size);
  const text = body.toString();
  const now = Math.floor(Date.now() / 1000);
  const row = { size };

  const quiltt = new Verifier('quiltt', secret);
  const quilttHeaders = incoming(sign('quiltt', secret, body, { timestamp: now }), size);
  if (!handRolledQuiltt(secret, quilttHeaders, body)) throw new Error('hand-rolled baseline does not verify');
  row.quiltt = await measure(() => quiltt.verify(quilttHeaders, body));
  // Only the scheme's own headers: what a header filter would leave to convert.
  const quilttOnly = sign('quiltt', secret, body, { timestamp: now });
  row.quilttOnly = await measure(() => quiltt.verify(quilttOnly, body));
  row.nodeCrypto = await measure(() => handRolledQuiltt(secret, quilttHeaders, body));
  row.core = core[String(size)];

  const github = new Verifier('github', secret);
  const githubHeaders = incoming(sign('github', secret, body), size);
  const octokitSignature = await octokitSign(secret, text);
  if (octokitSignature !== githubHeaders['x-hub-signature-256']) throw new Error('github signatures differ');
  row.github = await measure(() => github.verify(githubHeaders, body));
  row.octokit = await measure(() => octokitVerify(secret, text, octokitSignature));

  const stripeVerifier = new Verifier('stripe', whsec);
  const stripeHeaders = incoming(sign('stripe', whsec, body, { timestamp: now }), size);
  row.stripeHooksig = await measure(() => stripeVerifier.verify(stripeHeaders, body));
  row.stripe = await measure(() => stripe.webhooks.signature.verifyHeader(body, stripeHeaders['stripe-signature'], whsec));

  const standard = new Verifier('standard', whsec);
  const standardHeaders = incoming(sign('standard', whsec, body, { timestamp: now, webhookId: 'msg_bench' }), size);
  const svix = new SvixWebhook(whsec);
  const standardWebhooks = new StandardWebhook(whsec);
  row.standard = await measure(() => standard.verify(standardHeaders, body));
  row.svix = await measure(() => svix.verify(text, standardHeaders));
  row.standardwebhooks = await measure(() => standardWebhooks.verify(text, standardHeaders));
  rows.push(row);
}

const us = (ns) => (ns === undefined ? '—' : ns < 10_000 ? `${(ns / 1000).toFixed(2)} µs` : `${(ns / 1000).toFixed(0)} µs`);
const ratio = (a, b) => (a === undefined || b === undefined ? '—' : `${(a / b).toFixed(2)}×`);
const size = (n) => (n >= 1 << 20 ? `${n >> 20} MiB` : n >= 1024 ? `${n >> 10} KiB` : `${n} B`);

function table(title, headers, cells) {
  console.log(`\n${title}\n`);
  console.log(`| ${headers.join(' | ')} |`);
  console.log(`|${headers.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${[size(row.size), ...cells(row)].join(' | ')} |`);
}

console.log(`hooksig verify benchmark (Node ${process.version}, CPU time per verification, backend ${(await import('hooksig')).backend})`);
table(
  'Quiltt: hooksig vs the docs\' hand-rolled node:crypto snippet and the Rust core (targets: ≤ 0.50× node:crypto at 256 B, ' +
    '≤ 1.15× core at 1 MiB). Headers as Express gives them (9); "2 headers": only the Quiltt pair',
  ['body', 'hooksig', 'node:crypto', 'Rust core', 'hooksig / node:crypto', 'hooksig / core', 'hooksig, 2 headers', '2 headers / node:crypto'],
  (r) => [
    us(r.quiltt),
    us(r.nodeCrypto),
    us(r.core),
    ratio(r.quiltt, r.nodeCrypto),
    ratio(r.quiltt, r.core),
    us(r.quilttOnly),
    ratio(r.quilttOnly, r.nodeCrypto),
  ],
);
table(
  'GitHub: hooksig vs @octokit/webhooks-methods (async verify)',
  ['body', 'hooksig', 'octokit', 'octokit / hooksig'],
  (r) => [us(r.github), us(r.octokit), ratio(r.octokit, r.github)],
);
table(
  'Stripe: hooksig vs stripe.webhooks.signature.verifyHeader',
  ['body', 'hooksig', 'stripe', 'stripe / hooksig'],
  (r) => [us(r.stripeHooksig), us(r.stripe), ratio(r.stripe, r.stripeHooksig)],
);
table(
  'Standard Webhooks: hooksig vs svix and standardwebhooks (both also JSON.parse the payload; target ≥ 20× svix at 1 MiB)',
  ['body', 'hooksig', 'svix', 'standardwebhooks', 'svix / hooksig', 'standardwebhooks / hooksig'],
  (r) => [us(r.standard), us(r.svix), us(r.standardwebhooks), ratio(r.svix, r.standard), ratio(r.standardwebhooks, r.standard)],
);
