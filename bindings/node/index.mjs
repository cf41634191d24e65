// ES module entry: re-exports the CommonJS build, so both module systems
// share one set of classes and `instanceof` works across them.
import hooksig from './index.js';

export const {
  Verifier,
  sign,
  EventMatcher,
  eventTypes,
  tratta,
  ReplayStore,
  BUILT_IN_SCHEMES,
  backend,
  HooksigError,
  VerificationError,
  InvalidSecretError,
  MissingHeaderError,
  MalformedHeaderError,
  TimestampTooOldError,
  TimestampInFutureError,
  NoSupportedSignatureError,
  SignatureMismatchError,
  InvalidBodyError,
  InvalidPatternError,
  DecryptionFailedError,
  InvalidSchemeError,
  ReplayedError,
  ReplayStoreUnavailableError,
  ERROR_CODES,
} = hooksig;

export default hooksig;
