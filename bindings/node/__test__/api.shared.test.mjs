// The JS API's conformance test, shared by `hooksig` (native) and
// `hooksig-wasm`: every vector of tests/vectors, the bad-input table, and the
// declaration-drift check. Run it with `node --test` from a project that has
// the package installed; the environment chooses what is tested:
//   HOOKSIG_PACKAGE  the package (or package entry) to import (default `hooksig`;
//                    `hooksig-wasm/verify`, the light build, has no diagnose,
//                    routing or Tratta, and the tests of those skip)
//   HOOKSIG_VECTORS  the tests/vectors directory (default: this repository's)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const packageName = process.env.HOOKSIG_PACKAGE || 'hooksig';
const vectorsDir = resolve(process.env.HOOKSIG_VECTORS || join(here, '../../../tests/vectors'));

// Resolved from the working directory, so the test runs against the package
// installed in the project it is run from, not against a source tree.
const requireFromProject = createRequire(join(process.cwd(), 'noop.js'));
const hooksig = await import(packageName);
const {
  Verifier,
  sign,
  EventMatcher,
  eventTypes,
  tratta,
  HooksigError,
  VerificationError,
  ERROR_CODES,
} = hooksig;

// hooksig-wasm/verify leaves diagnose out; every other entry has it.
const hasDiagnose = typeof Verifier.prototype.diagnose === 'function';
// It leaves out the replay guard too (its budget): there a store is refused.
const { ReplayStore, ReplayedError } = hooksig;
const NO_REPLAY = typeof ReplayStore !== 'function' && `${packageName} has no replay guard`;
// The light WASM entry leaves out Ed25519 (Standard Webhooks v1a) to stay in its
// size budget: its v1a cases are skipped, and say so.
const skipV1a = packageName === 'hooksig-wasm/verify' ? 'the light entry leaves out Ed25519 (v1a)' : false;
const skipOf = (testCase) => ({ skip: testCase.name.startsWith('standard/v1a') && skipV1a });

const CONFIGURATION_CODES = new Set(['invalid_secret', 'invalid_pattern', 'invalid_scheme', 'replay_store_unavailable']);
const CLASS_OF_CODE = Object.fromEntries(
  Object.values(hooksig)
    .filter((value) => typeof value === 'function' && value.prototype instanceof HooksigError)
    .map((Class) => [new Class('probe').code, Class])
    .filter(([code]) => code !== undefined),
);

// The core's Error::http_status table, which every error class carries as `httpStatus`.
const HTTP_STATUS_OF_CODE = {
  invalid_secret: 500,
  missing_header: 401,
  malformed_header: 400,
  timestamp_too_old: 401,
  timestamp_in_future: 401,
  no_supported_signature: 401,
  signature_mismatch: 401,
  invalid_body: 400,
  invalid_pattern: 500,
  decryption_failed: 400,
  invalid_scheme: 500,
  replayed: 409,
  replay_store_unavailable: 503,
};

test('every error class carries the HTTP status a receiver answers it with', () => {
  assert.deepEqual(Object.keys(CLASS_OF_CODE).sort(), Object.keys(HTTP_STATUS_OF_CODE).sort());
  for (const [code, Class] of Object.entries(CLASS_OF_CODE)) {
    assert.equal(new Class('probe').httpStatus, HTTP_STATUS_OF_CODE[code], code);
  }
});

function loadVectors(name) {
  const path = join(vectorsDir, `${name}.json`);
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null;
}

function bodyOf(testCase) {
  return testCase.body_base64 != null
    ? Uint8Array.from(atob(testCase.body_base64), (c) => c.charCodeAt(0))
    : testCase.body;
}

/** Asserts that `error` is the hooksig error class of `code`. */
function assertHooksigError(error, code, context) {
  assert.ok(error instanceof HooksigError, `${context}: expected a HooksigError, got ${error && error.name}: ${error && error.message}`);
  if (code) assert.equal(error.code, code, `${context}: ${error.message}`);
  assert.ok(error instanceof CLASS_OF_CODE[error.code], `${context}: ${error.name} is not the class of ${error.code}`);
  assert.equal(error instanceof VerificationError, !CONFIGURATION_CODES.has(error.code), `${context}: VerificationError-ness of ${error.code}`);
  assert.equal(error.httpStatus, HTTP_STATUS_OF_CODE[error.code], `${context}: httpStatus of ${error.code}`);
  assert.ok(error.message.length > 0);
}

function throwsHooksig(fn, code, context) {
  let thrown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown !== undefined, `${context}: did not throw`);
  assertHooksigError(thrown, code, context);
}

async function rejectsHooksig(fn, code, context) {
  let thrown;
  try {
    await fn();
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown !== undefined, `${context}: did not reject`);
  assertHooksigError(thrown, code, context);
}

/** The header forms a user has, for a case whose pairs they can all express. */
function headerForms(pairs) {
  const forms = [['pairs', pairs]];
  const lower = pairs.map(([name]) => name.toLowerCase());
  if (new Set(lower).size !== lower.length) return forms; // duplicates: only pairs keep them apart
  forms.push(['object', Object.fromEntries(pairs.map(([name, value]) => [name.toLowerCase(), value]))]);
  forms.push(['map', new Map(pairs)]);
  if (typeof Headers === 'function') {
    try {
      forms.push(['Headers', new Headers(pairs)]);
    } catch {
      // Fetch Headers refuses some raw values a hand-made pair list can hold.
    }
  }
  return forms;
}

const verifyVectors = loadVectors('verify');

test('verify vectors are present', () => {
  assert.ok(verifyVectors, `no verify.json in ${vectorsDir}`);
  assert.ok(verifyVectors.cases.length > 0);
});

