'use strict';
// `hooksig/express`: Express (or plain `node:http`) middleware that verifies a
// webhook before any handler sees it.
const { Verifier, InvalidBodyError } = require('./index.js');
const { statusOf, verifyBody } = require('./middleware.js');

const DEFAULT_LIMIT = 5 * 1024 * 1024;

function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let length = 0;
    req.on('data', (chunk) => {
      if (length > limit) return; // already refused: drain the rest so the 413 reaches the client
      length += chunk.length;
      if (length > limit) {
        chunks.length = 0;
        reject(Object.assign(new Error(`request body larger than ${limit} bytes`), { status: 413 }));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, length)));
    req.on('error', reject);
  });
}

/**
 * Verifies each request with `verifier`. Uses the Buffer `express.raw()` left in
 * `req.body`, or reads the body itself when no body parser ran; afterwards
 * `req.body` is the raw Buffer and `req.webhook` what verification found.
 * A rejected request gets 401 (no, old or wrong signature) or 400 (malformed),
 * with the error code as the whole response body.
 */
function verifyWebhook(verifier, options = {}) {
  if (!(verifier instanceof Verifier)) {
    throw new TypeError('hooksig/express: verifyWebhook(verifier) needs a hooksig Verifier');
  }
  const limit = options.limit ?? DEFAULT_LIMIT;

  return function hooksigVerify(req, res, next) {
    // express.raw() leaves a Buffer, express.text() a string; another parser
    // (express.json()) leaves an object, which verify rejects with the fix.
    const parsed = Buffer.isBuffer(req.body) || typeof req.body === 'string' || req._body || req.readableEnded;
    const body = parsed ? Promise.resolve(req.body) : readBody(req, limit);
    body
      .then((raw) => {
        if (!parsed) req.body = raw;
        return verifyBody(verifier, req.headers, raw);
      })
      .then(
        (verified) => {
          req.webhook = verified;
          next();
        },
        (error) => {
          // A body another parser consumed is this server's bug, not the
          // sender's: the error handler gets it, with the fix in its message.
          const serverBug = parsed && error instanceof InvalidBodyError;
          const status = serverBug ? undefined : (statusOf(error) ?? error.status);
          if (status === undefined || res.headersSent) {
            next(error);
            return;
          }
          res.statusCode = status;
          res.setHeader('content-type', 'text/plain; charset=utf-8');
          if (status === 413) res.setHeader('connection', 'close');
          res.end(error.code ?? 'payload_too_large');
        },
      );
  };
}

module.exports = { verifyWebhook };
