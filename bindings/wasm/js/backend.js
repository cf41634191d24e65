'use strict';
// The Node backend: the CommonJS glue loads the .wasm synchronously from disk.
// `hooksig` requires this module (as `hooksig-wasm/backend`) where it has no
// native addon for the platform, or when HOOKSIG_FORCE_WASM=1.
const { createBackend } = require('./adapter.js');

module.exports = createBackend(require('./node/hooksig_wasm.js'));
