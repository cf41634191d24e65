// Compiled with `tsc --noEmit` by test.sh: the declarations accept what users
// write (and reject what they must not), for both `hooksig` and `hooksig-wasm`.
import type { IncomingHttpHeaders } from 'node:http';
import {
  EventMatcher,
  HooksigError,
  ReplayStore,
  ReplayedError,
  SignatureMismatchError,
  VerificationError,
  Verifier,
  eventTypes,
  sign,
  tratta,
  type ErrorCode,
  type ReplayStoreLike,
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

const memory: ReplayStore = ReplayStore.memory({ maxEntries: 10_000, retention: 3600 });
const redis = ReplayStore.redis('redis://127.0.0.1:6379/0', { timeoutMs: 500, failOpen: false });
const kv: ReplayStoreLike = {
  claim: async (key: string, ttlSeconds: number) => (key && ttlSeconds ? 'claimed' : 'in_progress'),
  complete: async () => {},
  release: () => {},
};
const guarded = new Verifier('github', 's', { replay: memory });
const replayKey: string | null = guarded.verify(nodeHeaders, '{}').replayKey;
const own: ReplayStore | null = guarded.replay;
guarded.verifyAsync(nodeHeaders, '{}', { replay: kv }).then((delivery) => guarded.complete(delivery));
const released: Promise<void> = guarded.release(verified);
verifyWebhook(guarded, { replay: redis });
verifyWebhook(guarded, { replay: null });
try {
  guarded.verify(nodeHeaders, '{}');
} catch (error) {
  if (error instanceof ReplayedError) {
    const handledBefore: boolean = error.completed;
  }
}
// @ts-expect-error a claim answers one of three states
const wrong: ReplayStoreLike = { claim: () => 'yes', complete() {}, release() {} };

// @ts-expect-error a parsed body is not a body
verifier.verify(nodeHeaders, { parsed: true });
// @ts-expect-error secrets are strings
new Verifier('quiltt', Buffer.from('s'));

export { index, timestamp, why, later, headers, routes, types, plaintext, replayKey, own, released, wrong };
