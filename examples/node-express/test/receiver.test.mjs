// Starts the compiled receiver on a free local port and sends it Quiltt events
// with `hooksig send`, as Quiltt's "send test event" would: signed ones must be
// accepted, tampered ones refused with 401.
//   HOOKSIG_CLI  the `hooksig` binary (bindings/node/test.sh builds it)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const server = fileURLToPath(new URL('../dist/server.js', import.meta.url));
const env = { ...process.env, QUILTT_WEBHOOK_SECRET: 'example-quiltt-subscription-secret', PORT: '0' };

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
    ['send', '--scheme', 'quiltt', '--secret-env', 'QUILTT_WEBHOOK_SECRET', '--url', `http://127.0.0.1:${port}/quiltt_webhook`, ...args],
    { env, encoding: 'utf8' },
  );
  return { status: result.stdout.trim(), exit: result.status };
}

test('signed Quiltt events are accepted, tampered ones get 401', async (t) => {
  const { child, port, output } = await start();
  t.after(() => child.kill());

  assert.deepEqual(send(port), { status: '204', exit: 0 });
  assert.deepEqual(send(port, '--event', 'account.verified'), { status: '204', exit: 0 });
  assert.deepEqual(send(port, '--tamper'), { status: '401', exit: 1 });
  assert.deepEqual(send(port, '--event', 'account.verified', '--tamper'), { status: '401', exit: 1 });

  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(output.some((line) => line.includes('synced successfully')), output.join('\n'));
  assert.ok(output.some((line) => line.includes('ready for payment processing')), output.join('\n'));
});
