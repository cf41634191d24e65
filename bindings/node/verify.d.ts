// Type declarations of the verifying half of hooksig's JS API: what a webhook
// receiver needs (verify, sign, errors). It describes `hooksig/verify` and
// `hooksig-wasm/verify` (the WASM package's light build, which has only this
// half); index.d.ts re-exports it, with `Verifier.diagnose` and the routing
// and Tratta declarations, for the packages' main entries. Code moves between
// the packages unchanged.
// Hand-written; `__test__/api.shared.test.mjs` fails when the runtime exports
// and the names declared here drift apart.

/** The built-in scheme names (aliases: `svix`, `standard-webhooks` → `standard`; `atelio` → `bond`). */
export type SchemeName =
  | 'quiltt'
  | 'standard'
  | 'bond'
  | 'tratta'
  | 'stripe'
  | 'github'
  | 'shopify'
  | 'slack'
  | 'svix'
  | 'standard-webhooks'
  | 'atelio';

/** A user-defined scheme for providers hooksig does not know (the core's custom-scheme JSON). */
export interface CustomScheme {
  /** The header carrying the signature, e.g. `"X-Acme-Signature"`. */
  signature_header: string;
  /** A prefix before the encoded signature, e.g. `"sha256="`. */
  signature_prefix?: string | null;
  /** The header carrying the Unix timestamp, when the provider signs one. */
  timestamp_header?: string | null;
  /** The header carrying the message id, when the provider sends one. */
  id_header?: string | null;
  /** The header carrying the event type, when the provider sends one. */
  event_header?: string | null;
  /** The signed message, from `{timestamp}`, `{id}` and `{body}`; default `"{body}"`. */
  message?: string;
  /** How the signature is encoded; default `"hex"`. */
  encoding?: 'hex' | 'base64';
  /** How the secret becomes key bytes: its UTF-8 bytes, or base64 (a `whsec_` prefix allowed); default `"utf8"`. */
  key_format?: 'utf8' | 'base64';
  /** The shortest accepted secret, in key bytes; default 1. */
  min_secret_len?: number;
}

/** A scheme name, a custom scheme object, or the custom scheme's JSON text. */
export type SchemeInput = SchemeName | CustomScheme | (string & {});

/**
 * One header value: text (its characters stand for bytes as HTTP servers
 * decode them: one byte each when all fit, else UTF-8), bytes (a `Buffer`,
 * `Uint8Array` or other view, an `ArrayBuffer`: taken exactly), or a number
 * (its decimal text).
 */
export type HeaderValue = string | Uint8Array | ArrayBufferView | ArrayBuffer | number;

/**
 * Request headers as users have them: Node's `IncomingHttpHeaders` (`req.headers`:
 * lower-case keys, `string | string[]` values; an array is a repeated header), a
 * Fetch `Headers`, a `Map`, or `[name, value]` pairs. Names are case-insensitive.
 * `undefined` / `null` means no headers.
 */
export type HeadersInput =
  | { readonly [name: string]: HeaderValue | readonly HeaderValue[] | undefined | null }
  | Iterable<readonly [string, HeaderValue]>
  | ReadonlyArray<readonly [string, HeaderValue | readonly HeaderValue[]]>
  | null
  | undefined;

/**
 * The raw request body exactly as received: a `Buffer`, `Uint8Array` (or any
 * `ArrayBufferView`), `ArrayBuffer`, or a string (hashed as UTF-8). A parsed
 * object (what `express.json()` leaves) throws `InvalidBodyError`.
 */
export type BodyInput = Uint8Array | ArrayBufferView | ArrayBuffer | string;

export interface VerifierOptions {
  /** How far, in seconds either way, a signed timestamp may be from now. Default 300. */
  tolerance?: number;
}

export interface VerifyOptions {
  /** Verify as if the time were this (Unix seconds; fractions are dropped). Default: the clock. */
  now?: number;
}

export interface VerifyRequestOptions extends VerifyOptions {
  /**
   * The largest body read, in bytes: default 5 MiB (5 * 1024 * 1024);
   * `Infinity` or `null` for no cap. A larger Content-Length is refused
   * unread, a larger streamed body as soon as it passes the cap (the stream
   * is cancelled), with an `InvalidBodyError` whose `httpStatus` is 413.
   */
  maxBody?: number | null;
}

/** What a successful verification found. */
export interface Verified {
  /** Index of the secret that matched, in the order given to the `Verifier`. */
  keyIndex: number;
  /** The signed timestamp (Unix seconds), for timestamped schemes. */
  timestamp: number | null;
  /** The message / delivery id, where the request carries one (an empty id header: `null`). */
  webhookId: string | null;
  /**
   * True when the scheme signs the id, so it is safe to deduplicate on:
   * Standard Webhooks / Svix, and a custom scheme whose message has `{id}`.
   * GitHub's, Shopify's and Tratta's ids come from headers outside the
   * signature (a relay can rewrite them and the request still verifies): false.
   */
  idSigned: boolean;
  /**
   * The key a replay store remembers this delivery by (`hooksig:replay:` and a
   * SHA-256 of the scheme and the signed id, or the matched signature; the same
   * in every hooksig binding), when it was claimed in one; else `null` (no
   * store, or a fail-open store that could not be reached).
   */
  replayKey: string | null;
}

/** A verified Fetch request, with the body it consumed. */
export interface VerifiedRequest extends Verified {
  /** The raw body that was verified. */
  body: Uint8Array;
  /** The body decoded as UTF-8. */
  text(): string;
  /** The body parsed as JSON. */
  json<T = unknown>(): T;
}

