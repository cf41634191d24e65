'use strict';
// The public JS API of hooksig over a backend (the napi addon, or the WASM
// module): argument checks, conversion of headers and bodies as users have
// them, and error classes. Shared verbatim by `hooksig` and `hooksig-wasm`
// (plain JS, no Node-only imports), so both behave identically; the backend
// contract is in SHARED-API.md.
const errors = require('./errors.js');

const {
  InvalidBodyError,
  InvalidPatternError,
  InvalidSchemeError,
  InvalidSecretError,
  MalformedHeaderError,
  DecryptionFailedError,
  ReplayedError,
  ReplayStoreUnavailableError,
  toHooksigError,
} = errors;

// Above this size `verifyRequest` and the middlewares verify off the main
// thread (where the backend can): hashing 64 KiB takes tens of microseconds,
// about what a hop to the thread pool costs.
const ASYNC_THRESHOLD = 64 * 1024;

// The largest body `verifyRequest` and the middlewares read unless told
// otherwise (option `maxBody`; `Infinity` or `null`: no cap): 5 MiB, as no
// provider sends webhooks near it, and it bounds what one request can make a
// receiver buffer.
const DEFAULT_MAX_BODY = 5 * 1024 * 1024;

/** `options.maxBody` as a number of bytes (`Infinity`: no cap). */
function maxBodyOf(options) {
  const max = options == null ? undefined : options.maxBody;
  if (max === undefined) return DEFAULT_MAX_BODY;
  if (max === null || max === Infinity) return Infinity;
  if (!(Number.isInteger(max) && max >= 0)) throw new RangeError('options.maxBody must be a number of bytes, Infinity or null');
  return max;
}

/**
 * The error of a body over the cap: an InvalidBodyError answered with 413
 * (its own `httpStatus`; the class's is 400). `of`: whose option maxBody is.
 */
function bodyTooLarge(max, of = 'verifyRequest') {
  const error = new InvalidBodyError(
    `invalid body: the request body is larger than ${max} bytes; raise the cap with ${of}'s option maxBody (Infinity: none)`,
  );
  return Object.defineProperty(error, 'httpStatus', { value: 413 });
}

const RAW_BODY_HINT =
  'pass the raw request body (Buffer, Uint8Array, ArrayBuffer or string): in Express use ' +
  "express.raw({ type: '*/*' }) instead of express.json(), in Fastify a content-type parser with " +
  "parseAs: 'buffer' (or hooksig/fastify), in fetch handlers await request.arrayBuffer()";

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? `an object (${Object.prototype.toString.call(value).slice(8, -1)})` : typeof value;
}

function bodyArg(body) {
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    throw new InvalidBodyError(
      `invalid body: got a parsed object, but the signature covers the raw bytes and re-serializing ` +
        `JSON changes them; ${RAW_BODY_HINT}`,
    );
  }
  throw new InvalidBodyError(`invalid body: got ${describe(body)}; ${RAW_BODY_HINT}`);
}

// The headers a verifier reads: `verify` passes the backend only those, as
// converting a request's other headers costs more than a small body's HMAC.
class HeaderFilter {
  constructor(names) {
    this.names = new Set(Array.from(names, (name) => name.toLowerCase()));
    // The core matches names ASCII-case-insensitively, which keeps their
    // length: a name of another length is skipped without lower-casing it.
    this.lengths = new Set(Array.from(this.names, (name) => name.length));
  }

  wants(name) {
    return this.names.has(name) || (this.lengths.has(name.length) && this.names.has(name.toLowerCase()));
  }
}

// Headers cross to the backend as one string, `name\0value\0...`, plus the
// pair count: one string conversion instead of one per name and value.
class HeaderList {
  // `keep`: a HeaderFilter, or undefined for all headers.
  constructor(keep) {
    this.text = '';
    this.count = 0;
    this.keep = keep;
  }

  add(name, value) {
    if (typeof name !== 'string') {
      throw new MalformedHeaderError(`malformed header: a header name is ${describe(name)}, not a string`);
    }
    if (this.keep !== undefined && !this.keep.wants(name)) return;
    if (typeof value === 'string') {
      this.text += name + '\0' + value + '\0';
      this.count++;
    } else if (Array.isArray(value)) {
      // Node gives a repeated header as an array: each element is one occurrence.
      for (const item of value) {
        this.text += name + '\0' + headerText(name, item) + '\0';
        this.count++;
      }
    } else if (value !== undefined && value !== null) {
      this.text += name + '\0' + headerText(name, value) + '\0';
      this.count++;
    }
  }
}

