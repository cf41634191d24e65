'use strict';
// What the Express middleware and the Fastify plugin share: reading a raw
// body under a cap, the HTTP status of a rejected request, verifying a raw
// body off the main thread when it is large, and the replay guard's claim
// around the handler.
const { VerificationError, InvalidBodyError, ReplayedError, ReplayStoreUnavailableError } = require('./errors.js');
const { ASYNC_THRESHOLD, maxBodyOf, bodyTooLarge } = require('./api.js');

/**
 * The HTTP status for a rejected request (the core's `httpStatus`: 401 or
 * 400; 413 for a body over the cap; 409 for a copy of a delivery being
 * handled, 503 when the replay store is down, both so the sender retries),
 * 200 for a copy of a delivery handled before (the sender may stop), or
 * `undefined` for a server-side error.
 */
function statusOf(error) {
  if (error instanceof ReplayedError && error.completed) return 200;
  return error instanceof VerificationError || error instanceof ReplayStoreUnavailableError ? error.httpStatus : undefined;
}

/**
 * The replay store a middleware claims in: its `replay` option (`null`:
 * none), else the verifier's own; `null` when there is none.
 */
function replayOf(verifier, options, ReplayStore) {
  const replay = options == null || options.replay === undefined ? verifier.replay : options.replay;
  if (replay == null) return null;
  // A store of your own is wrapped once here, not on every request.
  return replay instanceof ReplayStore ? replay : ReplayStore.custom(replay);
}

/**
 * Verifies a request for a middleware: claimed in `replay` when there is one
 * (through verifyAsync, so a Redis round trip never blocks the event loop).
 */
function verifyFor(verifier, replay, headers, body) {
  return replay ? verifier.verifyAsync(headers, body, { replay }) : verifyBody(verifier, headers, body);
}

/**
 * Completes a claimed delivery once `response` (a Node ServerResponse) was
 * answered 2xx, so later copies are answered 200 unhandled; releases it when
 * the handler answered anything else (it threw: 500; or refused the event)
 * or the connection closed first, so the provider's retry is handled. A
 * store failing then cannot change the answer any more: it becomes a warning.
 */
function settleOnResponse(verifier, verified, response) {
  if (verified.replayKey === null) return;
  let settled = false;
  const settle = (handled) => {
    if (settled) return;
    settled = true;
    (handled ? verifier.complete(verified) : verifier.release(verified)).catch((error) => {
      process.emitWarning(
        `hooksig: could not ${handled ? 'complete' : 'release'} a delivery's replay claim: ${error.message}`,
        'HooksigReplayWarning',
      );
    });
  };
  response.once('finish', () => settle(response.statusCode >= 200 && response.statusCode < 300));
  response.once('close', () => settle(false));
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

/** The error of a client that went away before its body was complete (as body-parser names it). */
function aborted() {
  return Object.assign(new Error('request aborted before its body was complete'), {
    code: 'ECONNABORTED',
    status: 400,
    statusCode: 400,
    type: 'request.aborted',
  });
}

/**
 * Reads a Node stream (an `IncomingMessage`, or what a Fastify preParsing hook
 * made of it) into one Buffer of at most `max` bytes. A `declared`
 * Content-Length over `max` is refused before reading; a body that grows past
 * `max` is refused at that chunk, and what still arrives is discarded, not
 * kept, until the response (with `Connection: close`) ends the connection.
 * Settles exactly once: a client that closes early rejects it (`aborted()`).
 */
function readBody(stream, declared, max, how) {
  return new Promise((resolve, reject) => {
    // Listeners stay attached: after settling they only discard, and a late
    // 'error' of the stream must not find it without a listener.
    let settled = false;
    const fail = (error) => {
      if (settled) return;
      settled = true;
      chunks.length = 0;
      reject(error);
    };
    const chunks = [];
    let length = 0;
    stream.on('error', (error) => fail(error && error.code === 'ECONNRESET' ? aborted() : error));
    stream.on('close', () => fail(aborted()));
    if (declared > max) {
      fail(bodyTooLarge(max, how));
      stream.resume();
      return;
    }
    stream.on('data', (chunk) => {
      if (settled) return;
      if (typeof chunk === 'string') chunk = Buffer.from(chunk);
      length += chunk.length;
      if (length > max) {
        fail(bodyTooLarge(max, how));
        return;
      }
      chunks.push(chunk);
    });
    stream.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length));
    });
    stream.resume();
  });
}

/** The error for a body another middleware or parser took first: the receiver's mistake. */
function bodyTakenError(message) {
  const error = new InvalidBodyError(message);
  // Framework error handlers read `status` / `statusCode`: answer 400, as for any invalid_body.
  return Object.assign(error, { status: 400, statusCode: 400 });
}

module.exports = {
  statusOf,
  replayOf,
  verifyFor,
  settleOnResponse,
  verifyBody,
  readBody,
  bodyTakenError,
  bodyTooLarge,
  maxBodyOf,
};