/**
 * Verifies webhooks of one scheme against one or more secrets. Key state is
 * derived once here; one instance serves a whole server.
 *
 * @example
 * const verifier = new Verifier('quiltt', process.env.QUILTT_SECRET!);
 * const { keyIndex } = verifier.verify(req.headers, req.body); // req.body from express.raw()
 */
export class Verifier {
  /**
   * @param scheme a scheme name or custom scheme
   * @param secrets one secret, or several (newest first) during key rotation
   * @throws InvalidSchemeError, InvalidSecretError; RangeError for a bad `options.tolerance`
   */
  constructor(scheme: SchemeInput, secrets: string | readonly string[], options?: VerifierOptions);
  /** The scheme's name (`"custom"` for a user-defined one). */
  readonly scheme: string;
  /** The timestamp tolerance in seconds. */
  readonly tolerance: number;
  /**
   * Verifies synchronously (the common, small-body case).
   * @throws a `VerificationError` subclass when the request does not verify
   */
  verify(headers: HeadersInput, body: BodyInput, options?: VerifyOptions): Verified;
  /** Like `verify`, off the main thread where the backend can (the native addon: the libuv pool). */
  verifyAsync(headers: HeadersInput, body: BodyInput, options?: VerifyOptions): Promise<Verified>;
  /**
   * Reads a Fetch `Request`'s body (at most `options.maxBody` bytes, 5 MiB by
   * default) and verifies it with its headers: for Next.js route handlers,
   * Hono, Remix, Workers, Deno, Bun.
   * @throws InvalidBodyError when the body was already read (`httpStatus` 400)
   *   or is larger than `maxBody` (`httpStatus` 413)
   */
  verifyRequest(request: Request, options?: VerifyRequestOptions): Promise<VerifiedRequest>;
}

export interface SignOptions {
  /** Unix seconds to sign with; default: the clock (timestamped schemes). */
  timestamp?: number;
  /** The message id, for schemes that send one (derived from timestamp and body when omitted). */
  webhookId?: string;
  /** The event type, for schemes that carry it in a header (Tratta, GitHub, Shopify). */
  eventType?: string;
}

/**
 * Signs `body` as a sender of `scheme` would; returns the headers to attach, in order.
 * @example
 * await fetch(url, { method: 'POST', headers: sign('github', secret, body), body });
 */
export function sign(
  scheme: SchemeInput,
  secret: string,
  body: BodyInput,
  options?: SignOptions,
): Record<string, string>;

/** The names of the built-in schemes. */
export const BUILT_IN_SCHEMES: readonly string[];

/** Which implementation is running: the native addon, or the WebAssembly build. */
export const backend: 'native' | 'wasm';

/** Every error code, in the order of the core's error table. */
export const ERROR_CODES: readonly ErrorCode[];

export type ErrorCode =
  | 'invalid_secret'
  | 'missing_header'
  | 'malformed_header'
  | 'timestamp_too_old'
  | 'timestamp_in_future'
  | 'no_supported_signature'
  | 'signature_mismatch'
  | 'invalid_body'
  | 'invalid_pattern'
  | 'decryption_failed'
  | 'invalid_scheme'
  | 'replayed'
  | 'replay_store_unavailable';

/** Base class of every error hooksig throws. */
export class HooksigError extends Error {
  /** The stable machine-readable code, the same in every language. */
  readonly code: ErrorCode;
  /**
   * The HTTP status a webhook receiver answers this error with: 401 when the
   * request does not prove its origin (missing header, old or future
   * timestamp, wrong or unsupported signature), 400 when it cannot be checked
   * as sent (malformed header or body, failed decryption), 500 for this
   * server's own configuration errors (secret, pattern, scheme); 413 for a
   * body over `verifyRequest`'s `maxBody` (an `InvalidBodyError`).
   */
  readonly httpStatus: 400 | 401 | 409 | 413 | 500 | 503;
}
/** Every failure a bad request can cause (answer 4xx); the rest are configuration errors. */
export class VerificationError extends HooksigError {}
export class InvalidSecretError extends HooksigError {
  readonly code: 'invalid_secret';
}
export class MissingHeaderError extends VerificationError {
  readonly code: 'missing_header';
}
export class MalformedHeaderError extends VerificationError {
  readonly code: 'malformed_header';
}
export class TimestampTooOldError extends VerificationError {
  readonly code: 'timestamp_too_old';
}
export class TimestampInFutureError extends VerificationError {
  readonly code: 'timestamp_in_future';
}
export class NoSupportedSignatureError extends VerificationError {
  readonly code: 'no_supported_signature';
}
export class SignatureMismatchError extends VerificationError {
  readonly code: 'signature_mismatch';
}
export class InvalidBodyError extends VerificationError {
  readonly code: 'invalid_body';
  /** 400; 413 when the body is over the `maxBody` cap. */
  readonly httpStatus: 400 | 413;
}
export class InvalidPatternError extends HooksigError {
  readonly code: 'invalid_pattern';
}
export class DecryptionFailedError extends VerificationError {
  readonly code: 'decryption_failed';
}
export class InvalidSchemeError extends HooksigError {
  readonly code: 'invalid_scheme';
}
/**
 * A replay guard saw this delivery before: 409. The middlewares answer a copy
 * of a delivery that was handled (`completed`) 200 instead, so the sender stops.
 */
export class ReplayedError extends VerificationError {
  readonly code: 'replayed';
  /** True when the first copy was handled to completion; false while it is being handled. */
  readonly completed: boolean;
}
/** The replay store could not be reached: 503, never a silent accept. */
export class ReplayStoreUnavailableError extends HooksigError {
  readonly code: 'replay_store_unavailable';
}
