'use strict';
// The error classes of the JS API, shared verbatim by the `hooksig` (napi) and
// `hooksig-wasm` packages: plain JS, no Node-only imports, no requires.
//
// One class per code of the core's table. `VerificationError` groups every failure a bad
// request can cause, so a receiver can answer 4xx for those and treat the rest
// (a wrong secret, pattern or scheme) as its own configuration bug.

/** Base class of every error hooksig throws; `.code` is the stable code. */
class HooksigError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}
Object.defineProperty(HooksigError.prototype, 'name', { value: 'HooksigError', writable: true, configurable: true });

/** A request that does not verify (every code except the configuration ones). */
class VerificationError extends HooksigError {}
Object.defineProperty(VerificationError.prototype, 'name', { value: 'VerificationError', writable: true, configurable: true });

// The core's error table (hooksig::ErrorCode::ALL), in its order: each code
// and whether a bad request can cause it (else it is a configuration error).
// Only this list is written by hand; `createApi` checks it against the
// backend's own copy of the core table (`errorTable()`), which also gives each
// class its `httpStatus`, so the two cannot drift apart.
const TABLE = [
  ['invalid_secret', false],
  ['missing_header', true],
  ['malformed_header', true],
  ['timestamp_too_old', true],
  ['timestamp_in_future', true],
  ['no_supported_signature', true],
  ['signature_mismatch', true],
  ['invalid_body', true],
  ['invalid_pattern', false],
  ['decryption_failed', true],
  ['invalid_scheme', false],
  ['replayed', true],
  ['replay_store_unavailable', false],
];

const byCode = {};
/** Every class by name: `InvalidSecretError` for `invalid_secret`, and so on. */
const CLASSES = {};

/** One class per code; `name` set explicitly so minifiers cannot rename it. */
for (const [code, verification] of TABLE) {
  const name = code.replace(/(?:^|_)([a-z])/g, (_, letter) => letter.toUpperCase()) + 'Error';
  const Base = verification ? VerificationError : HooksigError;
  const Class = {
    [name]: class extends Base {
      constructor(message) {
        super(message, code);
      }
    },
  }[name];
  Object.defineProperty(Class.prototype, 'name', { value: name, writable: true, configurable: true });
  byCode[code] = Class;
  CLASSES[name] = Class;
}

// Named one by one for the ES module rewrite of this file (SHARED-API.md),
// whose exports must be static; the tests check the list is complete.
const {
  InvalidSecretError,
  MissingHeaderError,
  MalformedHeaderError,
  TimestampTooOldError,
  TimestampInFutureError,
  NoSupportedSignatureError,
  SignatureMismatchError,
  InvalidBodyError,
  InvalidPatternError,
  DecryptionFailedError,
  InvalidSchemeError,
  ReplayedError,
  ReplayStoreUnavailableError,
} = CLASSES;

/** Every code, in the core's order. */
const ERROR_CODES = Object.freeze(TABLE.map(([code]) => code));

/**
 * Checks TABLE against the core's table as the backend reports it (one line
 * per code: `code http_status verification|configuration`, in order) and gives
 * each class its `httpStatus` (what a receiver answers the error with).
 */
function adoptTable(text) {
  const lines = text.trimEnd().split('\n');
  if (lines.length !== TABLE.length) throw new Error(`hooksig: the backend has ${lines.length} error codes, this API ${TABLE.length}`);
  lines.forEach((line, i) => {
    const [code, status, kind] = line.split(' ');
    const [known, verification] = TABLE[i];
    if (code !== known || kind !== (verification ? 'Verification' : 'Configuration')) {
      throw new Error(`hooksig: the backend's error code ${i} is ${code} (${kind}), this API's ${known}`);
    }
    Object.defineProperty(byCode[code].prototype, 'httpStatus', { value: Number(status), writable: false, configurable: true });
  });
}

/**
 * Turns an error thrown by a backend (a plain `Error` whose `.code` is one of
 * ERROR_CODES) into the matching class; anything else is returned unchanged.
 */
function toHooksigError(error) {
  if (error instanceof HooksigError) return error;
  const Class = error !== null && typeof error === 'object' ? byCode[error.code] : undefined;
  return Class ? new Class(error.message) : error;
}

module.exports = {
  HooksigError,
  VerificationError,
  InvalidSecretError,
  MissingHeaderError,
  MalformedHeaderError,
  TimestampTooOldError,
  TimestampInFutureError,
  NoSupportedSignatureError,
  SignatureMismatchError,
  InvalidBodyError,
  InvalidPatternError,
  DecryptionFailedError,
  InvalidSchemeError,
  ReplayedError,
  ReplayStoreUnavailableError,
  CLASSES,
  ERROR_CODES,
  toHooksigError,
  adoptTable,
};
