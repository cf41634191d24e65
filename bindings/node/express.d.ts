import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Verifier, Verified } from './index.js';

export interface VerifyWebhookOptions {
  /** The largest body read, in bytes (default 5 MiB; larger gets 413). */
  limit?: number;
}

/** The request as the middleware leaves it for the next handler. */
export interface WebhookRequest extends IncomingMessage {
  /** The raw body that was verified. */
  body?: unknown;
  /** What verification found. */
  webhook?: Verified;
}

/**
 * Express (or `node:http`) middleware: verifies the raw body (from `express.raw()`,
 * or read here when no parser ran) and answers 401 / 400 with the error code.
 * @example
 * app.post('/webhooks/quiltt', verifyWebhook(new Verifier('quiltt', secret)), (req, res) => {
 *   const payload = JSON.parse(req.body); // the verified raw Buffer
 * });
 */
export function verifyWebhook(
  verifier: Verifier,
  options?: VerifyWebhookOptions,
): (req: WebhookRequest, res: ServerResponse, next: (error?: unknown) => void) => void;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by `hooksig/express` once the request verified. */
      webhook?: Verified;
    }
  }
}
