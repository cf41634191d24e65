'use strict';
// Adapts the wasm-bindgen exports of the hooksig-wasm crate to the backend
// contract of bindings/node/SHARED-API.md, which the shared api.js wraps into
// the public API. Only shape changes live here, for the crate's lean interface
// (its lib.rs says why): string bodies become bytes (except for `verify`,
// whose glue encodes a string straight into wasm memory), lists arrive joined
// by U+FFFF or are staged one string at a time, a failed call leaves its error
// for `takeError`, and `undefined` from Rust becomes the contract's `null`.

/** The backend object over the generated glue module `wasm` (full or light build). */
function createBackend(wasm) {
  const encoder = new TextEncoder();
  const bytes = (data) => (typeof data === 'string' ? encoder.encode(data) : data);
  const SEPARATOR = '\uffff';
  const list = (text) => (text === '' ? [] : text.split(SEPARATOR));

  /** `value`, unless the call that returned it failed: then its error, thrown. */
  function checked(value) {
    const error = wasm.takeError();
    if (error === undefined) return value;
    const at = error.indexOf(SEPARATOR);
    const code = error.slice(0, at);
    const message = error.slice(at + 1);
    if (code === 'range') throw new RangeError(message);
    throw Object.assign(new Error(message), { code });
  }

  // The light build has no JSON reader (nor eventTypes): a custom scheme,
  // JSON text from the shared API, goes over as its members, read by the
  // engine's own JSON.parse (lib.rs, parse_scheme, gives the format).
  const MEMBERS = '\u0001';
  const schemeArg = wasm.eventTypes
    ? (scheme) => scheme
    : (scheme) => {
        if (scheme.trimStart()[0] !== '{') return scheme;
        let definition;
        try {
          definition = JSON.parse(scheme);
        } catch (error) {
          throw Object.assign(new Error(`invalid scheme: custom scheme definition is not valid: ${error.message}`), {
            code: 'invalid_scheme',
          });
        }
        const members = Object.entries(definition).map(([name, value]) => {
          const kind =
            value === null ? 'n'
            : typeof value === 'string' ? `s${value}`
            : Number.isSafeInteger(value) && value >= 0 && !Object.is(value, -0) ? `i${value}`
            : 'x';
          return name + SEPARATOR + kind;
        });
        return MEMBERS + members.join(SEPARATOR);
      };

  function stage(texts) {
    for (const text of texts) wasm.stage(text);
  }

  class Verifier {
    #inner;
    #out;

    constructor(scheme, secrets, tolerance, out) {
      stage(secrets);
      this.#inner = checked(wasm.WasmVerifier.create(schemeArg(scheme), tolerance));
      this.#out = out;
    }

    get scheme() {
      return this.#inner.scheme;
    }

    get tolerance() {
      return this.#inner.tolerance;
    }

    get headerNames() {
      return list(this.#inner.headerNames);
    }

    verify(headers, count, body, now) {
      const inner = this.#inner;
      const out = this.#out;
      const id = checked(typeof body === 'string' ? inner.verifyText(headers, count, body, now) : inner.verify(headers, count, body, now));
      out[0] = inner.lastKeyIndex;
      out[1] = inner.lastTimestamp;
      out[2] = inner.lastIdSigned;
      return id ?? null;
    }

    diagnose(headers, count, body, now) {
      return checked(this.#inner.diagnose(headers, count, bytes(body), now)) ?? null;
    }

    // The shared API's replay guard claims the key in a store that lives in
    // JS: a Map for ReplayStore.memory(), or the caller's own store.
    verifyKeyed(headers, count, body, now, retention) {
      const inner = this.#inner;
      const named = checked(inner.verifyKeyed(headers, count, bytes(body), now, retention));
      const at = named.indexOf(SEPARATOR);
      const timestamp = inner.lastTimestamp;
      return {
        keyIndex: inner.lastKeyIndex,
        timestamp: timestamp === timestamp ? timestamp : null,
        webhookId: at < 0 ? null : named.slice(at + 1),
        idSigned: inner.lastIdSigned === 1,
        replayKey: at < 0 ? named : named.slice(0, at),
        ttl: inner.lastTtl,
      };
    }
  }
  // The light build has no diagnose (it does not fit that entry's budget) and
  // no replay keys.
  if (!wasm.WasmVerifier.prototype.diagnose) delete Verifier.prototype.diagnose;
  if (!wasm.WasmVerifier.prototype.verifyKeyed) delete Verifier.prototype.verifyKeyed;

  const backend = {
    kind: 'wasm',
    Verifier,
    sign: (scheme, secret, body, timestamp, webhookId, eventType) =>
      list(checked(wasm.sign(schemeArg(scheme), secret, bytes(body), timestamp, webhookId, eventType))),
    builtInSchemes: () => list(wasm.builtInSchemes()),
    errorTable: () => wasm.errorTable(),
  };

  // The light build (hooksig-wasm/verify) has no routing or Tratta exports
  // either; its bundler drops this labelled block (esbuild --drop-labels=routing).
  routing: if (wasm.WasmEventMatcher) {
    class EventMatcher {
      #inner;

      constructor(patterns, scope) {
        stage(patterns);
        this.#inner = checked(wasm.WasmEventMatcher.create(scope));
      }

      matches(eventType) {
        return this.#inner.matches(eventType);
      }

      matching(eventType) {
        return this.#inner.matching(eventType);
      }

      unknownPatterns(catalog) {
        const flat = list(checked(this.#inner.unknownPatterns(catalog)));
        const unknown = [];
        for (let i = 0; i < flat.length; i += 3) {
          unknown.push({ index: Number(flat[i]), pattern: flat[i + 1], suggestion: flat[i + 2] || null });
        }
        return unknown;
      }
    }

    Object.assign(backend, {
      EventMatcher,
      eventTypes: (scheme, headers, count, body) => checked(wasm.eventTypes(scheme, headers, count, bytes(body))),
      trattaDecrypt: (secret, data) => checked(wasm.trattaDecrypt(secret, bytes(data))),
      trattaEncrypt: (secret, plaintext) => checked(wasm.trattaEncrypt(secret, bytes(plaintext))),
    });
  }
  return backend;
}

module.exports = { createBackend };
