package dev.hooksig

import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows
import java.nio.ByteBuffer
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

/** Bad input at every public entry point: a typed error with the right code, never a crash. */
class BadInputTest {
    private val secret = "kotlin-test-secret-0123456789"
    private val now = 1_700_000_000L
    private val body = """{"type":"connection.synced.successful"}""".encodeToByteArray()

    private fun signed(scheme: String = "quiltt", s: String = secret, b: ByteArray = body): Map<String, List<String>> =
        sign(scheme, s, b, timestamp = now).associate { it.name to listOf(it.value) }

    private fun quiltt() = Verifier("quiltt", listOf(secret))

    private val table: List<Triple<String, String, () -> Any?>> = listOf(
        Triple("unknown scheme name", "invalid_scheme") { Verifier("acme", listOf(secret)) },
        Triple("empty scheme name", "invalid_scheme") { Verifier("", listOf(secret)) },
        Triple("custom scheme JSON that does not parse", "invalid_scheme") { Verifier("{not json", listOf(secret)) },
        Triple("custom scheme without a signature header", "invalid_scheme") { Verifier("{}", listOf(secret)) },
        Triple("sign with an unknown scheme", "invalid_scheme") { sign("acme", secret, body) },
        Triple("no secret at all", "invalid_secret") { Verifier("quiltt", emptyList()) },
        Triple("empty secret", "invalid_secret") { Verifier("github", listOf("")) },
        Triple("empty secret among good ones", "invalid_secret") { Verifier("github", listOf(secret, "")) },
        Triple("whsec_ secret that is not base64", "invalid_secret") { Verifier("standard", listOf("whsec_!!!")) },
        Triple("tratta secret shorter than 16 bytes", "invalid_secret") { Verifier("tratta", listOf("short")) },
        Triple("sign with an empty secret", "invalid_secret") { sign("stripe", "", body) },
        Triple("no headers", "missing_header") { quiltt().verify(emptyMap(), body, now) },
        Triple("header with no values", "missing_header") {
            quiltt().verify(signed() + ("Quiltt-Signature" to emptyList()), body, now)
        },
        Triple("timestamp that is not a number", "malformed_header") {
            quiltt().verify(signed() + ("Quiltt-Timestamp" to listOf("yesterday")), body, now)
        },
        Triple("signature header repeated with different values", "malformed_header") {
            val headers = signed()
            quiltt().verify(headers + ("quiltt-signature" to listOf("c2lnbmF0dXJl")), body, now)
        },
        Triple("timestamp older than the tolerance", "timestamp_too_old") { quiltt().verify(signed(), body, now + 301) },
        Triple("timestamp ahead of the clock", "timestamp_in_future") { quiltt().verify(signed(), body, now - 301) },
        Triple("zero tolerance, one second late", "timestamp_too_old") {
            Verifier("quiltt", listOf(secret), 0u).verify(signed(), body, now + 1)
        },
        Triple("body changed after signing", "signature_mismatch") { quiltt().verify(signed(), body + ' '.code.toByte(), now) },
        Triple("body that is not UTF-8", "signature_mismatch") {
            quiltt().verify(signed(), byteArrayOf(0xff.toByte(), 0xfe.toByte()), now)
        },
        Triple("signed with another secret", "signature_mismatch") {
            Verifier("quiltt", listOf("another-secret-entirely")).verify(signed(), body, now)
        },
        Triple("empty pattern", "invalid_pattern") { EventMatcher(listOf("")) },
        Triple("pattern with an empty segment", "invalid_pattern") { EventMatcher(listOf("card..created")) },
        Triple("pattern with an upper-case letter", "invalid_pattern") { EventMatcher(listOf("ok", "Card.*"), scope = true) },
        Triple("catalogue of a provider without one", "invalid_scheme") {
            EventMatcher(listOf("push")).unknownPatterns("github")
        },
        Triple("tratta payload that is not base64", "decryption_failed") { trattaDecrypt(secret, "%%%") },
        Triple("tratta payload too short", "decryption_failed") { trattaDecrypt(secret, "AAAA") },
        Triple("tratta payload under another secret", "decryption_failed") {
            trattaDecrypt("another-secret-entirely", trattaEncrypt(secret, body))
        },
        Triple("quiltt body that is not JSON", "invalid_body") { eventTypes("quiltt", emptyMap(), "not json") },
        Triple("tratta event without its header", "missing_header") { eventTypes("tratta", emptyMap(), body) },
        Triple("event types of an unknown scheme", "invalid_scheme") { eventTypes("acme", emptyMap(), body) },
        Triple("only an unknown signature version", "no_supported_signature") {
            Verifier("standard", listOf("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).verify(
                mapOf(
                    "webhook-id" to listOf("msg_1"),
                    "webhook-timestamp" to listOf("$now"),
                    "webhook-signature" to listOf("v9,AAAA"),
                ),
                body, now,
            )
        },
    )

    @TestFactory
    fun badInputTable(): List<DynamicTest> = table.map { (name, code, call) ->
        DynamicTest.dynamicTest("$name -> $code") {
            val error = assertThrows<HooksigException> { call() }
            assertEquals(code, error.code, error.message)
            val message = error.message
            assertNotNull(message)
            assertFalse(message!!.contains(secret), "the message must not carry the secret")
        }
    }

    @Test
    fun everyCoreCodeHasExactlyOneSubclass() {
        val subclasses = HooksigException::class.java.declaredClasses
            .filter { HooksigException::class.java.isAssignableFrom(it) && it != HooksigException::class.java }
        val codes = subclasses.map { (it.getConstructor(String::class.java).newInstance("m") as HooksigException).code }
        assertEquals(errorCodes().sorted(), codes.sorted())
    }

    @Test
    fun aValidRequestVerifiesAndDiagnosesClean() {
        val verified = quiltt().verify(signed(), body, now + 10)
        assertEquals(Verified(keyIndex = 0, timestamp = now, webhookId = null, idSigned = false), verified)
        assertNull(quiltt().diagnose(signed(), body, now + 10))
        assertEquals(0, quiltt().verify(signed(), body.decodeToString(), now).keyIndex)
    }

    @Test
    fun headerTextStandsForTheBytesAServerDecodedOnePerCharacter() {
        val whsec = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        val standard = Verifier("standard", listOf(whsec))
        // An id signed as UTF-8 comes back as the text a servlet container shows for those bytes.
        val headers = sign("standard", whsec, body, timestamp = now, webhookId = "caf\u00e9")
            .associate { it.name to listOf(it.value) }
        assertEquals(listOf("caf\u00c3\u00a9"), headers["webhook-id"])
        assertEquals("caf\u00e9", standard.verify(headers, body, now).webhookId)
        assertEquals("caf\u00e9", standard.verifyDirect(headers, ByteBuffer.allocateDirect(body.size).put(body).flip(), now).webhookId)
        // Typed by hand, U+00E9 is the byte 0xE9 a server would have decoded it from.
        val typed = assertThrows<HooksigException> {
            standard.verify(headers + ("webhook-id" to listOf("caf\u00e9")), body, now)
        }
        assertEquals("signature_mismatch", typed.code)
        // Text beyond Latin-1 (no server produces it) is taken as UTF-8.
        val beyond = sign("standard", whsec, body, timestamp = now, webhookId = "msg_\u010d")
            .associate { it.name to listOf(it.value) } + ("webhook-id" to listOf("msg_\u010d"))
        assertEquals("msg_\u010d", standard.verify(beyond, body, now).webhookId)
    }

    @Test
    fun bodyInAnyByteBufferVerifiesItsRemainingBytes() {
        val headers = signed()
        val padded = byteArrayOf(9, 9) + body + byteArrayOf(9)
        val heap = ByteBuffer.wrap(padded, 2, body.size)
        val direct = ByteBuffer.allocateDirect(padded.size).put(padded).position(2).limit(2 + body.size) as ByteBuffer
        for (buffer in listOf(heap, direct, heap.slice(), ByteBuffer.allocateDirect(body.size).put(body).flip())) {
            val position = buffer.position()
            assertEquals(0, quiltt().verify(headers, buffer, now).keyIndex, buffer.toString())
            assertNull(quiltt().diagnose(headers, buffer, now))
            assertEquals(position, buffer.position(), "the caller's buffer is left as it was")
        }
        val empty = assertThrows<HooksigException> { quiltt().verify(headers, ByteBuffer.allocate(0), now) }
        assertEquals("signature_mismatch", empty.code)
    }

    @Test
    fun verifiedEventsAreRoutedByType() {
        val quiltt = """{"eventTypes":["profile.created","connection.synced.successful"],
            "events":[{"id":"evt_1","type":"profile.created"},{"id":"evt_2","type":"connection.synced.successful"}]}"""
        val headers = sign("quiltt", secret, quiltt.encodeToByteArray(), timestamp = now).associate { it.name to listOf(it.value) }
        quiltt().verify(headers, quiltt, now)
        val types = eventTypes("quiltt", headers, quiltt)
        assertEquals(listOf("profile.created", "connection.synced.successful"), types)
        assertEquals(types, eventTypes("quiltt", headers, ByteBuffer.wrap(quiltt.encodeToByteArray())))

        val routes = EventMatcher(listOf("connection", "profile.*", "*"), scope = true)
        assertEquals(listOf(listOf(1, 2), listOf(0, 2)), types.map { routes.matching(it) })
        val parent = EventMatcher(listOf("connection"), scope = true)
        assertTrue(parent.matches("connection.synced"))
        assertFalse(parent.matches("connections.synced"))
        assertEquals(listOf("connection", "profile.*", "*"), routes.patterns())
        assertTrue(routes.scope())
        assertTrue(routes.toString().contains("profile.*"))
    }

    @Test
    fun trattaPayloadsRoundTrip() {
        val plaintext = """{"data":{"amount":1200}}""".encodeToByteArray()
        val payload = trattaEncrypt(secret, plaintext)
        assertArrayEquals(plaintext, trattaDecrypt(secret, " $payload\n"))
        assertFalse(payload.contains("amount"))
    }

    @Test
    fun typosInASubscriptionGetASuggestion() {
        val unknown = EventMatcher(listOf("profile", "connection.synced.sucessful"), scope = true).unknownPatterns("quiltt")
        assertEquals(listOf(UnknownPattern(1, "connection.synced.sucessful", "connection.synced.successful")), unknown)
    }

    @Test
    fun rotatedSecretsReportWhichOneMatched() {
        val verifier = Verifier("stripe", listOf("whsec_new-secret", "whsec_old-secret"), 600u)
        val headers = sign("stripe", "whsec_old-secret", body, timestamp = now).associate { it.name to listOf(it.value) }
        assertEquals(1, verifier.verify(headers, body, now + 599).keyIndex)
        assertEquals(600uL, verifier.tolerance())
        assertEquals("stripe", verifier.scheme())
    }

    @Test
    fun headerNamesAreCaseInsensitive() {
        val lower = signed().mapKeys { it.key.lowercase() }
        assertEquals(0, quiltt().verify(lower, body, now).keyIndex)
    }

    @Test
    fun diagnoseNamesTheMistakeWithoutTheSignature() {
        val headers = signed()
        val reserialized = """{ "type": "connection.synced.successful" }""".encodeToByteArray()
        val sentence = quiltt().diagnose(headers, reserialized, now)
        assertNotNull(sentence)
        for (value in headers.values.flatten()) assertFalse(sentence!!.contains(value) && value.length > 12)
        assertFalse(sentence!!.contains(secret))
    }

    @Test
    fun toStringShowsNoSecret() {
        val text = Verifier("slack", listOf(secret, "second-$secret")).toString()
        assertEquals("""Verifier { scheme: "slack", secrets: 2, tolerance: 300 }""", text)
    }

    @Test
    fun customSchemeFromJson() {
        val scheme = """{"signature_header":"X-Sig","signature_prefix":"sha256=","timestamp_header":"X-Ts",
            "id_header":null,"message":"{timestamp}.{body}","encoding":"hex","key_format":"utf8","min_secret_len":1}"""
        val headers = sign(scheme, secret, body, timestamp = now).associate { it.name to listOf(it.value) }
        assertEquals(setOf("X-Sig", "X-Ts"), headers.keys)
        val verifier = Verifier(scheme, listOf(secret))
        assertEquals("custom", verifier.scheme())
        assertEquals(now, verifier.verify(headers, body, now).timestamp)
    }

    @Test
    fun builtInSchemesSignAndVerify() {
        for (scheme in builtInSchemes()) {
            val s = if (scheme == "standard") "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" else secret
            val headers = sign(scheme, s, body, timestamp = now).associate { it.name to listOf(it.value) }
            assertEquals(0, Verifier(scheme, listOf(s)).verify(headers, body, now).keyIndex, scheme)
        }
    }

    @Test
    fun oneVerifierServesManyThreads() {
        val verifier = quiltt()
        val headers = signed()
        val pool = Executors.newFixedThreadPool(4)
        val results = (1..200).map { i ->
            pool.submit<String> {
                if (i % 2 == 0) verifier.verify(headers, body, now).keyIndex.toString()
                else runCatching { verifier.verify(headers, body + 1, now) }.exceptionOrNull().let { (it as HooksigException).code }
            }
        }.map { it.get(30, TimeUnit.SECONDS) }
        pool.shutdown()
        assertEquals(setOf("0", "signature_mismatch"), results.toSet())
    }

    @Test
    fun systemClockIsUsedWithoutNow() {
        val headers = sign("slack", secret, body).associate { it.name to listOf(it.value) }
        assertEquals(0, Verifier("slack", listOf(secret)).verify(headers, body).keyIndex)
        val stale = signed("slack")
        assertEquals("timestamp_too_old", assertThrows<HooksigException> { Verifier("slack", listOf(secret)).verify(stale, body) }.code)
    }
}
