'use strict';
// `hooksig/fastify`: a Fastify plugin that keeps request bodies raw in its
// scope and verifies every request there before validation and handlers.
const { Verifier, ReplayStore } = require('./index.js');
const { statusOf, replayOf, verifyFor, settleOnResponse, readBody, bodyTakenError, maxBodyOf } = require('./middleware.js');

const CAP = 'hooksig/fastify';

const PARSED =
  'invalid body: request.body is not the raw bytes: a content-type parser added after hooksig/fastify in its scope ' +
  'parsed it; register the plugin in a scope of its own and parse the verified Buffer in the handler';

// Bodies refused while reading (over the cap), answered by the preValidation hook.
const refused = new WeakMap();
const EMPTY = Buffer.alloc(0);

/**
 * Register it inside the scope that holds your webhook routes:
 * there it replaces the content-type parsers with one that reads the body
 * into a Buffer of at most `maxBody` bytes (default 5 MiB; a route's own
 * `bodyLimit` takes precedence, as over Fastify's parsers), and a
 * `preValidation` hook verifies each request (401 / 400 / 413 with the error
 * code as the body). `request.webhook` is what verification found.
 *
 * With a replay store (option `replay`, else the verifier's own) each
 * delivery is claimed before the handler runs and completed when it answered
 * 2xx (released otherwise); a copy gets 409 while the first is handled, 200
 * (unhandled) once it was, and 503 while the store is unreachable.
 */
function hooksigFastify(fastify, options, done) {
  const { verifier } = options ?? {};
  if (!(verifier instanceof Verifier)) {
    done(new TypeError('hooksig/fastify: register(hooksig, { verifier }) needs a hooksig Verifier'));
    return;
  }
  let max;
  let replay;
  try {
    max = maxBodyOf(options);
    replay = replayOf(verifier, options, ReplayStore);
  } catch (error) {
    done(error);
    return;
  }
  // A route's explicit bodyLimit, by route config: Fastify's own limits apply
  // only in its own parsers, which this scope no longer has.
  fastify.addHook('onRoute', (route) => {
    if (route.bodyLimit !== undefined) route.config = { ...route.config, hooksigMaxBody: route.bodyLimit };
  });
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (request, payload, parsed) => {
    const cap = request.routeOptions.config?.hooksigMaxBody ?? max;
    readBody(payload, Number(request.headers['content-length']), cap, CAP).then(
      (body) => parsed(null, body),
      (error) => {
        if (statusOf(error) === 413) {
          refused.set(request.raw, error);
          parsed(null, EMPTY);
        } else {
          parsed(error);
        }
      },
    );
  });
  fastify.decorateRequest('webhook', null);
  fastify.addHook('preValidation', async (request, reply) => {
    const body = request.body ?? EMPTY;
    if (!Buffer.isBuffer(body) && typeof body !== 'string') throw bodyTakenError(PARSED);
    try {
      const tooLarge = refused.get(request.raw);
      if (tooLarge) throw tooLarge;
      request.webhook = await verifyFor(verifier, replay, request.headers, body);
      if (replay) settleOnResponse(verifier, request.webhook, reply.raw);
    } catch (error) {
      const status = statusOf(error);
      if (status === undefined) throw error;
      // Past the cap the rest of the body is not read: close the connection after answering.
      if (status === 413) reply.header('connection', 'close');
      return reply.code(status).type('text/plain; charset=utf-8').send(error.code);
    }
  });
  done();
}

// Apply to the scope it is registered in, as fastify-plugin would, instead of
// a child scope of its own that holds no routes.
hooksigFastify[Symbol.for('skip-override')] = true;
hooksigFastify[Symbol.for('fastify.display-name')] = 'hooksig';

module.exports = hooksigFastify;
module.exports.default = hooksigFastify;
module.exports.hooksigFastify = hooksigFastify;
