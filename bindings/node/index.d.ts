// Type declarations of hooksig's JS API. One declaration describes both npm
// packages, `hooksig` (native addon) and `hooksig-wasm`, so code written
// against one runs on the other: verify.d.ts (verify, sign, errors; the
// `*/verify` entries) and, here, `Verifier.diagnose`, routing and Tratta.
// Hand-written; `__test__/api.shared.test.mjs` fails when the runtime exports
// and the names declared in these two files drift apart.

import type {
  BodyInput,
  HeadersInput,
  SchemeInput,
  Verified,
  VerifiedRequest,
  VerifierOptions as VerifyingVerifierOptions,
  VerifyOptions as VerifyingVerifyOptions,
  VerifyRequestOptions as VerifyingVerifyRequestOptions,
} from './verify.js';
import { Verifier as VerifyingVerifier } from './verify.js';

export * from './verify.js';

/** What a replay store answers to a claim. */
export type ReplayClaim = 'claimed' | 'in_progress' | 'completed';

/**
 * A replay store of your own (a SQL table, a Worker's Durable Object or KV):
 * three calls, each one atomic operation on one key, each may return a promise.
 * A call that throws (or rejects) means the store could not answer, never
 * "not seen": the verification fails with `ReplayStoreUnavailableError`.
 */
export interface ReplayStoreLike {
  /** Claims `key` for `ttlSeconds` if nobody holds it; else says who does. */
  claim(key: string, ttlSeconds: number): ReplayClaim | PromiseLike<ReplayClaim>;
  /** Marks a claimed key handled, remembered for `ttlSeconds`. */
  complete(key: string, ttlSeconds: number): unknown;
  /** Forgets a claimed key, so the next copy is handled. */
  release(key: string): unknown;
}

export interface ReplayStoreOptions {
  /**
   * Seconds a delivery is remembered where the scheme signs no timestamp
   * (GitHub, Shopify, Tratta: such a request verifies forever). Default
   * 604800 (7 days). Timestamped deliveries are remembered while they verify.
   */
  retention?: number;
  /**
   * Accept deliveries unguarded (`replayKey` null) while the store cannot be
   * reached, instead of refusing them with `ReplayStoreUnavailableError` (503).
   * A choice of availability over replay protection; default false.
   */
  failOpen?: boolean;
}

export interface MemoryStoreOptions extends ReplayStoreOptions {
  /** The most deliveries remembered (the oldest go first); default 100,000. */
  maxEntries?: number;
}

export interface RedisStoreOptions extends ReplayStoreOptions {
  /** How long connecting, and each command, may take; default 2000 ms. */
  timeoutMs?: number;
}

/**
 * Where a verifier remembers deliveries, so each is handled once (pass it as
 * `new Verifier(scheme, secrets, { replay })` or to a middleware).
 * @example
 * const verifier = new Verifier('github', secret, { replay: ReplayStore.redis(process.env.REDIS_URL!) });
 * const verified = await verifier.verifyAsync(req.headers, req.body); // ReplayedError for a copy
 * try { await handle(verified); await verifier.complete(verified); }
 * catch (error) { await verifier.release(verified); throw error; }
 */
export class ReplayStore {
  private constructor();
  /**
   * One process's store (the native guard's map, or a `Map` in WebAssembly).
   * Claims are microseconds, so the synchronous `verify` may claim in it.
   */
  static memory(options?: MemoryStoreOptions): ReplayStore;
  /**
   * A fleet's store: one Redis server (`SET NX PX`), e.g. `redis://127.0.0.1:6379/0`.
   * Claimed on the thread pool, so only through `verifyAsync`, `verifyRequest`
   * and the middlewares (`verify` throws a TypeError). Native addon only.
   */
  static redis(url: string, options?: RedisStoreOptions): ReplayStore;
  /** Your own store; claimed through `verifyAsync`, `verifyRequest` and the middlewares. */
  static custom(store: ReplayStoreLike, options?: ReplayStoreOptions): ReplayStore;
  readonly kind: 'memory' | 'redis' | 'custom';
  /** Seconds a delivery without a signed timestamp is remembered. */
  readonly retention: number;
}

/** A replay store: a `ReplayStore`, or a store of your own (wrapped with `ReplayStore.custom`). */
export type ReplayInput = ReplayStore | ReplayStoreLike;

export interface VerifierOptions extends VerifyingVerifierOptions {
  /** Claim each verified delivery here; a copy throws `ReplayedError` (see `complete`, `release`). */
  replay?: ReplayInput | null;
}

export interface VerifyOptions extends VerifyingVerifyOptions {
  /** This call's replay store instead of the verifier's (`null`: none). */
  replay?: ReplayInput | null;
}

export interface VerifyRequestOptions extends VerifyingVerifyRequestOptions {
  /** This call's replay store instead of the verifier's (`null`: none). */
  replay?: ReplayInput | null;
}

/**
 * The `Verifier` of verify.d.ts with `diagnose`, which the WASM package's
 * light entry (`hooksig-wasm/verify`) leaves out, and the replay guard.
 *
 * @example
 * const why = verifier.diagnose(req.headers, req.body); // e.g. "The body was re-serialized: ..."
 */
export class Verifier extends VerifyingVerifier {
  /**
   * @throws InvalidSchemeError, InvalidSecretError; RangeError for a bad
   *   `options.tolerance`; TypeError for a `replay` that is not a store
   */
  constructor(scheme: SchemeInput, secrets: string | readonly string[], options?: VerifierOptions);
  /** The verifier's own replay store, or `null`. */
  readonly replay: ReplayStore | null;
  /**
   * Verifies synchronously; with a replay store, claims the delivery (a memory
   * store only: any other throws a TypeError, use `verifyAsync`).
   * @throws a `VerificationError` subclass (`ReplayedError` for a copy),
   *   `ReplayStoreUnavailableError`
   */
  verify(headers: HeadersInput, body: BodyInput, options?: VerifyOptions): Verified;
  /** Like `verify`, off the main thread where the backend can; claims in any replay store. */
  verifyAsync(headers: HeadersInput, body: BodyInput, options?: VerifyOptions): Promise<Verified>;
  verifyRequest(request: Request, options?: VerifyRequestOptions): Promise<VerifiedRequest>;
  /**
   * The delivery was handled: later copies are refused (`ReplayedError`,
   * `completed` true). Takes the very object verify / verifyAsync /
   * verifyRequest returned; does nothing for one without a claim
   * (`replayKey` null). Always a promise (a memory store settles at once).
   * @throws (rejects) ReplayStoreUnavailableError
   */
  complete(verified: Verified): Promise<void>;
  /** The handler failed: frees the claim, so the provider's retry is handled. */
  release(verified: Verified): Promise<void>;
  /** `null` when the request verifies, else a sentence naming the likely mistake (never a signature). */
  diagnose(headers: HeadersInput, body: BodyInput, options?: VerifyingVerifyOptions): string | null;
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
