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

// [class name, code, base]: the order of DESIGN.md's table.
const TABLE = [
  ['InvalidSecretError', 'invalid_secret', HooksigError],
  ['MissingHeaderError', 'missing_header', VerificationError],
  ['MalformedHeaderError', 'malformed_header', VerificationError],
  ['TimestampTooOldError', 'timestamp_too_old', VerificationError],
  ['TimestampInFutureError', 'timestamp_in_future', VerificationError],
  ['NoSupportedSignatureError', 'no_supported_signature', VerificationError],
  ['SignatureMismatchError', 'signature_mismatch', VerificationError],
  ['InvalidBodyError', 'invalid_body', VerificationError],
  ['InvalidPatternError', 'invalid_pattern', HooksigError],
  ['DecryptionFailedError', 'decryption_failed', VerificationError],
  ['InvalidSchemeError', 'invalid_scheme', HooksigError],
];

const classes = {};
const byCode = {};
for (const [name, code, Base] of TABLE) {
  // A computed class keeps a real `name` without one hand-written body per code.
  const Class = {
    [name]: class extends Base {
      constructor(message) {
        super(message, code);
      }
    },
  }[name];
  Object.defineProperty(Class.prototype, 'name', { value: name, writable: true, configurable: true });
  classes[name] = Class;
  byCode[code] = Class;
}

/** Every code, in DESIGN.md's order. */
const ERROR_CODES = Object.freeze(TABLE.map(([, code]) => code));

/**
 * Turns an error thrown by a backend (a plain `Error` whose `.code` is one of
 * ERROR_CODES) into the matching class; anything else is returned unchanged.
 */
function toHooksigError(error) {
  if (error instanceof HooksigError) return error;
  const Class = error !== null && typeof error === 'object' ? byCode[error.code] : undefined;
  return Class ? new Class(error.message) : error;
}

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
} = classes;

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
};
