'use strict';
// What the Express middleware and the Fastify plugin share: the HTTP status of
// each error code, and verifying a raw body off the main thread when it is large.
const { VerificationError } = require('./errors.js');
const { ASYNC_THRESHOLD } = require('./api.js');

// 401 when the request fails to prove its origin (no, old, or wrong
// signature); 400 when it cannot even be checked as sent.
const STATUS_OF_CODE = {
  missing_header: 401,
  timestamp_too_old: 401,
  timestamp_in_future: 401,
  no_supported_signature: 401,
  signature_mismatch: 401,
  malformed_header: 400,
  invalid_body: 400,
  decryption_failed: 400,
};

/** The HTTP status for a rejected request, or `undefined` for a server-side error. */
function statusOf(error) {
  return error instanceof VerificationError ? STATUS_OF_CODE[error.code] ?? 400 : undefined;
}

/** Verifies synchronously when small, on the thread pool when large. */
function verifyBody(verifier, headers, body) {
  const length = typeof body === 'string' ? body.length : body.byteLength;
  if (length > ASYNC_THRESHOLD) return verifier.verifyAsync(headers, body);
  try {
    return Promise.resolve(verifier.verify(headers, body));
  } catch (error) {
    return Promise.reject(error);
  }
}

module.exports = { statusOf, verifyBody };
