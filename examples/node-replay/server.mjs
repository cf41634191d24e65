// A GitHub webhook receiver that handles each delivery once, however many
// processes receive it: every process claims deliveries in one Redis server
// (REDIS_URL), so a provider's retry, a duplicate from a load balancer or a
// replayed capture is answered without calling the handler again.
//
//   GITHUB_WEBHOOK_SECRET  the webhook's secret
//   REDIS_URL              default redis://127.0.0.1:6379
//   PORT                   default 3000 (0: any free port)
//   HANDLER_DELAY_MS       how long the handler works (to watch a copy get 409)
//   HANDLER_FAILS=1        the handler throws: the claim is released, so the retry goes through
import express from 'express';
import { ReplayStore, Verifier } from 'hooksig';
import { verifyWebhook } from 'hooksig/express';

const verifier = new Verifier('github', process.env.GITHUB_WEBHOOK_SECRET ?? '', {
  // GitHub signs no timestamp, so a captured request verifies forever: its
  // copies are refused for `retention` seconds (the default is 7 days).
  replay: ReplayStore.redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { timeoutMs: 500 }),
});
const delay = Number(process.env.HANDLER_DELAY_MS ?? 0);

const app = express();
// The middleware claims the delivery before the handler runs, completes it
// when the handler answers 2xx and releases it otherwise. A copy gets 409
// while the first is being handled, 200 once it was; 503 if Redis is down.
app.post('/webhooks/github', verifyWebhook(verifier), async (req, res) => {
  const event = JSON.parse(req.body.toString('utf8'));
  await new Promise((resolve) => setTimeout(resolve, delay));
  if (process.env.HANDLER_FAILS === '1') throw new Error(`could not handle ${event.action}`);
  console.log(`handled ${req.get('x-github-delivery')} (${event.action}) in ${process.pid}`);
  res.sendStatus(204);
});
// Express 5 passes a rejected handler's error here: answer 500 without a stack trace.
app.use((error, req, res, next) => {
  console.log(`failed: ${error.message}`);
  res.sendStatus(500);
});

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`listening on ${server.address().port}`);
});