// header_text.json: the same kind of case, with header text that is not ASCII.
const headerTextVectors = loadVectors('header_text');

test('header text vectors are present', () => {
  assert.ok(headerTextVectors?.cases.length > 0, `no header_text.json in ${vectorsDir}`);
});

for (const testCase of [...(verifyVectors?.cases ?? []), ...(headerTextVectors?.cases ?? [])]) {
  test(`verify: ${testCase.name}`, skipOf(testCase), async () => {
    const { expect } = testCase;
    const options = testCase.tolerance != null ? { tolerance: testCase.tolerance } : undefined;
    let verifier;
    try {
      verifier = new Verifier(testCase.scheme, testCase.secrets, options);
    } catch (error) {
      assert.equal(expect.ok, false, `constructor threw ${error.message}`);
      assertHooksigError(error, expect.code, 'constructor');
      assert.ok(CONFIGURATION_CODES.has(expect.code), `constructor threw for a request code ${expect.code}`);
      return;
    }
    const body = bodyOf(testCase);
    const bodies = typeof body === 'string' ? [body, new TextEncoder().encode(body)] : [body];
    const at = { now: testCase.now };
    for (const [form, headers] of headerForms(testCase.headers)) {
      for (const input of bodies) {
        const context = `${form} headers, ${typeof input === 'string' ? 'string' : 'bytes'} body`;
        if (expect.ok) {
          const expected = {
            keyIndex: expect.key_index,
            timestamp: expect.timestamp,
            webhookId: expect.webhook_id,
            idSigned: expect.id_signed,
            replayKey: null,
          };
          assert.deepEqual({ ...verifier.verify(headers, input, at) }, expected, context);
          assert.deepEqual({ ...(await verifier.verifyAsync(headers, input, at)) }, expected, `${context}, async`);
          if (hasDiagnose) assert.equal(verifier.diagnose(headers, input, at), null, context);
          if (!NO_REPLAY) await assertReplayKey(testCase, headers, input, at, context);
        } else {
          throwsHooksig(() => verifier.verify(headers, input, at), expect.code, context);
          await rejectsHooksig(() => verifier.verifyAsync(headers, input, at), expect.code, `${context}, async`);
          if (hasDiagnose) assert.equal(typeof verifier.diagnose(headers, input, at), 'string', context);
        }
      }
    }
  });
}

/**
 * The case's replay key (every binding names the same one) from a memory
 * store's claim and from a store of your own; a copy is then refused.
 */
async function assertReplayKey(testCase, headers, input, at, context) {
  const { expect } = testCase;
  const options = { tolerance: testCase.tolerance ?? undefined };
  const memory = new Verifier(testCase.scheme, testCase.secrets, { ...options, replay: ReplayStore.memory() });
  assert.deepEqual({ ...memory.verify(headers, input, at) }, { ...memory.verify(headers, input, { ...at, replay: null }), replayKey: expect.replay_key }, `${context}, memory store`);
  throwsHooksig(() => memory.verify(headers, input, at), 'replayed', `${context}, a copy`);
  const claimed = [];
  const store = { claim: async (key, ttl) => (claimed.push(key), ttl > 0 ? 'claimed' : 'in_progress'), complete() {}, release() {} };
  const custom = new Verifier(testCase.scheme, testCase.secrets, { ...options, replay: store });
  assert.equal((await custom.verifyAsync(headers, input, at)).replayKey, expect.replay_key, `${context}, own store`);
  assert.deepEqual(claimed, [expect.replay_key]);
}

const signVectors = loadVectors('sign');

for (const testCase of signVectors?.cases ?? []) {
  test(`sign: ${testCase.name}`, skipOf(testCase), () => {
    const options = { timestamp: testCase.timestamp, webhookId: testCase.webhook_id, eventType: testCase.event_type };
    const run = () => sign(testCase.scheme, testCase.secret, bodyOf(testCase), options);
    if (testCase.expect.ok === false) {
      throwsHooksig(run, testCase.expect.code, 'sign');
    } else {
      assert.deepEqual(Object.entries(run()), testCase.expect.headers);
    }
  });
}

const matchVectors = loadVectors('match');

const NO_ROUTING = !EventMatcher && `${packageName} has no EventMatcher`;
const NO_TRATTA = !tratta && `${packageName} has no tratta`;

for (const testCase of matchVectors?.cases ?? []) {
  test(`match: ${testCase.name}`, { skip: NO_ROUTING }, () => {
    const run = () => new EventMatcher(testCase.patterns, { scope: testCase.scope });
    if (testCase.expect.ok === false) {
      throwsHooksig(run, testCase.expect.code, 'EventMatcher');
      return;
    }
    const matcher = run();
    assert.deepEqual(matcher.patterns, testCase.patterns);
    for (const lookup of testCase.expect.lookups) {
      assert.deepEqual(matcher.matching(lookup.type), lookup.matching, lookup.type);
      assert.equal(matcher.matches(lookup.type), lookup.matching.length > 0, lookup.type);
    }
    if (testCase.catalog) {
      assert.deepEqual(matcher.unknownPatterns(testCase.catalog), testCase.expect.unknown);
    }
  });
}

const decryptVectors = loadVectors('decrypt');

for (const testCase of decryptVectors?.cases ?? []) {
  test(`decrypt: ${testCase.name}`, { skip: NO_TRATTA }, () => {
    const run = () => tratta.decrypt(testCase.secret, testCase.data);
    if (testCase.expect.ok === false) {
      throwsHooksig(run, testCase.expect.code, 'decrypt');
      return;
    }
    const expected =
      testCase.expect.plaintext_base64 != null
        ? Uint8Array.from(atob(testCase.expect.plaintext_base64), (c) => c.charCodeAt(0))
        : new TextEncoder().encode(testCase.expect.plaintext);
    assert.deepEqual(new Uint8Array(run()), expected);
    // And back: what encrypt makes, decrypt opens.
    assert.deepEqual(new Uint8Array(tratta.decrypt(testCase.secret, tratta.encrypt(testCase.secret, expected))), expected);
  });
}

