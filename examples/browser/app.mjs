// The page's logic: read the form, verify with hooksig-wasm, show the verdict
// and, for a rejection, the sentence `diagnose` gives about the likely mistake.
import { BUILT_IN_SCHEMES, Verifier, VerificationError, sign } from 'hooksig-wasm';

const $ = (id) => document.getElementById(id);

for (const name of BUILT_IN_SCHEMES) $('scheme').add(new Option(name, name));
$('scheme').value = 'standard';

/** `Name: value` lines to [name, value] pairs (a value may itself contain colons). */
function parseHeaders(text) {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const colon = line.indexOf(':');
      return colon < 0 ? [line, ''] : [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
    });
}

function show(kind, verdict, detail) {
  $('result').className = `result ${kind}`;
  $('verdict').textContent = verdict;
  $('detail').textContent = detail;
  $('result').hidden = false;
}

function verify() {
  const headers = parseHeaders($('headers').value);
  const body = $('body').value;
  let verifier;
  try {
    verifier = new Verifier($('scheme').value, $('secret').value);
  } catch (error) {
    show('error', `Cannot check: ${error.code}`, error.message);
    return;
  }
  try {
    const { keyIndex, timestamp, webhookId } = verifier.verify(headers, body);
    const facts = [`key #${keyIndex}`];
    if (timestamp !== null) facts.push(`signed ${new Date(timestamp * 1000).toISOString()}`);
    if (webhookId !== null) facts.push(`id ${webhookId}`);
    show('ok', '✓ Verified', facts.join(' · '));
  } catch (error) {
    if (!(error instanceof VerificationError)) throw error;
    show('rejected', `✗ Rejected: ${error.code}`, verifier.diagnose(headers, body) ?? error.message);
  }
}

/** Signs a sample event for the chosen scheme with a made-up secret. */
function fillSample() {
  const scheme = $('scheme').value;
  const secret = scheme === 'standard' ? 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' : 'whsec_sample-secret-for-this-page';
  const body = JSON.stringify({ type: 'invoice.paid', data: { id: 'inv_123', amount: 4200 } });
  const headers = sign(scheme, secret, body, { webhookId: 'msg_2b9fSample' });
  $('secret').value = secret;
  $('headers').value = Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join('\n');
  $('body').value = body;
  $('result').hidden = true;
}

$('form').addEventListener('submit', (event) => {
  event.preventDefault();
  verify();
});
$('sample').addEventListener('click', fillSample);
document.body.dataset.ready = 'true';
