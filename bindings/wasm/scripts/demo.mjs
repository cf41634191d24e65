// The demo of demo.sh, against the built package in argv[2].
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const { BUILT_IN_SCHEMES, Verifier, sign } = createRequire(import.meta.url)(resolve(process.argv[2]));

const NOW = 1_700_000_000;
const SECRETS = { standard: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', tratta: 'tratta-demo-secret-0123456789' };

// The ways a body changes between sender and verifier, one per scheme in turn.
const TAMPERS = [
  ['amount edited', (body) => body.replace('4200', '1')],
  ['re-serialized', (body) => JSON.stringify(JSON.parse(body), null, 2)],
  ['trailing newline added', (body) => `${body}\n`],
];

BUILT_IN_SCHEMES.forEach((scheme, index) => {
  const secret = SECRETS[scheme] ?? `${scheme}-demo-secret`;
  const body = JSON.stringify({ type: 'invoice.paid', data: { id: 'inv_123', amount: 4200 } });
  const headers = sign(scheme, secret, body, { timestamp: NOW, eventType: 'invoice.paid' });
  const verifier = new Verifier(scheme, secret);
  const { keyIndex } = verifier.verify(headers, body, { now: NOW });
  const [how, tamper] = TAMPERS[index % TAMPERS.length];
  const tampered = tamper(body);
  let code = 'accepted (!)';
  try {
    verifier.verify(headers, tampered, { now: NOW });
  } catch (error) {
    code = error.code;
  }
  console.log(`wasm: ${scheme.padEnd(8)} verified (key #${keyIndex}); ${how} → ${code}`);
  console.log(`wasm: ${' '.repeat(8)} ${verifier.diagnose(headers, tampered, { now: NOW })}`);
});
