// Type declarations of hooksig's JS API. One declaration describes both npm
// packages, `hooksig` (native addon) and `hooksig-wasm`, so code written
// against one runs on the other: verify.d.ts (verify, sign, errors; the
// `*/verify` entries) and, here, `Verifier.diagnose`, routing and Tratta.
// Hand-written; `__test__/api.shared.test.mjs` fails when the runtime exports
// and the names declared in these two files drift apart.

import type { BodyInput, HeadersInput, SchemeInput, VerifyOptions } from './verify.js';
import { Verifier as VerifyingVerifier } from './verify.js';

export * from './verify.js';

/**
 * The `Verifier` of verify.d.ts with `diagnose`, which the WASM package's
 * light entry (`hooksig-wasm/verify`) leaves out.
 *
 * @example
 * const why = verifier.diagnose(req.headers, req.body); // e.g. "The body was re-serialized: ..."
 */
export class Verifier extends VerifyingVerifier {
  /** `null` when the request verifies, else a sentence naming the likely mistake (never a signature). */
  diagnose(headers: HeadersInput, body: BodyInput, options?: VerifyOptions): string | null;
}

export interface EventMatcherOptions {
  /** Quiltt-style parent types: `connection` also matches every `connection.*` type. */
  scope?: boolean;
}

/**
 * A compiled list of event-type patterns (`*`, `card*`, `kyc.*.success`, exact types).
 * @example
 * const routes = new EventMatcher(['card*', 'account.verified']);
 * routes.matching('card.created'); // [0]
 */
export class EventMatcher {
  /** @throws InvalidPatternError */
  constructor(patterns: readonly string[], options?: EventMatcherOptions);
  /** The patterns, as given. */
  readonly patterns: readonly string[];
  /** Whether any pattern matches `eventType`. */
  matches(eventType: string): boolean;
  /** The indexes of the patterns that match `eventType`, ascending (for routing). */
  matching(eventType: string): number[];
  /**
   * The patterns that match no event type the provider is known to send, with
   * the nearest known type when one looks like a typo: check a subscription at start-up.
   * @throws InvalidSchemeError for a provider without a catalogue
   */
  unknownPatterns(catalog: 'quiltt' | 'bond' | 'atelio' | 'tratta'): UnknownPattern[];
}

/** A subscription pattern that matches none of a provider's event types. */
export interface UnknownPattern {
  /** Its index in the patterns given to the `EventMatcher`. */
  index: number;
  pattern: string;
  /** The nearest known type, e.g. `connection.synced.successful` for `connection.synced.sucessful`. */
  suggestion: string | null;
}

/**
 * The event types a verified request carries, one per event, in payload order
 * (Quiltt: every `events[].type`; Bond: `event`; Tratta/GitHub/Shopify: a header).
 * @throws MissingHeaderError, MalformedHeaderError, InvalidBodyError
 */
export function eventTypes(scheme: SchemeInput, headers: HeadersInput, body: BodyInput): string[];

/** Tratta's encrypted payloads (AES-128-CBC + HMAC-SHA256, PBKDF2-derived keys). */
export const tratta: {
  /**
   * Decrypts base64 `data` with the webhook secret; returns the plaintext bytes.
   * @throws DecryptionFailedError
   */
  decrypt(secret: string, data: string | Uint8Array): Uint8Array;
  /** Encrypts `plaintext` the way Tratta does (for tests and senders); returns base64 text. */
  encrypt(secret: string, plaintext: BodyInput): string;
};
