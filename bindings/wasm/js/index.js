'use strict';
// Node entry point (CommonJS) of hooksig-wasm; index.mjs re-exports these same
// objects so `instanceof` holds across require and import. Browsers, Deno and
// bundlers get web/index.js instead (package.json "exports").
const { createApi } = require('./api.js');

module.exports = createApi(require('./backend.js'));
