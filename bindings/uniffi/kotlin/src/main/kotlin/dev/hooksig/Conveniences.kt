// Hand-written beside the generated hooksig.kt: what uniffi cannot express.
package dev.hooksig

import com.sun.jna.Memory
import java.nio.ByteBuffer

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
        is HooksigException.Replayed -> "replayed"
        is HooksigException.ReplayStoreUnavailable -> "replay_store_unavailable"
    }

/**
 * Verifies a request: `headers` as received (a `Map<String, List<String>>`
 * such as `HttpExchange.requestHeaders` or Spring's `HttpHeaders`; names are
 * case-insensitive) and `body`, the raw bytes exactly as received. `now`
 * (Unix seconds) fixes the clock for tests; it defaults to the system clock.
 *
 * ```kotlin
 * val verifier = Verifier("quiltt", listOf(System.getenv("QUILTT_WEBHOOK_SECRET")))
 * val verified = verifier.verify(exchange.requestHeaders, exchange.requestBody.readAllBytes())
 * ```
 *
 * @throws HooksigException with the [code] of the failure.
 */
fun Verifier.verify(headers: Map<String, List<String>>, body: ByteArray, now: Long? = null): Verified {
    val packed = packHeaders(headers)
        ?: return withNativeBody(body.size, { it.put(body) }) { verifyDirect(headers, it, now) }
    return withPackedRequest(packed, body.size, { it.put(body) }) { h, b -> verifyPacked(h, b, now ?: 0, now != null) }
}

/** [verify] for a body in any `ByteBuffer` (its remaining bytes; the buffer's position is not moved). */
fun Verifier.verify(headers: Map<String, List<String>>, body: ByteBuffer, now: Long? = null): Verified {
    val packed = packHeaders(headers)
        ?: return if (body.isDirect) verifyDirect(headers, body.slice(), now)
        else withNativeBody(body.remaining(), { it.put(body.duplicate()) }) { verifyDirect(headers, it, now) }
    return if (body.isDirect) {
        withPackedRequest(packed, 0, {}) { h, _ -> verifyPacked(h, body.slice(), now ?: 0, now != null) }
    } else {
        withPackedRequest(packed, body.remaining(), { it.put(body.duplicate()) }) { h, b ->
            verifyPacked(h, b, now ?: 0, now != null)
        }
    }
}

/**
 * [verify] for a body the framework already decoded as text; it is
 * re-encoded as UTF-8, so prefer the raw bytes whenever they are available.
 */
fun Verifier.verify(headers: Map<String, List<String>>, body: String, now: Long? = null): Verified =
    verify(headers, body.encodeToByteArray(), now)

/**
 * `null` when the request verifies; otherwise a sentence naming the likely
 * mistake (re-serialized body, wrong secret encoding, wrong scheme, clock
 * skew, ...), never containing a signature. For logs and developers, not for
 * deciding whether to accept a request.
 */
fun Verifier.diagnose(headers: Map<String, List<String>>, body: ByteArray, now: Long? = null): String? =
    withNativeBody(body.size, { it.put(body) }) { diagnoseDirect(headers, it, now) }

/** [diagnose] for a body in any `ByteBuffer` (its remaining bytes). */
fun Verifier.diagnose(headers: Map<String, List<String>>, body: ByteBuffer, now: Long? = null): String? =
    if (body.isDirect) diagnoseDirect(headers, body.slice(), now)
    else withNativeBody(body.remaining(), { it.put(body.duplicate()) }) { diagnoseDirect(headers, it, now) }

/** [diagnose] for a body given as text (encoded as UTF-8). */
fun Verifier.diagnose(headers: Map<String, List<String>>, body: String, now: Long? = null): String? =
    diagnose(headers, body.encodeToByteArray(), now)

/**
 * The event types a verified request carries, one per event in payload order
 * (Quiltt's `events[].type`, Bond's `event`, GitHub's header plus `.action`,
 * ...), ready for [EventMatcher.matching]. Checks no signature: call it after
 * [verify] succeeded.
 *
 * ```kotlin
 * val routes = EventMatcher(listOf("connection", "account.verified"), scope = true)
 * for (type in eventTypes("quiltt", headers, body)) routes.matching(type).forEach { handlers[it](body) }
 * ```
 *
 * @throws HooksigException `invalid_body` when the body lacks the field, or a header code.
 */
