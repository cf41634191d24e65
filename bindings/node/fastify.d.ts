import type { ReplayInput, Verifier, Verified } from './index.js';

export interface HooksigFastifyOptions {
  /** The verifier every request in the scope must pass. */
  verifier: Verifier;
  /**
   * The largest body read, in bytes: default 5 MiB (5 * 1024 * 1024);
   * `Infinity` or `null` for no cap. A route's own `bodyLimit` takes
   * precedence; Fastify's server-wide `bodyLimit` does not apply in the
   * scope, whose parsers the plugin replaces. Over the cap: 413, body
   * `invalid_body`, `Connection: close`.
   */
  maxBody?: number | null;
  /**
   * Claim each delivery in this replay store (default: the verifier's own;
   * `null`: none) and complete it once the handler answered 2xx, else release
   * it. A copy gets 409 while the first is handled, 200 (the handler is not
   * called) once it was; 503 while the store is unreachable.
   */
  replay?: ReplayInput | null;
}

/**
 * Fastify plugin: raw Buffer bodies and verification for every route of the
 * scope it is registered in (401 / 400 / 413 with the error code as the body).
 * @example
 * app.register(async (hooks) => {
 *   await hooks.register(hooksigFastify, { verifier: new Verifier('bond', secret) });
 *   hooks.post('/webhooks/bond', async (request) => JSON.parse(request.body.toString()));
 * });
 */
// The Fastify types are not imported so the package needs no dependency on
// them; the signature is what `fastify.register` expects of a callback plugin.
declare function hooksigFastify(
  instance: any,
  options: HooksigFastifyOptions,
  done: (error?: Error) => void,
): void;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `hooksig/fastify` once the request verified. */
    webhook: Verified | null;
  }
}

export { hooksigFastify };
export default hooksigFastify;
