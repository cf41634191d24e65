// Starts the receiver on a free local port and sends it Bond events with
// `hooksig send`: signed ones are accepted and routed by their `card*` /
// `kyc.verification.*` pattern, tampered ones refused with 401.
//   HOOKSIG_CLI  the `hooksig` binary (bindings/node/test.sh builds it)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const server = fileURLToPath(new URL('../server.js', import.meta.url));
const env = { ...process.env, BOND_WEBHOOK_SECRET: 'whsec_example-bond-subscription-secret', PORT: '0' };

async function start() {
  const child = spawn(process.execPath, [server], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`the receiver exited with ${code} before listening`);
  });
  exited.catch(() => {}); // killed after the test: not an error then
  const [first] = await Promise.race([once(lines, 'line'), exited]);
  const port = Number(/listening on (\d+)/.exec(first)?.[1]);
  assert.ok(port > 0, `unexpected first line: ${first}`);
  const output = [];
  lines.on('line', (line) => output.push(line));
  return { child, port, output };
}

function send(port, ...args) {
  const result = spawnSync(
    process.env.HOOKSIG_CLI ?? 'hooksig',
    ['send', '--scheme', 'bond', '--secret-env', 'BOND_WEBHOOK_SECRET', '--url', `http://127.0.0.1:${port}/webhooks/bond`, ...args],
    { env, encoding: 'utf8' },
  );
  return { status: result.stdout.trim(), exit: result.status };
}

test('signed Bond events are routed by pattern, tampered ones get 401', async (t) => {
  const { child, port, output } = await start();
  t.after(() => child.kill());

  assert.deepEqual(send(port, '--event', 'card.created'), { status: '204', exit: 0 });
  assert.deepEqual(send(port, '--event', 'kyc.verification.success'), { status: '204', exit: 0 });
  assert.deepEqual(send(port, '--event', 'transfer.completed'), { status: '204', exit: 0 });
  assert.deepEqual(send(port, '--event', 'card.created', '--tamper'), { status: '401', exit: 1 });

  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(output.some((line) => line.startsWith('card ') && line.endsWith(' created')), output.join('\n'));
  assert.ok(output.some((line) => line.startsWith('KYC success')), output.join('\n'));
  assert.ok(output.some((line) => line === 'ignored transfer.completed (not in the subscription)'), output.join('\n'));
});