test('event types: routing a Bond event through EventMatcher', { skip: NO_ROUTING }, () => {
  const body = '{"event":"card.created","data":{"card_id":"c1"}}';
  assert.deepEqual(eventTypes('bond', [], body), ['card.created']);
  assert.deepEqual(eventTypes('github', { 'x-github-event': 'pull_request' }, '{"action":"opened"}'), ['pull_request.opened']);
  const routes = new EventMatcher(['card*', 'kyc.verification.*']);
  assert.deepEqual(routes.matching('card.created'), [0]);
  throwsHooksig(() => eventTypes('bond', [], '{"not":"bond"}'), 'invalid_body', 'no event field');
  throwsHooksig(() => eventTypes('tratta', [], '{}'), 'missing_header', 'no event header');
});

// --- Bad input: every public entry point throws a HooksigError, never a
// TypeError from deep inside, a crash, or a silent success.

const SECRET = 'bad-input-table-secret';
const BODY = '{"events":[{"type":"account.verified"}]}';
const NOW = 1_700_000_000;
const signed = sign('quiltt', SECRET, BODY, { timestamp: NOW });
const quiltt = new Verifier('quiltt', SECRET);
const signatureOf = signed['Quiltt-Signature'];

const badInputs = [
  // [description, call, code]
  ['scheme: a number', () => new Verifier(42, SECRET), 'invalid_scheme'],
  ['scheme: undefined', () => new Verifier(undefined, SECRET), 'invalid_scheme'],
  ['scheme: null', () => new Verifier(null, SECRET), 'invalid_scheme'],
  ['scheme: an array', () => new Verifier(['quiltt'], SECRET), 'invalid_scheme'],
  ['scheme: unknown name', () => new Verifier('acme', SECRET), 'invalid_scheme'],
  ['scheme: custom with a number header', () => new Verifier({ signature_header: 1 }, SECRET), 'invalid_scheme'],
  ['scheme: custom with an unknown field', () => new Verifier({ signature_header: 'X-Sig', colour: 'red' }, SECRET), 'invalid_scheme'],
  ['scheme: invalid JSON text', () => new Verifier('{"signature_header":', SECRET), 'invalid_scheme'],
  ['secret: undefined', () => new Verifier('quiltt', undefined), 'invalid_secret'],
  ['secret: a number', () => new Verifier('quiltt', 42), 'invalid_secret'],
  ['secret: empty string', () => new Verifier('quiltt', ''), 'invalid_secret'],
  ['secret: empty list', () => new Verifier('quiltt', []), 'invalid_secret'],
  ['secret: list with a number', () => new Verifier('quiltt', [SECRET, 7]), 'invalid_secret'],
  ['secret: a Buffer', () => new Verifier('quiltt', new Uint8Array(16)), 'invalid_secret'],
  ['secret: bad whsec_ base64', () => new Verifier('standard', 'whsec_!!!not base64!!!'), 'invalid_secret'],
  ['secret: too short for tratta', () => new Verifier('tratta', 'short'), 'invalid_secret'],
  ['headers: a number', () => quiltt.verify(42, BODY, { now: NOW }), 'malformed_header'],
  ['headers: a string', () => quiltt.verify('Quiltt-Signature: x', BODY, { now: NOW }), 'malformed_header'],
  ['headers: true', () => quiltt.verify(true, BODY, { now: NOW }), 'malformed_header'],
  ['headers: undefined', () => quiltt.verify(undefined, BODY, { now: NOW }), 'missing_header'],
  ['headers: null', () => quiltt.verify(null, BODY, { now: NOW }), 'missing_header'],
  ['headers: empty object', () => quiltt.verify({}, BODY, { now: NOW }), 'missing_header'],
  ['headers: pair of one', () => quiltt.verify([['Quiltt-Signature']], BODY, { now: NOW }), 'malformed_header'],
  ['headers: pair with a number name', () => quiltt.verify([[1, 'x']], BODY, { now: NOW }), 'malformed_header'],
  ['headers: list of strings', () => quiltt.verify(['Quiltt-Signature', 'x'], BODY, { now: NOW }), 'malformed_header'],
  ['headers: object value', () => quiltt.verify({ ...signed, 'Quiltt-Signature': { v: 1 } }, BODY, { now: NOW }), 'malformed_header'],
  ['headers: array with an object', () => quiltt.verify({ ...signed, 'Quiltt-Signature': [{}] }, BODY, { now: NOW }), 'malformed_header'],
  ['headers: array value, two signatures', () => quiltt.verify({ 'quiltt-timestamp': String(NOW), 'quiltt-signature': [signatureOf, 'AAAA'] }, BODY, { now: NOW }), 'malformed_header'],
  ['headers: empty array value', () => quiltt.verify({ 'quiltt-timestamp': String(NOW), 'quiltt-signature': [] }, BODY, { now: NOW }), 'missing_header'],
  ['headers: NUL smuggling a second header', () => quiltt.verify({ 'quiltt-timestamp': `${NOW}\0Quiltt-Signature\0x`, 'quiltt-signature': signatureOf }, BODY, { now: NOW }), 'malformed_header'],
  ['headers: 1 MiB signature value', () => quiltt.verify({ ...signed, 'Quiltt-Signature': 'A'.repeat(1 << 20) }, BODY, { now: NOW }), null],
  ['headers: 1 MiB timestamp value', () => quiltt.verify({ ...signed, 'Quiltt-Timestamp': '9'.repeat(1 << 20) }, BODY, { now: NOW }), 'malformed_header'],
  ['headers: 10000 unrelated headers', () => quiltt.verify(Object.fromEntries(Array.from({ length: 10000 }, (_, i) => [`x-h${i}`, 'v'])), BODY, { now: NOW }), 'missing_header'],
  ['headers: non-ASCII signature', () => quiltt.verify({ ...signed, 'Quiltt-Signature': 'é'.repeat(44) }, BODY, { now: NOW }), 'malformed_header'],
  ['body: undefined', () => quiltt.verify(signed, undefined, { now: NOW }), 'invalid_body'],
  ['body: null', () => quiltt.verify(signed, null, { now: NOW }), 'invalid_body'],
  ['body: a parsed object', () => quiltt.verify(signed, JSON.parse(BODY), { now: NOW }), 'invalid_body'],
  ['body: a number', () => quiltt.verify(signed, 42, { now: NOW }), 'invalid_body'],
  ['body: an array of bytes', () => quiltt.verify(signed, [123, 125], { now: NOW }), 'invalid_body'],
  ['body: a boolean', () => quiltt.verify(signed, true, { now: NOW }), 'invalid_body'],
  ['body: tampered', () => quiltt.verify(signed, BODY.replace('verified', 'verifieD'), { now: NOW }), 'signature_mismatch'],
  ['diagnose: parsed object body', () => quiltt.diagnose(signed, JSON.parse(BODY)), 'invalid_body'],
  ['diagnose: headers a number', () => quiltt.diagnose(7, BODY), 'malformed_header'],
  ['sign: secret undefined', () => sign('quiltt', undefined, BODY), 'invalid_secret'],
  ['sign: secret a list', () => sign('quiltt', [SECRET], BODY), 'invalid_secret'],
  ['sign: unknown scheme', () => sign('acme', SECRET, BODY), 'invalid_scheme'],
  ['sign: parsed object body', () => sign('quiltt', SECRET, { a: 1 }), 'invalid_body'],
  ['sign: undefined body', () => sign('quiltt', SECRET, undefined), 'invalid_body'],
  ['EventMatcher: a string, not a list', () => new EventMatcher('card*'), 'invalid_pattern'],
  ['EventMatcher: undefined', () => new EventMatcher(undefined), 'invalid_pattern'],
  ['EventMatcher: a number pattern', () => new EventMatcher(['card*', 7]), 'invalid_pattern'],
  ['EventMatcher: upper case', () => new EventMatcher(['Card.Created']), 'invalid_pattern'],
  ['EventMatcher: empty pattern', () => new EventMatcher(['']), 'invalid_pattern'],
  ['EventMatcher: matches(undefined)', () => new EventMatcher(['*']).matches(undefined), 'invalid_body'],
  ['EventMatcher: matching(42)', () => new EventMatcher(['*']).matching(42), 'invalid_body'],
  ['EventMatcher: unknown catalogue', () => new EventMatcher(['*']).unknownPatterns('acme'), 'invalid_scheme'],
  ['EventMatcher: catalogue not a string', () => new EventMatcher(['*']).unknownPatterns(null), 'invalid_scheme'],
  ['eventTypes: parsed body', () => eventTypes('bond', {}, { event: 'card.created' }), 'invalid_body'],
  ['eventTypes: headers a number', () => eventTypes('tratta', 5, '{}'), 'malformed_header'],
  ['eventTypes: unknown scheme', () => eventTypes('acme', {}, '{}'), 'invalid_scheme'],
  ['tratta.decrypt: data a number', () => tratta.decrypt('0123456789abcdef', 42), 'decryption_failed'],
  ['tratta.decrypt: data undefined', () => tratta.decrypt('0123456789abcdef', undefined), 'decryption_failed'],
  ['tratta.decrypt: secret undefined', () => tratta.decrypt(undefined, 'AAAA'), 'invalid_secret'],
  ['tratta.decrypt: not base64', () => tratta.decrypt('0123456789abcdef', '!!!not base64!!!'), 'decryption_failed'],
  ['tratta.decrypt: too short', () => tratta.decrypt('0123456789abcdef', 'AAAA'), 'decryption_failed'],
  ['tratta.encrypt: parsed object', () => tratta.encrypt('0123456789abcdef', { a: 1 }), 'invalid_body'],
];

