// Hand-written beside the generated hooksig.kt: what uniffi cannot express.
package dev.hooksig

/**
 * The stable machine-readable code of this failure (`"signature_mismatch"`,
 * `"invalid_secret"`, ...), the same string in every hooksig binding.
 *
 * ```kotlin
 * try {
 *     verifier.verify(headers, body)
 * } catch (e: HooksigException) {
 *     log.warn("webhook rejected: {} ({})", e.message, e.code)
 * }
 * ```
 */
val HooksigException.code: String
    // Exhaustive over the sealed class, so a variant added in Rust fails to
    // compile here; the tests check the strings against the core's list.
    get() = when (this) {
        is HooksigException.InvalidSecret -> "invalid_secret"
        is HooksigException.MissingHeader -> "missing_header"
        is HooksigException.MalformedHeader -> "malformed_header"
        is HooksigException.TimestampTooOld -> "timestamp_too_old"
        is HooksigException.TimestampInFuture -> "timestamp_in_future"
        is HooksigException.NoSupportedSignature -> "no_supported_signature"
        is HooksigException.SignatureMismatch -> "signature_mismatch"
        is HooksigException.InvalidBody -> "invalid_body"
        is HooksigException.InvalidPattern -> "invalid_pattern"
        is HooksigException.DecryptionFailed -> "decryption_failed"
        is HooksigException.InvalidScheme -> "invalid_scheme"
    }

/**
 * [Verifier.verify] for a body the framework already decoded as text; it is
 * re-encoded as UTF-8, so prefer the raw bytes whenever they are available.
 */
fun Verifier.verify(headers: Map<String, List<String>>, body: String, now: Long? = null): Verified =
    verify(headers, body.encodeToByteArray(), now)

/** [Verifier.diagnose] for a body given as text (encoded as UTF-8). */
fun Verifier.diagnose(headers: Map<String, List<String>>, body: String, now: Long? = null): String? =
    diagnose(headers, body.encodeToByteArray(), now)
