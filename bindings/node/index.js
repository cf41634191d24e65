'use strict';
// Entry point of the `hooksig` npm package (CommonJS; index.mjs re-exports
// these same objects so `instanceof` holds across require and import).
const { createApi } = require('./api.js');

function loadBackend() {
  if (process.env.HOOKSIG_FORCE_WASM !== '1') {
    try {
      return { kind: 'native', ...require('./hooksig.node') };
    } catch (error) {
      // No addon for this platform: fall through to the WASM build.
      if (error.code !== 'MODULE_NOT_FOUND' && !/invalid ELF|wrong ELF|not a valid Win32|slice is not valid mach-o/i.test(error.message)) {
        throw error;
      }
    }
  }
  try {
    return { kind: 'wasm', ...require('hooksig-wasm/backend') };
  } catch (error) {
    throw new Error(
      `hooksig: no native addon for ${process.platform}-${process.arch} and the WASM fallback ` +
        `(the hooksig-wasm package) is not installed: ${error.message}`,
    );
  }
}

module.exports = createApi(loadBackend());