for (const [description, call, code] of badInputs) {
  // Rows of an API the entry leaves out skip (the light build has no diagnose, routing or Tratta).
  const area = description.match(/^(diagnose|EventMatcher|eventTypes|tratta)\b/)?.[1];
  const present = area === 'diagnose' ? hasDiagnose : hooksig[area];
  const skip = area !== undefined && !present && `${packageName} has no ${area}`;
  test(`bad input: ${description}`, { skip }, () => throwsHooksig(call, code, description));
}

const parsedBodyError = (() => {
  try {
    quiltt.verify(signed, JSON.parse(BODY), { now: NOW });
  } catch (error) {
    return error;
  }
})();

test('a parsed body says how to get the raw one', () => {
  assert.match(parsedBodyError.message, /express\.raw\(/);
  assert.match(parsedBodyError.message, /raw/);
});

test('verify reads only the scheme\'s headers; a repeated one must still agree', async () => {
  // Headers verify never reads are not even converted, so their values cannot fail it.
  const noisy = { ...signed, 'x-forwarded-for': ['10.0.0.1', '10.0.0.2'], 'x-odd': { not: 'a string' }, host: 'example.com' };
  assert.equal(quiltt.verify(noisy, BODY, { now: NOW }).timestamp, NOW);
  assert.equal((await quiltt.verifyAsync(noisy, BODY, { now: NOW })).timestamp, NOW);
  const pairs = [['QUILTT-TIMESTAMP', String(NOW)], ['Quiltt-Signature', signatureOf], ['quiltt-signature', 'AAAA'], ['Host', 'h']];
  throwsHooksig(() => quiltt.verify(pairs, BODY, { now: NOW }), 'malformed_header', 'repeated signature, mixed case');
  await rejectsHooksig(() => quiltt.verifyAsync(pairs, BODY, { now: NOW }), 'malformed_header', 'repeated signature, async');
  // Standard Webhooks' svix-* aliases pass the filter too.
  const standardSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const standard = sign('standard', standardSecret, BODY, { timestamp: NOW, webhookId: 'msg_1' });
  const svix = Object.fromEntries(Object.entries(standard).map(([name, value]) => [name.replace('webhook-', 'svix-'), value]));
  assert.equal(new Verifier('standard', standardSecret).verify({ ...svix, 'user-agent': 'Svix' }, BODY, { now: NOW }).webhookId, 'msg_1');
});

test('header text stands for the bytes an HTTP stack decoded one per character', async () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const standard = new Verifier('standard', secret);
  // An id signed as UTF-8 comes back as the text Node's http (or fetch) shows
  // for those bytes, so it can be sent as it is and verifies either way.
  const headers = sign('standard', secret, BODY, { timestamp: NOW, webhookId: 'caf\u00e9' });
  assert.equal(headers['webhook-id'], 'caf\u00c3\u00a9');
  assert.equal(standard.verify(headers, BODY, { now: NOW }).webhookId, 'caf\u00e9');
  assert.equal((await standard.verifyAsync(headers, BODY, { now: NOW })).webhookId, 'caf\u00e9');
  if (hasDiagnose) assert.equal(standard.diagnose(headers, BODY, { now: NOW }), null);
  // Typed by hand, U+00E9 is the byte 0xE9 a server would have decoded it
  // from: not what was signed.
  throwsHooksig(() => standard.verify({ ...headers, 'webhook-id': 'caf\u00e9' }, BODY, { now: NOW }), 'signature_mismatch', 'latin-1 id');
  // Text no server could have produced (beyond U+00FF) is taken as UTF-8.
  const beyond = sign('standard', secret, BODY, { timestamp: NOW, webhookId: 'msg_\u010d' });
  assert.equal(standard.verify({ ...beyond, 'webhook-id': 'msg_\u010d' }, BODY, { now: NOW }).webhookId, 'msg_\u010d');
  const shown = new Headers(Object.entries(headers));
  assert.equal(standard.verify(shown, BODY, { now: NOW }).webhookId, 'caf\u00e9');
});

