import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReplayInput, Verifier, Verified } from './index.js';

export interface VerifyWebhookOptions {
  /**
   * The largest body accepted, in bytes: default 5 MiB (5 * 1024 * 1024);
   * `Infinity` or `null` for no cap. A larger Content-Length is answered 413
   * unread, a larger streamed body as soon as it passes the cap (413, body
   * `invalid_body`, `Connection: close`). Behind `express.raw()`, its own
   * `limit` (100 KB unless set) refuses first; this cap still applies to the
   * Buffer it leaves.
   */
  maxBody?: number | null;
  /** @deprecated the former name of `maxBody`. */
  limit?: number;
  /**
   * Claim each delivery in this replay store (default: the verifier's own;
   * `null`: none) and complete it once the handler answered 2xx, else release
   * it. A copy gets 409 while the first is handled, 200 (the handler is not
   * called) once it was; 503 while the store is unreachable.
   */
  replay?: ReplayInput | null;
}

/**
 * The request as the middleware leaves it for the next handler: `body` is the
 * raw Buffer that was verified. (`body` is not declared here so Express keeps
 * its own type for it in the handlers that follow.)
 */
export interface WebhookRequest extends IncomingMessage {
  /** What verification found. */
  webhook?: Verified;
}

/**
 * Express (or `node:http`) middleware: verifies the raw body (from `express.raw()`,
 * or read here when no parser ran) and answers 401 / 400 / 413 with the error
 * code. A body another parser took first (`express.json()` mounted before it)
 * goes to the error handler as an `InvalidBodyError` (`status` 400) saying how
 * to mount it.
 * @example
 * app.post('/webhooks/quiltt', verifyWebhook(new Verifier('quiltt', secret)), (req, res) => {
 *   const payload = JSON.parse(req.body); // the verified raw Buffer
 * });
 */
export function verifyWebhook(
  verifier: Verifier,
  options?: VerifyWebhookOptions,
): <Req extends WebhookRequest>(req: Req, res: ServerResponse, next: (error?: any) => void) => void;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by `hooksig/express` once the request verified. */
      webhook?: Verified;
    }
  }
}
