'use strict';
// `hooksig/express`: Express (or plain `node:http`) middleware that verifies a
// webhook before any handler sees it.
const { Verifier, InvalidBodyError, ReplayStore } = require('./index.js');
const { statusOf, replayOf, verifyFor, settleOnResponse, readBody, bodyTakenError, bodyTooLarge, maxBodyOf } = require('./middleware.js');

const CAP = 'verifyWebhook';

const MOUNT = "mount verifyWebhook before express.json() and other body parsers, or put express.raw({ type: '*/*' }) in front of it";
const PARSED = `invalid body: req.body is a parsed object, but the signature covers the raw bytes; ${MOUNT}`;
const TAKEN = `invalid body: another middleware read the request body and left no raw body in req.body; ${MOUNT}`;

/**
 * The raw body: the Buffer `express.raw()` left in `req.body` (or the string
 * `express.text()` left), or read here, at most `max` bytes. Rejects with the
 * fix when another parser took the body first.
 */
function rawBody(req, max) {
  const body = req.body;
  if (Buffer.isBuffer(body) || typeof body === 'string') {
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    return length > max ? Promise.reject(bodyTooLarge(max, CAP)) : Promise.resolve(body);
  }
  if (body !== undefined && body !== null) {
    // express.json() and the like: verify refuses a parsed object with the fix.
    return Promise.reject(bodyTakenError(PARSED));
  }
  if (req._body || req.readableEnded || req.readableDidRead) return Promise.reject(bodyTakenError(TAKEN));
  return readBody(req, Number(req.headers['content-length']), max, CAP).then((raw) => {
    req.body = raw;
    return raw;
  });
}

/**
 * Verifies each request with `verifier`. Uses the Buffer `express.raw()` left in
 * `req.body`, or reads the body itself (at most `maxBody` bytes) when no body
 * parser ran; afterwards `req.body` is the raw Buffer and `req.webhook` what
 * verification found. A rejected request gets 401 (no, old or wrong
 * signature), 400 (malformed) or 413 (body over `maxBody`), with the error
 * code as the whole response body. A body another parser took first is the
 * server's mistake: the error handler gets an `InvalidBodyError` (status 400)
 * saying how to mount the middleware.
 *
 * With a replay store (option `replay`, else the verifier's own) each
 * delivery is claimed before the handler runs and completed when it answered
 * 2xx (released otherwise); a copy gets 409 while the first is handled, 200
 * (unhandled) once it was, and 503 while the store is unreachable.
 */
function verifyWebhook(verifier, options = {}) {
  if (!(verifier instanceof Verifier)) {
    throw new TypeError('hooksig/express: verifyWebhook(verifier) needs a hooksig Verifier');
  }
  // `limit`: this option's name before hooksig 0.2 (bytes, as maxBody).
  const max = maxBodyOf(options && options.maxBody === undefined && options.limit !== undefined ? { maxBody: options.limit } : options);
  const replay = replayOf(verifier, options, ReplayStore);

  return function hooksigVerify(req, res, next) {
    rawBody(req, max)
      .then((raw) => verifyFor(verifier, replay, req.headers, raw))
      .then(
        (verified) => {
          req.webhook = verified;
          if (replay) settleOnResponse(verifier, verified, res);
          next();
        },
        (error) => {
          // A body another parser took (status 400 already set) and a client
          // that went away are the error handler's, as body-parser does.
          const status = error instanceof InvalidBodyError && error.status !== undefined ? undefined : statusOf(error);
          if (status === undefined || res.headersSent) {
            next(error);
            return;
          }
          res.statusCode = status;
          res.setHeader('content-type', 'text/plain; charset=utf-8');
          // Past the cap the rest of the body is not read: close the connection after answering.
          if (status === 413) res.setHeader('connection', 'close');
          res.end(error.code);
        },
      );
  };
}

module.exports = { verifyWebhook };