test('bad input to verifyAsync rejects with HooksigErrors', async () => {
  await rejectsHooksig(() => quiltt.verifyAsync(42, BODY), 'malformed_header', 'headers');
  await rejectsHooksig(() => quiltt.verifyAsync(signed, { a: 1 }), 'invalid_body', 'body');
  await rejectsHooksig(() => quiltt.verifyAsync(signed, BODY + ' ', { now: NOW }), 'signature_mismatch', 'tampered');
});

test('no error message contains the secret or the signature', () => {
  const wrong = new Verifier('quiltt', 'another-secret-entirely');
  for (const [headers, body] of [[signed, BODY], [signed, BODY + '\n'], [{ 'Quiltt-Signature': signatureOf }, BODY]]) {
    let message = (hasDiagnose && wrong.diagnose(headers, body, { now: NOW })) || '';
    try {
      wrong.verify(headers, body, { now: NOW });
    } catch (error) {
      message += error.message;
    }
    assert.ok(message.length > 0);
    assert.ok(!message.includes('another-secret-entirely') && !message.includes(SECRET));
    assert.ok(!message.includes(signatureOf));
  }
});

function thrown(fn) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  assert.fail('did not throw');
}

async function rejected(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('did not reject');
}

test('replay guard: claim, a copy (409), complete, release; a store of your own', { skip: NO_REPLAY }, async () => {
  const verifier = new Verifier('quiltt', SECRET, { replay: ReplayStore.memory() });
  assert.equal(verifier.replay.kind, 'memory');
  const first = verifier.verify(signed, BODY, { now: NOW });
  assert.match(first.replayKey, /^hooksig:replay:[0-9a-f]{64}$/);
  const busy = thrown(() => verifier.verify(signed, BODY, { now: NOW }));
  assertHooksigError(busy, 'replayed', 'in progress');
  assert.ok(busy instanceof ReplayedError && busy.completed === false);
  await verifier.complete(first);
  const done = await rejected(verifier.verifyAsync(signed, BODY, { now: NOW }));
  assert.equal(done.completed, true);
  assert.notEqual(done.message, busy.message);
  // A released claim lets the retry through; a copy of the result carries no claim.
  const other = new Verifier('quiltt', SECRET, { replay: ReplayStore.memory() });
  const claim = other.verify(signed, BODY, { now: NOW });
  await assert.rejects(other.release({ ...claim }), TypeError);
  await other.release(claim);
  assert.ok(other.verify(signed, BODY, { now: NOW }).replayKey);
  // Per call: another store, or none.
  assert.equal(other.verify(signed, BODY, { now: NOW, replay: null }).replayKey, null);
  assert.ok(other.verify(signed, BODY, { now: NOW, replay: ReplayStore.memory() }).replayKey);

  // A store of your own, async as a Worker's KV or Durable Object, answers as the built-in one.
  const states = new Map();
  const store = {
    claim: async (key) => states.get(key) ?? (states.set(key, 'in_progress'), 'claimed'),
    complete: async (key) => void states.set(key, 'completed'),
    release: async (key) => void states.delete(key),
  };
  const custom = new Verifier('quiltt', SECRET, { replay: store });
  assert.equal(custom.replay.kind, 'custom');
  const mine = await custom.verifyAsync(signed, BODY, { now: NOW });
  assert.equal(mine.replayKey, first.replayKey);
  assert.equal((await rejected(custom.verifyAsync(signed, BODY, { now: NOW }))).message, busy.message);
  await custom.complete(mine);
  assert.equal((await rejected(custom.verifyAsync(signed, BODY, { now: NOW }))).message, done.message);
  assert.throws(() => custom.verify(signed, BODY, { now: NOW }), TypeError);
  // One that fails: replay_store_unavailable (never a silent accept), unless built to fail open.
  const down = { claim: () => Promise.reject(new Error('KV is down')), complete() {}, release() {} };
  const error = await rejected(new Verifier('quiltt', SECRET, { replay: down }).verifyAsync(signed, BODY, { now: NOW }));
  assertHooksigError(error, 'replay_store_unavailable', 'store down');
  assert.equal(error.message, 'replay store unavailable: KV is down');
  const open = new Verifier('quiltt', SECRET, { replay: ReplayStore.custom(down, { failOpen: true }) });
  assert.equal((await open.verifyAsync(signed, BODY, { now: NOW })).replayKey, null);
  assert.throws(() => new Verifier('quiltt', SECRET, { replay: { claim() {} } }), TypeError);
  assert.throws(() => ReplayStore.memory({ maxEntries: 0 }), RangeError);
  assert.throws(() => new ReplayStore(), TypeError);
});

