// Runs every case of tests/vectors/*.json in the browser against one entry of
// the installed package's web build (`?entry=hooksig-wasm/verify` for the light
// one; the import map in vectors.html resolves it), with every header form a
// page has (pairs, plain object, Map, Fetch Headers) and both body forms;
// browser.test.mjs reads the results back from `window.hooksigResults`. Suites
// whose API the entry leaves out (matching, Tratta) are skipped, not counted,
// and so are the diagnose and replay-key checks of each verify case.
const entry = new URLSearchParams(location.search).get('entry') ?? 'hooksig-wasm';
const hooksig = await import(entry);

const { Verifier, sign, EventMatcher, tratta, HooksigError, ReplayStore } = hooksig;

async function load(name) {
  const response = await fetch(`/vectors/${name}.json`);
  return response.ok ? (await response.json()).cases : [];
}

function bodyOf(testCase) {
  return testCase.body_base64 != null
    ? Uint8Array.from(atob(testCase.body_base64), (c) => c.charCodeAt(0))
    : testCase.body;
}

function headerForms(pairs) {
  const forms = [['pairs', pairs]];
  const lower = pairs.map(([name]) => name.toLowerCase());
  if (new Set(lower).size !== lower.length) return forms;
  forms.push(['object', Object.fromEntries(pairs.map(([name, value]) => [name.toLowerCase(), value]))]);
  forms.push(['map', new Map(pairs)]);
  try {
    forms.push(['Headers', new Headers(pairs)]);
  } catch {
    // Fetch Headers refuses some raw values a hand-made pair list can hold.
  }
  return forms;
}

function outcome(fn) {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    if (!(error instanceof HooksigError)) return { ok: false, code: `not a HooksigError: ${error}` };
    return { ok: false, code: error.code };
  }
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function checkVerify(testCase) {
  const { expect } = testCase;
  const options = testCase.tolerance != null ? { tolerance: testCase.tolerance } : undefined;
  const built = outcome(() => new Verifier(testCase.scheme, testCase.secrets, options));
  if (!built.ok) return expect.ok === false && built.code === expect.code ? null : `constructor: ${built.code}`;
  const body = bodyOf(testCase);
  const bodies = typeof body === 'string' ? [body, new TextEncoder().encode(body)] : [body];
  for (const [form, headers] of headerForms(testCase.headers)) {
    for (const input of bodies) {
      const where = `${form} headers, ${typeof input === 'string' ? 'string' : 'bytes'} body`;
      const got = outcome(() => built.value.verify(headers, input, { now: testCase.now }));
      // The light entry has no diagnose.
      const why = built.value.diagnose ? built.value.diagnose(headers, input, { now: testCase.now }) : undefined;
      if (expect.ok) {
        const want = { keyIndex: expect.key_index, timestamp: expect.timestamp, webhookId: expect.webhook_id, idSigned: expect.id_signed, replayKey: null };
        if (!got.ok || !same(got.value, want)) return `${where}: got ${JSON.stringify(got)}`;
        // The full entry's replay guard names the vector's key (the light entry has none).
        if (ReplayStore) {
          const guarded = outcome(() => built.value.verify(headers, input, { now: testCase.now, replay: ReplayStore.memory() }));
          if (!guarded.ok || guarded.value.replayKey !== expect.replay_key) return `${where}, memory store: got ${JSON.stringify(guarded)}`;
        }
        if (why !== undefined && why !== null) return `${where}: diagnose said ${why}`;
      } else {
        if (got.ok || got.code !== expect.code) return `${where}: got ${JSON.stringify(got)}, want ${expect.code}`;
        if (why !== undefined && typeof why !== 'string') return `${where}: diagnose gave ${why}`;
      }
    }
  }
  return null;
}

function checkSign(testCase) {
  const options = { timestamp: testCase.timestamp, webhookId: testCase.webhook_id, eventType: testCase.event_type };
  const got = outcome(() => sign(testCase.scheme, testCase.secret, bodyOf(testCase), options));
  if (testCase.expect.ok === false) return !got.ok && got.code === testCase.expect.code ? null : JSON.stringify(got);
  return got.ok && same(Object.entries(got.value), testCase.expect.headers) ? null : JSON.stringify(got);
}

function checkMatch(testCase) {
  const built = outcome(() => new EventMatcher(testCase.patterns, { scope: Boolean(testCase.scope) }));
  if (testCase.expect.ok === false) return !built.ok && built.code === testCase.expect.code ? null : JSON.stringify(built);
  if (!built.ok) return built.code;
  for (const { type, matching } of testCase.expect.lookups) {
    if (!same(built.value.matching(type), matching)) return `matching(${JSON.stringify(type)})`;
    if (built.value.matches(type) !== matching.length > 0) return `matches(${JSON.stringify(type)})`;
  }
  if (testCase.catalog != null && !same(built.value.unknownPatterns(testCase.catalog), testCase.expect.unknown)) {
    return `unknownPatterns(${testCase.catalog})`;
  }
  return null;
}

function checkDecrypt(testCase) {
  const got = outcome(() => tratta.decrypt(testCase.secret, testCase.data));
  if (testCase.expect.ok === false) return !got.ok && got.code === testCase.expect.code ? null : JSON.stringify(got);
  if (!got.ok) return got.code;
  const want =
    testCase.expect.plaintext_base64 != null
      ? Uint8Array.from(atob(testCase.expect.plaintext_base64), (c) => c.charCodeAt(0))
      : new TextEncoder().encode(testCase.expect.plaintext);
  return same([...got.value], [...want]) ? null : 'plaintext differs';
}

const suites = { verify: checkVerify, header_text: checkVerify, sign: checkSign };
if (EventMatcher) suites.match = checkMatch;
if (tratta) suites.decrypt = checkDecrypt;
const results = {
  entry,
  backend: hooksig.backend,
  diagnose: typeof Verifier.prototype.diagnose === 'function',
  userAgent: navigator.userAgent,
  counts: {},
  failures: [],
};
// The light entry leaves out Ed25519 (Standard Webhooks v1a) to stay in its
// size budget: its v1a cases are skipped, not counted.
const light = entry === 'hooksig-wasm/verify';
for (const [name, check] of Object.entries(suites)) {
  const cases = (await load(name)).filter((c) => !(light && c.name.startsWith('standard/v1a')));
  results.counts[name] = cases.length;
  for (const testCase of cases) {
    let failure;
    try {
      failure = check(testCase);
    } catch (error) {
      failure = `threw ${error}`;
    }
    if (failure !== null) results.failures.push(`${name}: ${testCase.name}: ${failure}`);
  }
}
// Encryption draws salt and IV from crypto.getRandomValues, through getrandom.
if (tratta) {
  const sealed = [tratta.encrypt('tratta-secret-0123456789', 'hello'), tratta.encrypt('tratta-secret-0123456789', 'hello')];
  if (sealed[0] === sealed[1]) results.failures.push('tratta.encrypt: two encryptions are identical');
  if (new TextDecoder().decode(tratta.decrypt('tratta-secret-0123456789', sealed[0])) !== 'hello') {
    results.failures.push('tratta.encrypt: does not decrypt back');
  }
}
window.hooksigResults = results;
document.getElementById('log').textContent = JSON.stringify(results, null, 2);