/**
 * One header value as the text the backend reads (SHARED-API.md): a string as
 * it is; bytes (a Buffer, any typed array, an ArrayBuffer) taken as those
 * exact bytes, one character each; a number as its decimal text.
 */
function headerText(name, value) {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isFinite(value))) return String(value);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    const bytes = bodyArg(value);
    let text = '';
    for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
    return text;
  }
  throw new MalformedHeaderError(`malformed header ${name}: the value is ${describe(value)}, not text, bytes or a number`);
}

/**
 * Headers as a plain object, a Fetch `Headers`, a `Map` or `[name, value]` pairs;
 * with `keep` (a HeaderFilter), only the headers it wants.
 */
function headerList(headers, keep) {
  const list = new HeaderList(keep);
  if (headers === undefined || headers === null) return list;
  if (typeof headers !== 'object') {
    throw new MalformedHeaderError(
      `malformed header: headers must be an object, a Headers or [name, value] pairs, not ${describe(headers)}`,
    );
  }
  if (Array.isArray(headers)) {
    for (let i = 0; i < headers.length; i++) {
      const pair = headers[i];
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new MalformedHeaderError(
          `malformed header: headers[${i}] is ${describe(pair)}; pairs must be [name, value] arrays`,
        );
      }
      list.add(pair[0], pair[1]);
    }
  } else if (typeof headers[Symbol.iterator] === 'function') {
    // Fetch Headers and Map iterate [name, value] entries.
    for (const pair of headers) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new MalformedHeaderError('malformed header: iterable headers must yield [name, value] pairs');
      }
      list.add(pair[0], pair[1]);
    }
  } else {
    for (const name in headers) {
      if (Object.prototype.hasOwnProperty.call(headers, name)) list.add(name, headers[name]);
    }
  }
  return list;
}

function schemeArg(scheme) {
  if (typeof scheme === 'string') return scheme;
  if (scheme !== null && typeof scheme === 'object' && !Array.isArray(scheme)) return JSON.stringify(scheme);
  throw new InvalidSchemeError(
    `invalid scheme: expected a scheme name or a custom scheme definition object, got ${describe(scheme)}`,
  );
}

function secretList(secrets) {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  if (!Array.isArray(list) || list.length === 0 || !list.every((s) => typeof s === 'string')) {
    throw new InvalidSecretError(
      `invalid secret: expected a string or a non-empty array of strings, got ${describe(secrets)}`,
    );
  }
  return list;
}

function secretArg(secret) {
  if (typeof secret !== 'string') {
    throw new InvalidSecretError(`invalid secret: expected a string, got ${describe(secret)}`);
  }
  return secret;
}

function optionsArg(options, where) {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object') throw new TypeError(`${where}: options must be an object`);
  return options;
}

function nowArg(options) {
  if (options === undefined) return undefined;
  const now = optionsArg(options, 'verify').now;
  if (now === undefined || now === null) return undefined;
  if (typeof now !== 'number' || !Number.isFinite(now)) {
    throw new TypeError('verify: options.now must be a number of Unix seconds');
  }
  return Math.floor(now);
}

function optionalString(value, what) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new TypeError(`sign: options.${what} must be a string`);
  return value;
}

function call(fn) {
  try {
    return fn();
  } catch (error) {
    throw toHooksigError(error);
  }
}

/**
 * A Fetch Request's body, at most `max` bytes: a larger Content-Length is
 * refused unread, and a streamed body is read chunk by chunk and cancelled
 * as soon as it passes `max`, so an oversized request never sits in memory.
 */
async function readRequest(request, stream, max) {
  // Absent: null, 0; unreadable: NaN; neither is over the cap.
  if (Number(request.headers.get('content-length')) > max) {
    if (stream) stream.cancel().catch(() => {});
    throw bodyTooLarge(max);
  }
  if (!stream) return new Uint8Array(0); // a request without a body
  const reader = stream.getReader();
  const chunks = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const chunk = bodyArg(value);
    length += chunk.byteLength;
    if (length > max) {
      reader.cancel().catch(() => {});
      throw bodyTooLarge(max);
    }
    chunks.push(chunk);
  }
  if (chunks.length === 1) return chunks[0];
  const body = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** Builds the public API over `backend` (see SHARED-API.md). */
