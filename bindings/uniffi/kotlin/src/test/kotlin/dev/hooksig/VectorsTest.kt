package dev.hooksig

import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import java.io.File
import java.util.Base64

/** Every case of tests/vectors, run through the packaged jar (failsafe puts it on the classpath). */
class VectorsTest {
    private val dir = File(System.getProperty("hooksig.vectors") ?: error("hooksig.vectors is not set"))

    private fun cases(file: String): List<JSONObject> {
        val cases = JSONObject(File(dir, file).readText()).getJSONArray("cases")
        return (0 until cases.length()).map { cases.getJSONObject(it) }
    }

    /** A vector file nobody runs would be a silent gap in conformance. */
    @Test
    fun everyVectorFileIsRun() {
        val known = setOf("verify.json", "header_text.json", "sign.json", "match.json", "decrypt.json")
        val present = dir.listFiles { f -> f.name.endsWith(".json") }!!.map { it.name }.toSet()
        assertEquals(emptySet<String>(), present - known, "vector files this suite does not run")
    }

    /** Failsafe puts the built jar, not target/classes, on the classpath: that jar is what ships. */
    @Test
    fun runsAgainstThePackagedJar() {
        val location = Verifier::class.java.protectionDomain.codeSource.location.path
        assertTrue(location.endsWith(".jar"), location)
        // JNA resolves the library as the generated code does: from the jar's
        // linux-x86-64/ resource, extracted to a temporary file.
        val library = com.sun.jna.NativeLibrary.getInstance("hooksig_uniffi").file.path
        assertFalse(library.contains("target/release"), library)
    }

    @TestFactory
    fun verify(): List<DynamicTest> = cases("verify.json").map { case ->
        DynamicTest.dynamicTest(case.getString("name")) { runVerify(case) }
    }

    /** Verify cases whose header text is not ASCII. */
    @TestFactory
    fun headerText(): List<DynamicTest> = cases("header_text.json").map { case ->
        DynamicTest.dynamicTest(case.getString("name")) { runVerify(case) }
    }

    @TestFactory
    fun sign(): List<DynamicTest> = cases("sign.json").map { case ->
        DynamicTest.dynamicTest(case.getString("name")) { runSign(case) }
    }

    @TestFactory
    fun match(): List<DynamicTest> = cases("match.json").map { case ->
        DynamicTest.dynamicTest(case.getString("name")) { runMatch(case) }
    }

    @TestFactory
    fun decrypt(): List<DynamicTest> = cases("decrypt.json").map { case ->
        DynamicTest.dynamicTest(case.getString("name")) { runDecrypt(case) }
    }

    private fun runVerify(case: JSONObject) {
        val expect = case.getJSONObject("expect")
        val outcome = runCatching {
            val verifier = Verifier(
                scheme(case),
                case.getJSONArray("secrets").strings(),
                if (case.has("tolerance")) case.getLong("tolerance").toULong() else null,
            )
            verifier.verify(headers(case.getJSONArray("headers")), body(case), case.getLong("now"))
        }
        if (expect.getBoolean("ok")) {
            val verified = outcome.getOrThrow()
            assertEquals(expect.getInt("key_index"), verified.keyIndex)
            assertEquals(expect.optionalLong("timestamp"), verified.timestamp)
            assertEquals(expect.optionalString("webhook_id"), verified.webhookId)
            assertEquals(expect.getBoolean("id_signed"), verified.idSigned)
            assertEquals(null, verified.replayKey, "a verifier without a store claims nothing")
            checkReplayKey(case, expect.getString("replay_key"))
        } else {
            assertEquals(expect.getString("code"), codeOf(outcome))
        }
    }

    /** Through a fresh memory store the case claims the key the vector names; its copy is `replayed`. */
    private fun checkReplayKey(case: JSONObject, expected: String) {
        val verifier = Verifier(
            scheme(case),
            case.getJSONArray("secrets").strings(),
            if (case.has("tolerance")) case.getLong("tolerance").toULong() else null,
            replay = ReplayStore.memory(),
        )
        val headers = headers(case.getJSONArray("headers"))
        assertEquals(expected, verifier.verify(headers, body(case), case.getLong("now")).replayKey)
        assertEquals("replayed", codeOf(runCatching { verifier.verify(headers, body(case), case.getLong("now")) }))
    }

