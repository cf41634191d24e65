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
    const why =
      process.env.HOOKSIG_FORCE_WASM === '1'
        ? 'HOOKSIG_FORCE_WASM=1 asks for the WASM backend'
        : `there is no native addon for ${process.platform}-${process.arch}`;
    throw new Error(`hooksig: ${why}, and the hooksig-wasm package cannot be loaded: ${error.message}`);
  }
}

module.exports = createApi(loadBackend());