fun eventTypes(scheme: String, headers: Map<String, List<String>>, body: ByteArray): List<String> =
    withNativeBody(body.size, { it.put(body) }) { eventTypesDirect(scheme, headers, it) }

/** [eventTypes] for a body in any `ByteBuffer` (its remaining bytes). */
fun eventTypes(scheme: String, headers: Map<String, List<String>>, body: ByteBuffer): List<String> =
    if (body.isDirect) eventTypesDirect(scheme, headers, body.slice())
    else withNativeBody(body.remaining(), { it.put(body.duplicate()) }) { eventTypesDirect(scheme, headers, it) }

/** [eventTypes] for a body given as text (encoded as UTF-8). */
fun eventTypes(scheme: String, headers: Map<String, List<String>>, body: String): List<String> =
    eventTypes(scheme, headers, body.encodeToByteArray())

private val emptyBody: ByteBuffer = ByteBuffer.allocateDirect(0)

/**
 * Rust borrows a body only from native memory, and uniffi reads a direct
 * buffer from its start address (ignoring `position`, hence `slice()` above).
 * A malloc'ed copy freed right after the call costs a memcpy; a copy through
 * uniffi's `ByteArray` path is read byte by byte and is ~10x slower at 1 MiB.
 */
private inline fun <T> withNativeBody(size: Int, fill: (ByteBuffer) -> Unit, call: (ByteBuffer) -> T): T {
    if (size == 0) return call(emptyBody)
    return Memory(size.toLong()).use { memory ->
        val buffer = memory.getByteBuffer(0, size.toLong())
        fill(buffer)
        call(buffer.flip())
    }
}

/**
 * The headers as `name NUL value NUL ...` in UTF-8, for `verifyPacked`: a
 * map lowered by uniffi costs a `RustBuffer` allocation round trip through
 * JNA, which dominates a small verify. `null` when a name or value contains
 * NUL (never legal in HTTP), so that the exact map goes through `verifyDirect`.
 */
private fun packHeaders(headers: Map<String, List<String>>): ByteArray? {
    val packed = StringBuilder()
    for ((name, values) in headers) {
        if (name.indexOf('\u0000') >= 0) return null
        for (value in values) {
            if (value.indexOf('\u0000') >= 0) return null
            packed.append(name).append('\u0000').append(value).append('\u0000')
        }
    }
    return packed.toString().encodeToByteArray()
}

/**
 * One native block holding the packed headers and then the body, handed to
 * Rust as two borrowed slices: one malloc and no uniffi `RustBuffer`.
 */
private inline fun <T> withPackedRequest(
    headers: ByteArray,
    bodySize: Int,
    fill: (ByteBuffer) -> Unit,
    call: (ByteBuffer, ByteBuffer) -> T,
): T {
    val total = headers.size.toLong() + bodySize
    if (total == 0L) return call(emptyBody, emptyBody)
    return Memory(total).use { memory ->
        val packed = memory.getByteBuffer(0, headers.size.toLong()).put(headers).flip()
        val body = memory.getByteBuffer(headers.size.toLong(), bodySize.toLong())
        fill(body)
        call(packed, body.flip())
    }
}

/**
 * Runs [handler] for a delivery [verify] claimed through a replay store, then
 * hands the delivery back: completed when the handler returns, so later copies
 * stay `replayed`; released when it throws, so the provider's retry is handled.
 * Without a store it only runs the handler.
 *
 * ```kotlin
 * val verified = verifier.verify(exchange.requestHeaders, body)
 * verifier.handle(verified) { process(body) }
 * ```
 *
 * @throws HooksigException `replay_store_unavailable` when the store cannot
 * record the outcome; a handler's own exception is rethrown as it was, with a
 * store failure while releasing added to it as suppressed.
 */
inline fun <T> Verifier.handle(verified: Verified, handler: () -> T): T {
    val result = try {
        handler()
    } catch (e: Throwable) {
        try {
            release(verified)
        } catch (storeDown: HooksigException) {
            e.addSuppressed(storeDown)
        }
        throw e
    }
    complete(verified)
    return result
}
