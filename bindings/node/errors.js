'use strict';
// The error classes of the JS API, shared verbatim by the `hooksig` (napi) and
// `hooksig-wasm` packages: plain JS, no Node-only imports, no requires.
//
// One class per DESIGN.md code. `VerificationError` groups every failure a bad
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

const byCode = {};

/** One class per code; `name` set explicitly so minifiers cannot rename it. */
function define(name, code, Base) {
  const Class = {
    [name]: class extends Base {
      constructor(message) {
        super(message, code);
      }
    },
  }[name];
  Object.defineProperty(Class.prototype, 'name', { value: name, writable: true, configurable: true });
  byCode[code] = Class;
  return Class;
}

// In the order of DESIGN.md's table.
const InvalidSecretError = define('InvalidSecretError', 'invalid_secret', HooksigError);
const MissingHeaderError = define('MissingHeaderError', 'missing_header', VerificationError);
const MalformedHeaderError = define('MalformedHeaderError', 'malformed_header', VerificationError);
const TimestampTooOldError = define('TimestampTooOldError', 'timestamp_too_old', VerificationError);
const TimestampInFutureError = define('TimestampInFutureError', 'timestamp_in_future', VerificationError);
const NoSupportedSignatureError = define('NoSupportedSignatureError', 'no_supported_signature', VerificationError);
const SignatureMismatchError = define('SignatureMismatchError', 'signature_mismatch', VerificationError);
const InvalidBodyError = define('InvalidBodyError', 'invalid_body', VerificationError);
const InvalidPatternError = define('InvalidPatternError', 'invalid_pattern', HooksigError);
const DecryptionFailedError = define('DecryptionFailedError', 'decryption_failed', VerificationError);
const InvalidSchemeError = define('InvalidSchemeError', 'invalid_scheme', HooksigError);

/** Every code, in DESIGN.md's order. */
const ERROR_CODES = Object.freeze(Object.keys(byCode));

/**
 * Gives each class its `httpStatus` (what a receiver answers the error with)
 * from the core's table, `statusOf(code)`, which only the backend can reach.
 */
function setHttpStatuses(statusOf) {
  for (const code of ERROR_CODES) {
    const status = statusOf(code);
    if (typeof status !== 'number') throw new Error(`hooksig: the backend has no HTTP status for ${code}`);
    Object.defineProperty(byCode[code].prototype, 'httpStatus', { value: status, writable: false, configurable: true });
  }
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
  ERROR_CODES,
  toHooksigError,
  setHttpStatuses,
};
