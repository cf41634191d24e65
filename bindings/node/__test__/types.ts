// Compiled with `tsc --noEmit` by test.sh: the declarations accept what users
// write (and reject what they must not), for both `hooksig` and `hooksig-wasm`.
import type { IncomingHttpHeaders } from 'node:http';
import {
  EventMatcher,
  HooksigError,
  SignatureMismatchError,
  VerificationError,
  Verifier,
  eventTypes,
  sign,
  tratta,
  type ErrorCode,
  type Verified,
} from 'hooksig';
import { verifyWebhook } from 'hooksig/express';
import hooksigFastify from 'hooksig/fastify';

declare const nodeHeaders: IncomingHttpHeaders;
declare const fetchHeaders: Headers;
declare const request: Request;

const verifier = new Verifier('quiltt', ['new', 'old'], { tolerance: 300 });
const custom = new Verifier({ signature_header: 'X-Sig', encoding: 'base64', message: '{timestamp}.{body}', timestamp_header: 'X-Ts' }, 's');
const verified: Verified = verifier.verify(nodeHeaders, Buffer.from('{}'), { now: 1_700_000_000 });
const index: number = verified.keyIndex;
const timestamp: number | null = verified.timestamp;
verifier.verify(fetchHeaders, new Uint8Array(2));
verifier.verify([['Quiltt-Signature', 'x']], '{}');
verifier.verify(new Map([['a', 'b']]), new ArrayBuffer(2));
const why: string | null = custom.diagnose(nodeHeaders, '{}');
const later: Promise<Verified> = verifier.verifyAsync(nodeHeaders, '{}');
verifier.verifyRequest(request).then((r) => r.json<{ type: string }>().type);
const headers: Record<string, string> = sign('stripe', 'whsec_x', '{}', { timestamp: 1 });
const matcher = new EventMatcher(['card*'], { scope: false });
const routes: number[] = matcher.matching('card.created');
const types: string[] = eventTypes('bond', nodeHeaders, '{}');
const plaintext: Uint8Array = tratta.decrypt('0123456789abcdef', 'base64...');

try {
  verifier.verify(nodeHeaders, '{}');
} catch (error) {
  if (error instanceof VerificationError) {
    const code: ErrorCode = error.code;
    const status: number = error.httpStatus;
  }
  if (error instanceof SignatureMismatchError) {
    const code: 'signature_mismatch' = error.code;
  }
  if (error instanceof HooksigError) error.message;
}

verifyWebhook(verifier, { limit: 1 << 20 });
hooksigFastify;

// @ts-expect-error a parsed body is not a body
verifier.verify(nodeHeaders, { parsed: true });
// @ts-expect-error secrets are strings
new Verifier('quiltt', Buffer.from('s'));

export { index, timestamp, why, later, headers, routes, types, plaintext };
