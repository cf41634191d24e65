// An Atelio/Bond webhook receiver on Fastify.
//
// Bond signs `t + "." + body` with the whole `whsec_...` secret and sends
// `Bond-Signature: t=...,v2=<hex>`; subscriptions name events with wildcards
// such as `card*`. The hooksig plugin keeps bodies raw and verifies them;
// one compiled EventMatcher routes each event to the first handler that wants it.
import Fastify from 'fastify';
import { EventMatcher, Verifier } from 'hooksig';
import hooksigFastify from 'hooksig/fastify';

const secret = process.env.BOND_WEBHOOK_SECRET;
if (!secret) {
  console.error('Set BOND_WEBHOOK_SECRET to the whsec_... secret of your Bond subscription.');
  process.exit(2);
}

// Patterns as in the Bond subscription; the handler of pattern i is handlers[i].
const subscription = ['card*', 'kyc.verification.*', 'account.history.ready'];
const handlers = [
  (event) => `card ${event.data.card_id ?? '?'} ${event.event.slice('card.'.length) || event.event}`,
  (event) => `KYC ${event.event.split('.').pop()} for customer ${event.data.customer_id ?? '?'}`,
  (event) => `account history ready for ${event.data.account_id ?? '?'}`,
];
const routes = new EventMatcher(subscription);

const app = Fastify();

app.register(async (webhooks) => {
  await webhooks.register(hooksigFastify, { verifier: new Verifier('bond', secret) });
  webhooks.post('/webhooks/bond', async (request, reply) => {
    const event = JSON.parse(request.body.toString('utf8'));
    const [route] = routes.matching(event.event);
    if (route === undefined) {
      console.log(`ignored ${event.event} (not in the subscription)`);
      return reply.code(204).send();
    }
    console.log(handlers[route](event));
    return reply.code(204).send();
  });
});

const address = await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' });
console.log(`listening on ${new URL(address).port}`);
