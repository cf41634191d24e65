// `demo.sh`: signs a sample event per built-in scheme, verifies it through the
// `hooksig` package, then tampers the body and shows the rejection.
import { createRequire } from 'node:module';

const { Verifier, sign, BUILT_IN_SCHEMES, backend } = createRequire(import.meta.url)('./index.js');

const SECRETS = {
  quiltt: 'quiltt-demo-subscription-secret',
  standard: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  bond: 'whsec_bond-demo-secret',
  tratta: 'tratta-demo-secret-32-characters',
  stripe: 'whsec_stripe_demo_secret',
  github: 'github-demo-secret',
  shopify: 'shopify-demo-secret',
  slack: '8f742231b10e8888abcd99yyyzzz85a5',
};
const EVENTS = {
  quiltt: '{"eventTypes":["connection.synced.successful"],"events":[{"type":"connection.synced.successful","record":{"id":"conn_1"}}]}',
  standard: '{"type":"invoice.paid","data":{"id":"inv_1"}}',
  bond: '{"event":"card.created","data":{"card_id":"card_1"}}',
  tratta: '{"data":{"id":"cus_1","name":"Test customer"}}',
  stripe: '{"id":"evt_1","type":"customer.created","data":{"object":{"id":"cus_1"}}}',
  github: '{"ref":"refs/heads/main","repository":{"id":1296269,"full_name":"octo-org/hello-world"}}',
  shopify: '{"id":820982911946154500,"email":"jon@example.com"}',
  slack: 'token=demo&team_id=T1&command=%2Fweather&text=94070',
};
const NOW = 1_700_000_000;

for (const scheme of BUILT_IN_SCHEMES) {
  const body = EVENTS[scheme];
  const headers = sign(scheme, SECRETS[scheme], body, { timestamp: NOW });
  const verifier = new Verifier(scheme, SECRETS[scheme]);
  const ok = verifier.verify(headers, body, { now: NOW + 5 });
  const tampered = body.replace(/\d/, (d) => String((Number(d) + 1) % 10));
  let rejection = 'NOT REJECTED';
  try {
    verifier.verify(headers, tampered, { now: NOW + 5 });
  } catch (error) {
    rejection = error.code;
  }
  const label = `node (${backend}) ${scheme.padEnd(8)}`;
  console.log(`${label} verified: key ${ok.keyIndex}${ok.timestamp ? `, t=${ok.timestamp}` : ''}${ok.webhookId ? `, id ${ok.webhookId}` : ''}`);
  console.log(`${label} tampered: ${rejection}: ${verifier.diagnose(headers, tampered, { now: NOW + 5 })}`);
}