test('replay guard: the memory store is bounded (the oldest goes) and forgets after its retention', { skip: NO_REPLAY }, async () => {
  const verifier = new Verifier('github', 'secret', { replay: ReplayStore.memory({ maxEntries: 3, retention: 1 }) });
  const sent = Array.from({ length: 5 }, (_, i) => [sign('github', 'secret', `{"n":${i}}`), `{"n":${i}}`]);
  for (const [headers, body] of sent) verifier.verify(headers, body);
  assert.ok(verifier.verify(...sent[0]).replayKey, 'the oldest was dropped to make room');
  for (const delivery of sent.slice(3)) throwsHooksig(() => verifier.verify(...delivery), 'replayed', 'still held');
  await new Promise((resolve) => setTimeout(resolve, 1100));
  for (const delivery of sent.slice(3)) assert.ok(verifier.verify(...delivery).replayKey, 'expired');
});

test('an entry without a replay guard refuses a store instead of ignoring it', { skip: !NO_REPLAY && 'this entry has the guard' }, () => {
  const store = { claim: () => 'claimed', complete() {}, release() {} };
  assert.throws(() => new Verifier('quiltt', SECRET, { replay: store }), TypeError);
});

test('options: tolerance, rotation and a clock given in seconds', () => {
  const verifier = new Verifier('quiltt', ['new-secret', SECRET], { tolerance: 10 });
  assert.equal(verifier.tolerance, 10);
  assert.equal(verifier.scheme, 'quiltt');
  assert.equal(verifier.verify(signed, BODY, { now: NOW + 10.9 }).keyIndex, 1);
  throwsHooksig(() => verifier.verify(signed, BODY, { now: NOW + 11 }), 'timestamp_too_old', 'old');
  throwsHooksig(() => verifier.verify(signed, BODY, { now: NOW - 11 }), 'timestamp_in_future', 'future');
  assert.throws(() => new Verifier('quiltt', SECRET, { tolerance: -1 }), RangeError);
  assert.throws(() => verifier.verify(signed, BODY, { now: '1700000000' }), TypeError);
});

test('bodies: Buffer-like views, ArrayBuffer and string agree', () => {
  const bytes = new TextEncoder().encode(BODY);
  const padded = new Uint8Array(bytes.length + 8);
  padded.set(bytes, 4);
  for (const body of [BODY, bytes, bytes.buffer, new DataView(padded.buffer, 4, bytes.length), padded.subarray(4, 4 + bytes.length)]) {
    assert.equal(quiltt.verify(signed, body, { now: NOW }).timestamp, NOW);
  }
});

test('every error code has a class', () => {
  assert.deepEqual(Object.keys(CLASS_OF_CODE).sort(), [...ERROR_CODES].sort());
  assert.equal(ERROR_CODES.length, 13);
});

test('verifyRequest reads and verifies a Fetch Request', { skip: typeof Request !== 'function' && 'no global Request' }, async () => {
  const body = '{"type":"invoice.paid","data":{}}';
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const headers = sign('standard', secret, body, { timestamp: NOW, webhookId: 'msg_1' });
  const verifier = new Verifier('standard', secret);
  const request = () => new Request('http://127.0.0.1/hook', { method: 'POST', headers, body });

  const verified = await verifier.verifyRequest(request(), { now: NOW });
  assert.equal(verified.webhookId, 'msg_1');
  assert.equal(verified.idSigned, true);
  assert.equal(verified.text(), body);
  assert.deepEqual(verified.json(), JSON.parse(body));

  const tampered = new Request('http://127.0.0.1/hook', { method: 'POST', headers, body: body.replace('paid', 'void') });
  await rejectsHooksig(() => verifier.verifyRequest(tampered, { now: NOW }), 'signature_mismatch', 'tampered');

  const used = request();
  await used.text();
  await rejectsHooksig(() => verifier.verifyRequest(used, { now: NOW }), 'invalid_body', 'used body');
  await rejectsHooksig(() => verifier.verifyRequest({ headers }, { now: NOW }), 'invalid_body', 'not a Request');
  await rejectsHooksig(() => verifier.verifyRequest(undefined), 'invalid_body', 'undefined');
});

