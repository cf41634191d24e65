'use strict';
// Node entry point (CommonJS) of hooksig-wasm/verify: the light build, only
// what a receiver needs to verify (no EventMatcher, eventTypes or tratta).
// verify.mjs re-exports these same objects; browsers, Deno and bundlers get
// web/verify/index.js instead (package.json "exports").
const { createApi } = require('./api.js');
const { createBackend } = require('./adapter.js');

module.exports = createApi(createBackend(require('./node/verify/hooksig_wasm.js')));