    private fun runSign(case: JSONObject) {
        val expect = case.getJSONObject("expect")
        val outcome = runCatching {
            sign(
                scheme(case),
                case.getString("secret"),
                body(case),
                timestamp = case.optionalLong("timestamp"),
                webhookId = case.optionalString("webhook_id"),
                eventType = case.optionalString("event_type"),
            )
        }
        if (expect.has("headers")) {
            val expected = expect.getJSONArray("headers").let { pairs ->
                (0 until pairs.length()).map { pairs.getJSONArray(it).let { p -> p.getString(0) to p.getString(1) } }
            }
            assertEquals(expected, outcome.getOrThrow().map { it.name to it.value })
        } else {
            assertEquals(expect.getString("code"), codeOf(outcome))
        }
    }

    private fun runMatch(case: JSONObject) {
        val expect = case.getJSONObject("expect")
        val outcome = runCatching { EventMatcher(case.getJSONArray("patterns").strings(), case.getBoolean("scope")) }
        if (!expect.getBoolean("ok")) {
            assertEquals(expect.getString("code"), codeOf(outcome))
            return
        }
        val matcher = outcome.getOrThrow()
        val lookups = expect.getJSONArray("lookups")
        for (i in 0 until lookups.length()) {
            val lookup = lookups.getJSONObject(i)
            val type = lookup.getString("type")
            val expected = lookup.getJSONArray("matching").let { m -> (0 until m.length()).map { m.getInt(it) } }
            assertEquals(expected, matcher.matching(type), type)
            assertEquals(expected.isNotEmpty(), matcher.matches(type), type)
        }
        if (case.has("catalog")) {
            val unknown = expect.getJSONArray("unknown").let { u ->
                (0 until u.length()).map { u.getJSONObject(it) }.map {
                    UnknownPattern(it.getInt("index"), it.getString("pattern"), it.optionalString("suggestion"))
                }
            }
            assertEquals(unknown, matcher.unknownPatterns(case.getString("catalog")))
        }
    }

    private fun runDecrypt(case: JSONObject) {
        val expect = case.getJSONObject("expect")
        val outcome = runCatching { trattaDecrypt(case.getString("secret"), case.getString("data")) }
        when {
            !expect.getBoolean("ok") -> assertEquals(expect.getString("code"), codeOf(outcome))
            expect.has("plaintext_base64") ->
                assertArrayEquals(Base64.getDecoder().decode(expect.getString("plaintext_base64")), outcome.getOrThrow())
            else -> assertEquals(expect.getString("plaintext"), outcome.getOrThrow().decodeToString())
        }
    }

    /** A built-in name, or a custom-scheme object passed as its JSON text. */
    private fun scheme(case: JSONObject): String = when (val s = case.get("scheme")) {
        is JSONObject -> s.toString()
        else -> s as String
    }

    private fun body(case: JSONObject): ByteArray =
        if (case.has("body_base64")) Base64.getDecoder().decode(case.getString("body_base64"))
        else case.getString("body").encodeToByteArray()

    private fun codeOf(outcome: Result<*>): String {
        val error = outcome.exceptionOrNull() ?: error("expected a failure, got $outcome")
        return (error as? HooksigException ?: throw error).code
    }
}

/** Pairs keep their order and duplicates: repeated names become one multi-valued entry. */
internal fun headers(pairs: JSONArray): Map<String, List<String>> {
    val map = LinkedHashMap<String, MutableList<String>>()
    for (i in 0 until pairs.length()) {
        val pair = pairs.getJSONArray(i)
        map.getOrPut(pair.getString(0)) { mutableListOf() }.add(pair.getString(1))
    }
    return map
}

private fun JSONArray.strings(): List<String> = (0 until length()).map { getString(it) }
private fun JSONObject.optionalLong(key: String): Long? = if (isNull(key)) null else getLong(key)
private fun JSONObject.optionalString(key: String): String? = if (isNull(key)) null else getString(key)
