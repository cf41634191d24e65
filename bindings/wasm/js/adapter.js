'use strict';
// Adapts the wasm-bindgen exports of the hooksig-wasm crate to the backend
// contract of bindings/node/SHARED-API.md, which the shared api.js wraps into
// the public API. Only shape changes live here: string bodies become bytes
// (except for `verify`, whose glue encodes a string straight into wasm memory),
// and `undefined` from Rust becomes the contract's `null`.

/** The backend object over the generated glue module `wasm`. */
function createBackend(wasm) {
  const encoder = new TextEncoder();
  const bytes = (data) => (typeof data === 'string' ? encoder.encode(data) : data);

  class Verifier {
    #inner;
    #out;

    constructor(scheme, secrets, tolerance, out) {
      this.#inner = new wasm.WasmVerifier(scheme, secrets, tolerance);
      this.#out = out;
    }

    get scheme() {
      return this.#inner.scheme;
    }

    get tolerance() {
      return this.#inner.tolerance;
    }

    get headerNames() {
      return this.#inner.headerNames;
    }

    verify(headers, count, body, now) {
      const inner = this.#inner;
      const out = this.#out;
      const id = typeof body === 'string' ? inner.verifyText(headers, count, body, now) : inner.verify(headers, count, body, now);
      out[0] = inner.lastKeyIndex;
      out[1] = inner.lastTimestamp;
      return id ?? null;
    }

    diagnose(headers, count, body, now) {
      return this.#inner.diagnose(headers, count, bytes(body), now) ?? null;
    }
  }

  function sign(scheme, secret, body, timestamp, webhookId, eventType) {
    return wasm.sign(scheme, secret, bytes(body), timestamp, webhookId, eventType);
  }

  class EventMatcher {
    #inner;

    constructor(patterns, scope) {
      this.#inner = new wasm.WasmEventMatcher(patterns, scope);
    }

    matches(eventType) {
      return this.#inner.matches(eventType);
    }

    matching(eventType) {
      return this.#inner.matching(eventType);
    }

    unknownPatterns(catalog) {
      const flat = this.#inner.unknownPatterns(catalog);
      const unknown = [];
      for (let i = 0; i < flat.length; i += 3) {
        unknown.push({ index: Number(flat[i]), pattern: flat[i + 1], suggestion: flat[i + 2] || null });
      }
      return unknown;
    }
  }

  return {
    kind: 'wasm',
    Verifier,
    sign,
    builtInSchemes: wasm.builtInSchemes,
    httpStatusOf: (code) => wasm.httpStatusOf(code) ?? null,
    EventMatcher,
    eventTypes: (scheme, headers, count, body) => wasm.eventTypes(scheme, headers, count, bytes(body)),
    trattaDecrypt: (secret, data) => wasm.trattaDecrypt(secret, bytes(data)),
    trattaEncrypt: (secret, plaintext) => wasm.trattaEncrypt(secret, bytes(plaintext)),
  };
}

module.exports = { createBackend };
