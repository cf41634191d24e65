// A Standard Webhooks (Svix) receiver as a fetch handler, the shape Cloudflare
// Workers, Deno (`Deno.serve(handler.fetch)`), Bun (`Bun.serve(handler)`) and
// Vercel Edge use. The secret comes from the Workers `env` binding, or from the
// process environment where there is one. It only verifies, so it imports the
// light entry, `hooksig-wasm/verify`: the smallest download and cold start.
import { Verifier, HooksigError } from 'hooksig-wasm/verify';

const verifiers = new Map();

/** One Verifier per secret: key state is derived once, then reused by every request. */
function verifierFor(secret) {
  let verifier = verifiers.get(secret);
  if (!verifier) {
    verifier = new Verifier('standard', secret);
    verifiers.set(secret, verifier);
  }
  return verifier;
}

export default {
  async fetch(request, env) {
    if (request.method !== 'POST') {
      return new Response('POST a webhook here\n', { status: 405, headers: { allow: 'POST' } });
    }
    const secret = env?.WEBHOOK_SECRET ?? globalThis.process?.env?.WEBHOOK_SECRET;
    if (!secret) return new Response('WEBHOOK_SECRET is not configured\n', { status: 500 });

    let verified;
    try {
      verified = await verifierFor(secret).verifyRequest(request);
    } catch (error) {
      // Say which check failed (a code, never a signature); keep details in the logs.
      // httpStatus: 401 for an unproven sender, 400 for a request that cannot be
      // checked, 413 for a body over verifyRequest's 5 MiB cap (option maxBody),
      // 500 for this receiver's own configuration (a bad secret).
      if (error instanceof HooksigError) return Response.json({ error: error.code }, { status: error.httpStatus });
      throw error;
    }
    const event = verified.json();
    return Response.json({ received: verified.webhookId, type: event.type ?? null });
  },
};
