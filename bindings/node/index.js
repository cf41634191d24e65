'use strict';
// Entry point of the `hooksig` npm package (CommonJS; index.mjs re-exports
// these same objects so `instanceof` holds across require and import).
//
// The addon is found by napi-rs's generated loader, native.js (regenerated
// and drift-checked by install.sh): ./hooksig.<platform>.node in a
// development tree, else the optional dependency hooksig-<platform>, glibc and
// musl told apart as napi-rs does. Where it finds none (another platform,
// optional dependencies turned off) the same API runs on hooksig-wasm, a
// regular dependency, and says so once.
const { createApi } = require('./api.js');

function loadBackend() {
  let why = 'HOOKSIG_FORCE_WASM=1 asks for the WASM backend';
  if (process.env.HOOKSIG_FORCE_WASM !== '1') {
    try {
      return { kind: 'native', ...require('./native.js') };
    } catch (error) {
      why = noAddonReason(error);
      // Once: this module runs once per process (require's cache).
      process.emitWarning(`hooksig: ${why}; using WebAssembly (hooksig-wasm)`, { code: 'HOOKSIG_WASM_FALLBACK' });
    }
  }
  try {
    return { kind: 'wasm', ...require('hooksig-wasm/backend') };
  } catch (error) {
    throw new Error(`hooksig: ${why}, and the hooksig-wasm package cannot be loaded: ${error.message}`);
  }
}

// The generated loader throws one error whose `cause` chain holds what each
// candidate threw. All "Cannot find module" (or an unsupported platform):
// there is no addon. Anything else: one was found and failed to load (a
// glibc too old for it, say), and the warning names that.
function noAddonReason(error) {
  const platform = `${process.platform}-${process.arch}`;
  for (let cause = error.cause ?? error; cause; cause = cause.cause) {
    if (!/^(Cannot find module|Unsupported )/.test(cause.message)) {
      return `the native addon for ${platform} failed to load (${cause.message.split('\n')[0]})`;
    }
  }
  return `no native addon for ${platform}`;
}

module.exports = createApi(loadBackend());