test('header values: bytes taken as they are, numbers as decimal text', async () => {
  const encode = (text) => new TextEncoder().encode(text);
  const bytesForms = (text) => [encode(text), encode(text).buffer, new DataView(encode(text).buffer)];
  for (const signature of [...bytesForms(signatureOf), [encode(signatureOf)]]) {
    const headers = { 'quiltt-timestamp': NOW, 'quiltt-signature': signature };
    assert.equal(quiltt.verify(headers, BODY, { now: NOW }).timestamp, NOW);
    assert.equal((await quiltt.verifyAsync(headers, BODY, { now: NOW })).timestamp, NOW);
    assert.equal(quiltt.verify(Object.entries(headers), BODY, { now: NOW }).timestamp, NOW, 'pairs');
    assert.equal(quiltt.verify(new Map(Object.entries(headers)), BODY, { now: NOW }).timestamp, NOW, 'Map');
    if (hasDiagnose) assert.equal(quiltt.diagnose(headers, BODY, { now: NOW }), null);
  }
  assert.equal(quiltt.verify({ ...signed, 'Quiltt-Timestamp': [NOW] }, BODY, { now: NOW }).timestamp, NOW, 'number in an array');
  assert.equal(quiltt.verify({ ...signed, 'Quiltt-Timestamp': BigInt(NOW) }, BODY, { now: NOW }).timestamp, NOW, 'bigint');
  // The bytes an id was signed as verify; the Latin-1 bytes of the same text do not.
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const standard = new Verifier('standard', secret);
  const headers = sign('standard', secret, BODY, { timestamp: NOW, webhookId: 'caf\u00e9' });
  const utf8 = { ...headers, 'webhook-id': encode('caf\u00e9') };
  assert.equal(standard.verify(utf8, BODY, { now: NOW }).webhookId, 'caf\u00e9');
  const latin1 = { ...headers, 'webhook-id': Uint8Array.of(0x63, 0x61, 0x66, 0xe9) };
  throwsHooksig(() => standard.verify(latin1, BODY, { now: NOW }), 'signature_mismatch', 'latin-1 bytes');
  // What no header can hold stays malformed.
  for (const [what, value] of [['NaN', NaN], ['Infinity', Infinity], ['a NUL byte', Uint8Array.of(0x31, 0, 0x32)], ['a nested array', [[signatureOf]]]]) {
    throwsHooksig(() => quiltt.verify({ ...signed, 'Quiltt-Signature': value }, BODY, { now: NOW }), 'malformed_header', what);
  }
  // A 1 MiB byte value is converted without overflowing the stack.
  throwsHooksig(() => quiltt.verify({ ...signed, 'Quiltt-Timestamp': new Uint8Array(1 << 20).fill(0x39) }, BODY, { now: NOW }), 'malformed_header', '1 MiB bytes');
});

test('no secret in messages, util.inspect, console output or JSON of verifiers and errors', async () => {
  const { inspect } = await import('node:util');
  const secret = 'hooksig-canary-secret-7d1f';
  const verifier = new Verifier('quiltt', [secret, `${secret}-old`]);
  const texts = [
    inspect(verifier, { showHidden: true, depth: Infinity, getters: true }),
    inspect(Object.getPrototypeOf(verifier), { showHidden: true, depth: Infinity }),
    JSON.stringify(verifier),
    String(verifier),
  ];
  const thrown = [];
  const capture = (fn) => {
    try {
      fn();
    } catch (error) {
      thrown.push(error);
    }
  };
  capture(() => verifier.verify(signed, BODY, { now: NOW }));
  capture(() => new Verifier('tratta', 'canary9'));
  capture(() => new Verifier('standard', `whsec_${secret}!`));
  capture(() => new Verifier('acme', secret));
  capture(() => sign('standard', `whsec_${secret}!`, BODY));
  if (tratta) capture(() => tratta.decrypt(`${secret}-tratta`, 'AAAA'));
  assert.ok(thrown.length >= 5);
  for (const error of thrown) {
    assertHooksigError(error, null, 'hygiene');
    texts.push(error.message, String(error), error.stack, JSON.stringify(error), inspect(error, { showHidden: true, depth: Infinity }));
  }
  for (const text of texts) {
    assert.ok(!text.includes(secret) && !text.includes('canary9'), `a secret leaked into: ${text.slice(0, 200)}`);
  }
});

const requestDuplex = { duplex: 'half' };