function createApi(backend) {
  const decoder = new TextDecoder();
  errors.adoptTable(backend.errorTable());

  // The sync verify's key index, timestamp and id-signed flag come back through
  // this array (see SHARED-API.md); JS is single-threaded, so one per API instance will do.
  const out = new Float64Array(3);

  // Takes a Verifier's `options.replay`. Where the backend has no replay
  // guard (hooksig-wasm's light entry) a store is refused, as ignoring it
  // would accept every copy; the `replay` block below replaces this.
  let adoptStore = (verifier, replay) => {
    if (replay != null) throw new TypeError('options.replay: this entry has no replay guard; import hooksig-wasm');
  };
  // No backend replay guard: no verifier has a store (the `replay` block below
  // replaces both).
  let storeFor = () => undefined;
  let verifyGuarded;

  class Verifier {
    #inner;
    #headerFilter;

    constructor(scheme, secrets, options) {
      const schemeText = schemeArg(scheme);
      const list = secretList(secrets);
      const opts = optionsArg(options, 'Verifier');
      const tolerance = opts.tolerance;
      if (tolerance !== undefined && tolerance !== null && !(Number.isInteger(tolerance) && tolerance >= 0 && tolerance <= 0xffffffff)) {
        throw new RangeError('Verifier: options.tolerance must be a whole number of seconds, 0 to 4294967295');
      }
      this.#inner = call(() => new backend.Verifier(schemeText, list, tolerance ?? undefined, out));
      this.#headerFilter = new HeaderFilter(this.#inner.headerNames);
      adoptStore(this, opts.replay);
    }

    get scheme() {
      return this.#inner.scheme;
    }

    get tolerance() {
      return this.#inner.tolerance;
    }

    verify(headers, body, options) {
      const list = headerList(headers, this.#headerFilter);
      const bytes = bodyArg(body);
      const now = nowArg(options);
      replay: {
        const store = storeFor(options, this);
        if (store) return verifyGuarded(store, this.#inner, list, bytes, now, false);
      }
      let webhookId;
      try {
        webhookId = this.#inner.verify(list.text, list.count, bytes, now);
      } catch (error) {
        throw toHooksigError(error);
      }
      const timestamp = out[1];
      return {
        keyIndex: out[0],
        timestamp: timestamp === timestamp ? timestamp : null,
        webhookId: webhookId ?? null,
        idSigned: out[2] === 1,
        replayKey: null,
      };
    }

    async verifyAsync(headers, body, options) {
      replay: {
        const store = storeFor(options, this);
        if (store) {
          const list = headerList(headers, this.#headerFilter);
          return verifyGuarded(store, this.#inner, list, bodyArg(body), nowArg(options), true);
        }
      }
      // A backend without threads (WASM) verifies in place.
      if (!backend.Verifier.prototype.verifyAsync) return this.verify(headers, body, options);
      const list = headerList(headers, this.#headerFilter);
      const bytes = bodyArg(body);
      const now = nowArg(options);
      try {
        return await this.#inner.verifyAsync(list.text, list.count, bytes, now);
      } catch (error) {
        throw toHooksigError(error);
      }
    }

    diagnose(headers, body, options) {
      const list = headerList(headers);
      const bytes = bodyArg(body);
      const now = nowArg(options);
      return call(() => this.#inner.diagnose(list.text, list.count, bytes, now));
    }

    async verifyRequest(request, options) {
      if (request === null || typeof request !== 'object' || typeof request.arrayBuffer !== 'function') {
        throw new InvalidBodyError(`invalid body: verifyRequest needs a Fetch Request, got ${describe(request)}`);
      }
      const max = maxBodyOf(options);
      const stream = request.body;
      if (request.bodyUsed || (stream && stream.locked)) {
        throw new InvalidBodyError(
          'invalid body: the request body was already read; call verifyRequest before parsing it ' +
            '(or pass request.clone())',
        );
      }
      const body = await readRequest(request, stream, max);
      let async = body.byteLength > ASYNC_THRESHOLD;
      // A replay store may answer asynchronously (and Redis only off the event loop).
      replay: async ||= storeFor(options, this) !== undefined;
      const verified = async ? await this.verifyAsync(request.headers, body, options) : this.verify(request.headers, body, options);
      // The same object: a guarded one is what complete and release take.
      return Object.assign(verified, {
        body,
        text: () => decoder.decode(body),
        json: () => JSON.parse(decoder.decode(body)),
      });
    }
  }

  // hooksig-wasm's light entry (`hooksig-wasm/verify`) has no diagnose: its
  // backend leaves it out, as its code does not fit that entry's budget.
  if (!backend.Verifier.prototype.diagnose) delete Verifier.prototype.diagnose;

  function sign(scheme, secret, body, options) {
    const schemeText = schemeArg(scheme);
    const secretText = secretArg(secret);
    const bytes = bodyArg(body);
    const opts = optionsArg(options, 'sign');
    const timestamp = opts.timestamp;
    if (timestamp !== undefined && timestamp !== null && !Number.isSafeInteger(timestamp)) {
      throw new TypeError('sign: options.timestamp must be a whole number of Unix seconds');
    }
    const flat = call(() =>
      backend.sign(
        schemeText,
        secretText,
        bytes,
        timestamp ?? undefined,
        optionalString(opts.webhookId, 'webhookId'),
        optionalString(opts.eventType, 'eventType'),
      ),
    );
    const headers = {};
    for (let i = 0; i < flat.length; i += 2) headers[flat[i]] = flat[i + 1];
    return headers;
  }

  const api = { Verifier, sign };

  // The replay guard (issue #16: each delivery is handled once), where the
  // backend can name replay keys: hooksig-wasm's light entry cannot, and its
  // bundler drops every statement labelled `replay` (esbuild --drop-labels).
  replay: if (backend.Verifier.prototype.verifyKeyed) {
    // The core's DEFAULT_RETENTION and MemoryStore::DEFAULT_MAX_ENTRIES.
    const DEFAULT_RETENTION = 7 * 24 * 60 * 60;
    const DEFAULT_MAX_ENTRIES = 100_000;
    // The core's texts of Error::Replayed, for the copies a store in JS refuses
    // (the shared test checks they match the native guard's).
    const REPLAYED = {
      true: 'replayed: this delivery was handled before',
      false: 'replayed: this delivery is being handled now; retry later',
    };
    const SYNC_ONLY =
      'verify: this replay store answers asynchronously (Redis, or a store of your own); ' +
      'use verifyAsync, or the Express / Fastify middleware, so the event loop never waits for it';

    // Each store's settings, out of reach of user code: `guard` (a native
    // ReplayGuard) or `js` (an object with claim / complete / release).
    const internals = new WeakMap();
    // Each guarded verification result → [store settings, key, ttl], for complete / release.
    const claims = new WeakMap();

    const wholeNumber = (value, fallback, what) => {
      if (value === undefined || value === null) return fallback;
      if (!(Number.isInteger(value) && value >= 1 && value <= 0xffffffff)) {
        throw new RangeError(`ReplayStore: ${what} must be a whole number from 1 to 4294967295`);
      }
      return value;
    };
    const failOpenOf = (opts) => {
      if (opts.failOpen !== undefined && typeof opts.failOpen !== 'boolean') {
        throw new TypeError('ReplayStore: options.failOpen must be a boolean');
      }
      return opts.failOpen === true;
    };

    // The memory store where the backend has no native guard (WebAssembly,
    // where Rust's std has no clock). A Map keeps insertion order, so its first
    // keys are the oldest claims: expired ones there are dropped, and the oldest
    // when the map is full, as the core's MemoryStore does.
    class MemoryMap {
      constructor(max) {
        this.max = max;
        this.map = new Map();
      }

      claim(key, ttl) {
        const now = Date.now();
        const entry = this.map.get(key);
        if (entry !== undefined && entry[1] > now) return entry[0];
        this.map.delete(key);
        for (const [oldest, [, expires]] of this.map) {
          if (expires > now && this.map.size < this.max) break;
          this.map.delete(oldest);
        }
        this.map.set(key, ['in_progress', now + ttl * 1000]);
        return 'claimed';
      }

      complete(key, ttl) {
        this.map.delete(key);
        this.map.set(key, ['completed', Date.now() + ttl * 1000]);
      }

      release(key) {
        this.map.delete(key);
      }
    }

    /** Where a verifier remembers deliveries: `ReplayStore.memory()`, `.redis(url)` or `.custom(store)`. */
    class ReplayStore {
      constructor() {
        throw new TypeError('ReplayStore: use ReplayStore.memory(), ReplayStore.redis(url) or ReplayStore.custom(store)');
      }

      /** One process's store: at most `maxEntries` deliveries (default 100,000), the oldest dropped first. */
      static memory(options) {
        const opts = optionsArg(options, 'ReplayStore.memory');
        const max = wholeNumber(opts.maxEntries, DEFAULT_MAX_ENTRIES, 'options.maxEntries');
        const retention = wholeNumber(opts.retention, DEFAULT_RETENTION, 'options.retention (seconds)');
        const failOpen = failOpenOf(opts);
        return make('memory', retention, failOpen, (store) => {
          if (backend.ReplayGuard) store.guard = call(() => backend.ReplayGuard.memory(max, retention, failOpen));
          else store.js = new MemoryMap(max);
        });
      }

      /** A store a fleet shares: one Redis server (`SET NX PX`); claims only through verifyAsync. */
      static redis(url, options) {
        if (typeof url !== 'string') throw new TypeError('ReplayStore.redis: url must be a string (redis://host:port[/db])');
        if (!backend.ReplayGuard) {
          throw new TypeError(
            'ReplayStore.redis: WebAssembly has no sockets; back ReplayStore.custom with your platform\'s store (a Durable Object, KV)',
          );
        }
        const opts = optionsArg(options, 'ReplayStore.redis');
        const retention = wholeNumber(opts.retention, DEFAULT_RETENTION, 'options.retention (seconds)');
        const timeout = wholeNumber(opts.timeoutMs, 2000, 'options.timeoutMs');
        const failOpen = failOpenOf(opts);
        return make('redis', retention, failOpen, (store) => {
          store.guard = call(() => backend.ReplayGuard.redis(url, retention, timeout, failOpen));
        });
      }

      /**
       * A store of your own: `claim(key, ttlSeconds)` → 'claimed' | 'in_progress' |
       * 'completed', `complete(key, ttlSeconds)`, `release(key)`, each may return a promise.
       */
      static custom(store, options) {
        if (store === null || typeof store !== 'object' || !['claim', 'complete', 'release'].every((m) => typeof store[m] === 'function')) {
          throw new TypeError('ReplayStore.custom: the store must have claim, complete and release methods');
        }
        const opts = optionsArg(options, 'ReplayStore.custom');
        const retention = wholeNumber(opts.retention, DEFAULT_RETENTION, 'options.retention (seconds)');
        return make('custom', retention, failOpenOf(opts), (internal) => {
          internal.js = store;
        });
      }

      /** `'memory'`, `'redis'` or `'custom'`. */
      get kind() {
        return internals.get(this).kind;
      }

      /** Seconds a delivery without a signed timestamp is remembered. */
      get retention() {
        return internals.get(this).retention;
      }
    }

    function make(kind, retention, failOpen, init) {
      const internal = { kind, retention, failOpen, guard: undefined, js: undefined };
      init(internal);
      const store = Object.create(ReplayStore.prototype);
      internals.set(store, internal);
      return store;
    }

    /** `replay` as a ReplayStore (a store of your own wrapped), or null. */
    const storeOf = (replay) =>
      replay === undefined || replay === null ? null : replay instanceof ReplayStore ? replay : ReplayStore.custom(replay);
    // Each verifier's own store (options.replay), when it has one.
    const ownStores = new WeakMap();
    adoptStore = (verifier, replay) => {
      const store = storeOf(replay);
      if (store) ownStores.set(verifier, store);
    };
    // The settings of the store a call claims in: `options.replay` when given
    // (null: none), else the verifier's own.
    storeFor = (options, verifier) =>
      internals.get(
        options !== undefined && options !== null && options.replay !== undefined ? storeOf(options.replay) : ownStores.get(verifier),
      );

    /** The public result of a delivery, remembered for complete / release when claimed. */
    function delivered(internal, delivery) {
      const result = {
        keyIndex: delivery.keyIndex,
        timestamp: delivery.timestamp,
        webhookId: delivery.webhookId,
        idSigned: delivery.idSigned,
        replayKey: delivery.replayKey,
      };
      if (delivery.replayKey !== null) claims.set(result, [internal, delivery.replayKey, delivery.ttl]);
      return result;
    }

    /** A native guard's error, with `completed` kept for a replayed copy. */
    function guardError(error) {
      const converted = toHooksigError(error);
      if (converted instanceof ReplayedError) converted.completed = error.completed === true;
      return converted;
    }

    /** A store in JS that failed: fail closed, unless the store was built to fail open. */
    function unavailable(internal, reason) {
      if (internal.failOpen) return;
      throw new ReplayStoreUnavailableError(`replay store unavailable: ${reason}`);
    }
    const reasonOf = (error) => (error instanceof Error ? error.message : String(error));

    /** What a store in JS answered to a claim of `keyed`. */
    function claimed(internal, keyed, answer) {
      if (answer === 'claimed') return delivered(internal, keyed);
      if (answer === 'in_progress' || answer === 'completed') {
        throw Object.assign(new ReplayedError(REPLAYED[answer === 'completed']), { completed: answer === 'completed' });
      }
      unavailable(internal, `claim answered ${describe(answer)}, not 'claimed', 'in_progress' or 'completed'`);
      return delivered(internal, { ...keyed, replayKey: null });
    }

    /** Claims in a native memory guard, on this thread. */
    function claimHere(internal, inner, list, bytes, now) {
      try {
        return delivered(internal, inner.verifyOnce(internal.guard, list.text, list.count, bytes, now));
      } catch (error) {
        throw guardError(error);
      }
    }

    verifyGuarded = (internal, inner, list, bytes, now, async) => {
      if (!async) {
        if (internal.kind !== 'memory') throw new TypeError(SYNC_ONLY);
        if (internal.guard) return claimHere(internal, inner, list, bytes, now);
        const keyed = call(() => inner.verifyKeyed(list.text, list.count, bytes, now, internal.retention));
        let answer;
        try {
          answer = internal.js.claim(keyed.replayKey, keyed.ttl);
        } catch (error) {
          unavailable(internal, reasonOf(error));
          return delivered(internal, { ...keyed, replayKey: null });
        }
        return claimed(internal, keyed, answer);
      }
      return verifyGuardedAsync(internal, inner, list, bytes, now);
    };

    async function verifyGuardedAsync(internal, inner, list, bytes, now) {
      const small = bytes.length <= ASYNC_THRESHOLD;
      if (internal.guard) {
        // A memory guard answers in microseconds: claimed here unless the body is large.
        if (internal.kind === 'memory' && small) return claimHere(internal, inner, list, bytes, now);
        try {
          return delivered(internal, await inner.verifyOnceAsync(internal.guard, list.text, list.count, bytes, now));
        } catch (error) {
          throw guardError(error);
        }
      }
      let keyed;
      try {
        keyed =
          inner.verifyKeyedAsync && !small
            ? await inner.verifyKeyedAsync(list.text, list.count, bytes, now, internal.retention)
            : inner.verifyKeyed(list.text, list.count, bytes, now, internal.retention);
      } catch (error) {
        throw toHooksigError(error);
      }
      let answer;
      try {
        answer = await internal.js.claim(keyed.replayKey, keyed.ttl);
      } catch (error) {
        unavailable(internal, reasonOf(error));
        return delivered(internal, { ...keyed, replayKey: null });
      }
      return claimed(internal, keyed, answer);
    }

    /** Completes (handled: later copies are replayed) or releases (the retry goes through) a claim. */
    async function settle(verified, complete) {
      const what = complete ? 'complete' : 'release';
      const entry = claims.get(verified);
      if (entry === undefined) {
        // Nothing was claimed: no store, or a fail-open store that was down.
        if (verified !== null && typeof verified === 'object' && verified.replayKey === null) return;
        throw new TypeError(`${what}: pass the object verify, verifyAsync or verifyRequest returned (a copy carries no claim)`);
      }
      const [internal, key, ttl] = entry;
      try {
        if (internal.js) await (complete ? internal.js.complete(key, ttl) : internal.js.release(key));
        else if (internal.kind === 'memory') complete ? internal.guard.complete(key, ttl) : internal.guard.release(key);
        else await (complete ? internal.guard.completeAsync(key, ttl) : internal.guard.releaseAsync(key));
      } catch (error) {
        if (!internal.js) throw toHooksigError(error);
        unavailable(internal, reasonOf(error));
      }
      // Settled once: a release after a complete would free a handled delivery.
      claims.delete(verified);
    }

    // Not enumerable, like the class's own methods.
    const methods = {
      complete(verified) {
        return settle(verified, true);
      },
      release(verified) {
        return settle(verified, false);
      },
    };
    for (const name of ['complete', 'release']) {
      Object.defineProperty(Verifier.prototype, name, { value: methods[name], writable: true, configurable: true });
    }
    Object.defineProperty(Verifier.prototype, 'replay', {
      get() {
        return ownStores.get(this) ?? null;
      },
      configurable: true,
    });
    Object.defineProperty(ReplayedError.prototype, 'completed', { value: false, writable: true, configurable: true });
    api.ReplayStore = ReplayStore;
  }

  // Routing and Tratta, where the backend has them: hooksig-wasm's light
  // entry (`hooksig-wasm/verify`) has not, and its bundler drops this
  // labelled block (esbuild --drop-labels=routing).
  routing: if (backend.EventMatcher) {
    function eventTypeArg(eventType) {
      if (typeof eventType !== 'string') {
        throw new InvalidBodyError(`invalid body: an event type must be a string, got ${describe(eventType)}`);
      }
      return eventType;
    }

    class EventMatcher {
      #inner;
      #patterns;

      constructor(patterns, options) {
        if (!Array.isArray(patterns) || !patterns.every((p) => typeof p === 'string')) {
          throw new InvalidPatternError(`invalid pattern: expected an array of strings, got ${describe(patterns)}`);
        }
        const scope = optionsArg(options, 'EventMatcher').scope;
        if (scope !== undefined && typeof scope !== 'boolean') {
          throw new TypeError('EventMatcher: options.scope must be a boolean');
        }
        this.#inner = call(() => new backend.EventMatcher(patterns, scope === true));
        this.#patterns = Object.freeze(patterns.slice());
      }

      get patterns() {
        return this.#patterns;
      }

      matches(eventType) {
        return this.#inner.matches(eventTypeArg(eventType));
      }

      matching(eventType) {
        return Array.from(this.#inner.matching(eventTypeArg(eventType)));
      }

      unknownPatterns(catalog) {
        if (typeof catalog !== 'string') {
          throw new InvalidSchemeError(`invalid scheme: a catalogue is named by its provider, got ${describe(catalog)}`);
        }
        return call(() => this.#inner.unknownPatterns(catalog));
      }
    }

    function eventTypes(scheme, headers, body) {
      const schemeText = schemeArg(scheme);
      const list = headerList(headers);
      const bytes = bodyArg(body);
      return call(() => backend.eventTypes(schemeText, list.text, list.count, bytes));
    }

    function trattaData(data) {
      if (typeof data === 'string' || data instanceof Uint8Array) return data;
      if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      if (data instanceof ArrayBuffer) return new Uint8Array(data);
      throw new DecryptionFailedError(`decryption failed: expected base64 text or bytes, got ${describe(data)}`);
    }

    const tratta = Object.freeze({
      decrypt(secret, data) {
        const secretText = secretArg(secret);
        const bytes = trattaData(data);
        return call(() => backend.trattaDecrypt(secretText, bytes));
      },
      encrypt(secret, plaintext) {
        const secretText = secretArg(secret);
        const bytes = bodyArg(plaintext);
        return call(() => backend.trattaEncrypt(secretText, bytes));
      },
    });

    Object.assign(api, { EventMatcher, eventTypes, tratta });
  }

  return Object.assign(api, {
    BUILT_IN_SCHEMES: Object.freeze(backend.builtInSchemes()),
    backend: backend.kind,
    HooksigError: errors.HooksigError,
    VerificationError: errors.VerificationError,
    ...errors.CLASSES,
    ERROR_CODES: errors.ERROR_CODES,
  });
}

module.exports = { createApi, ASYNC_THRESHOLD, maxBodyOf, bodyTooLarge };
