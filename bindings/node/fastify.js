'use strict';
// `hooksig/fastify`: a Fastify plugin that keeps request bodies raw in its
// scope and verifies every request there before validation and handlers.
const { Verifier } = require('./index.js');
const { statusOf, verifyBody } = require('./middleware.js');

/**
 * Register it inside the scope that holds your webhook routes:
 * there it replaces the content-type parsers with one that keeps the body as a
 * Buffer, and a `preValidation` hook verifies each request (401 / 400 with the
 * error code as the body). `request.webhook` is what verification found.
 */
function hooksigFastify(fastify, options, done) {
  const { verifier } = options ?? {};
  if (!(verifier instanceof Verifier)) {
    done(new TypeError('hooksig/fastify: register(hooksig, { verifier }) needs a hooksig Verifier'));
    return;
  }
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, parsed) => parsed(null, body));
  fastify.decorateRequest('webhook', null);
  fastify.addHook('preValidation', async (request, reply) => {
    try {
      request.webhook = await verifyBody(verifier, request.headers, request.body ?? Buffer.alloc(0));
    } catch (error) {
      const status = statusOf(error);
      if (status === undefined) throw error;
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
