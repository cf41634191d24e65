'use strict';
// What the Express middleware and the Fastify plugin share: the HTTP status of
// a rejected request, and verifying a raw body off the main thread when it is large.
const { VerificationError } = require('./errors.js');
const { ASYNC_THRESHOLD } = require('./api.js');

/**
 * The HTTP status for a rejected request (the core's `httpStatus`: 401 or
 * 400), or `undefined` for a server-side error.
 */
function statusOf(error) {
  return error instanceof VerificationError ? error.httpStatus : undefined;
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