/** A streamed body of `total` bytes in `size`-byte chunks that records how much was pulled and whether it was cancelled. */
function countingStream(total, size = 64 * 1024) {
  const state = { pulled: 0, cancelled: false };
  state.stream = new ReadableStream({
    pull(controller) {
      if (state.pulled >= total) {
        controller.close();
        return;
      }
      const n = Math.min(size, total - state.pulled);
      controller.enqueue(new Uint8Array(n).fill(0x20));
      state.pulled += n;
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return state;
}

test('verifyRequest caps the body: Content-Length first, then while streaming', { skip: typeof Request !== 'function' && 'no global Request' }, async () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const verifier = new Verifier('standard', secret);
  const at = (extra) => ({ now: NOW, ...extra });
  const padded = (n) => `{"p":"${' '.repeat(n - 8)}"}`;
  const post = (body, headers, init) => new Request('http://127.0.0.1/hook', { method: 'POST', headers, body, ...init });
  const isTooLarge = (error, max) => {
    assert.ok(error instanceof hooksig.InvalidBodyError, `${error && error.name}: ${error && error.message}`);
    assert.equal(error.code, 'invalid_body');
    assert.equal(error.httpStatus, 413);
    assert.match(error.message, new RegExp(`larger than ${max} bytes`));
    assert.match(error.message, /maxBody/);
    return true;
  };

  // The default cap, 5 MiB: exactly that verifies; one byte more does not.
  const MiB5 = 5 * 1024 * 1024;
  const full = padded(MiB5);
  const fullHeaders = sign('standard', secret, full, { timestamp: NOW, webhookId: 'msg_cap' });
  assert.equal((await verifier.verifyRequest(post(full, fullHeaders), at())).body.byteLength, MiB5);
  await assert.rejects(verifier.verifyRequest(post(full + ' ', fullHeaders), at()), (e) => isTooLarge(e, MiB5));

  // A chosen cap, at and past it; the class's httpStatus stays 400.
  const body = padded(1000);
  const headers = sign('standard', secret, body, { timestamp: NOW, webhookId: 'msg_cap' });
  assert.equal((await verifier.verifyRequest(post(body, headers), at({ maxBody: 1000 }))).webhookId, 'msg_cap');
  await assert.rejects(verifier.verifyRequest(post(body, headers), at({ maxBody: 999 })), (e) => isTooLarge(e, 999));
  assert.equal(new hooksig.InvalidBodyError('probe').httpStatus, 400);

  // Streamed, no Content-Length: reading stops (and the stream is cancelled) one chunk past the cap.
  const endless = countingStream(200 * 1024 * 1024);
  await assert.rejects(verifier.verifyRequest(post(endless.stream, headers, requestDuplex), at({ maxBody: 100_000 })), (e) => isTooLarge(e, 100000));
  assert.ok(endless.pulled <= 100_000 + 3 * 64 * 1024, `pulled ${endless.pulled} bytes`);
  assert.ok(endless.cancelled, 'the body stream was not cancelled');

  // A Content-Length over the cap is refused before any of the body is read.
  const declared = countingStream(200 * 1024 * 1024);
  const big = post(declared.stream, { ...headers, 'content-length': String(200 * 1024 * 1024) }, requestDuplex);
  await assert.rejects(verifier.verifyRequest(big, at({ maxBody: 1000 })), (e) => isTooLarge(e, 1000));
  // (A stream fills its queue with one chunk before anyone reads.)
  assert.ok(declared.pulled <= 64 * 1024, `pulled ${declared.pulled} bytes`);
  assert.ok(declared.cancelled, 'the body stream was not cancelled');

  // Streamed and under the cap, in many chunks: verifies.
  const chunked = new ReadableStream({
    start(controller) {
      for (const byte of new TextEncoder().encode(body)) controller.enqueue(Uint8Array.of(byte));
      controller.close();
    },
  });
  assert.equal((await verifier.verifyRequest(post(chunked, headers, requestDuplex), at({ maxBody: 1000 }))).text(), body);

  // No cap; a bad cap is the caller's mistake.
  for (const maxBody of [Infinity, null]) {
    assert.equal((await verifier.verifyRequest(post(full, fullHeaders), at({ maxBody }))).webhookId, 'msg_cap');
  }
  for (const maxBody of [-1, 1.5, '1000', NaN]) {
    await assert.rejects(verifier.verifyRequest(post(body, headers), at({ maxBody })), RangeError, String(maxBody));
  }

  // A body already read, or locked by a reader, says so with the invalid_body code.
  const locked = post(body, headers);
  locked.body.getReader();
  await rejectsHooksig(() => verifier.verifyRequest(locked, at()), 'invalid_body', 'locked body');
});

/** A declaration file's text, with the files its `export * from` lines name. */
function declarationText(file) {
  const text = readFileSync(file, 'utf8');
  const followed = [...text.matchAll(/^export \* from '(\.[^']+)\.js';/gm)].map(([, from]) =>
    declarationText(join(dirname(file), `${from}.d.ts`)),
  );
  return [text, ...followed].join('\n');
}

test('the runtime exports are exactly the ones the entry\'s declaration file declares', () => {
  // `hooksig-wasm/verify`: the package `hooksig-wasm`, its export `./verify`.
  const [scope, name, ...rest] = packageName.split('/');
  const [root, subpath] = scope.startsWith('@') ? [`${scope}/${name}`, rest] : [scope, [name, ...rest].filter(Boolean)];
  const manifestPath = requireFromProject.resolve(`${root}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const entry = subpath.length ? `./${subpath.join('/')}` : '.';
  const types = manifest.exports?.[entry]?.types ?? (entry === '.' ? manifest.types : undefined);
  assert.ok(types, `${root}/package.json names no types file for ${entry}`);
  const declaration = declarationText(join(dirname(manifestPath), types));
  const declared = [...declaration.matchAll(/^export (?:declare )?(?:class|function|const) (\w+)/gm)].map((m) => m[1]);
  const runtime = Object.keys(hooksig).filter((name) => name !== 'default');
  assert.deepEqual([...new Set(declared)].sort(), runtime.sort());
  assert.equal(/^\s+diagnose\(/m.test(declaration), hasDiagnose, 'Verifier.diagnose: declared vs present');
});

test('CommonJS and ES modules share one set of classes', (t) => {
  let cjs;
  try {
    cjs = requireFromProject(packageName);
  } catch (error) {
    t.skip(`${packageName} has no CommonJS entry: ${error.code}`);
    return;
  }
  assert.equal(cjs.Verifier, Verifier);
  assert.equal(cjs.HooksigError, HooksigError);
  try {
    new cjs.Verifier('quiltt', SECRET).verify(signed, '{}', { now: NOW });
    assert.fail('verified a tampered body');
  } catch (error) {
    assert.ok(error instanceof hooksig.SignatureMismatchError);
  }
});
