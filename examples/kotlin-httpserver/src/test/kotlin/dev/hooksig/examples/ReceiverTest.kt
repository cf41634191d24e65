package dev.hooksig.examples

import dev.hooksig.Verifier
import dev.hooksig.builtInSchemes
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.TestInstance
import java.io.File
import java.util.concurrent.TimeUnit

/** Starts the receiver and lets `hooksig send` play each provider, honest and tampered. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReceiverTest {
    // Valid for every built-in scheme: base64 after `whsec_` (standard), 16+ bytes (tratta).
    private val secret = "whsec_ZXhhbXBsZS1yZWNlaXZlci1zZWNyZXQtMDE="
    private val receiver = Receiver(builtInSchemes().associateWith { Verifier(it, listOf(secret)) })
    private val cli = System.getProperty("hooksig.cli") ?: error("hooksig.cli is not set")

    private fun send(scheme: String, vararg extra: String, path: String = "/webhooks/$scheme"): Pair<Int, String> {
        val command = listOf(cli, "send", "--scheme", scheme, "--secret-env", "HOOKSIG_EXAMPLE_SECRET",
            "--url", "http://127.0.0.1:${receiver.port}$path") + extra
        val process = ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT)
            .apply { environment()["HOOKSIG_EXAMPLE_SECRET"] = secret }
            .start()
        val stdout = process.inputStream.bufferedReader().readText().trim()
        check(process.waitFor(30, TimeUnit.SECONDS)) { "hooksig send did not finish" }
        return process.exitValue() to stdout
    }

    @TestFactory
    fun signedEventsAreAcceptedAndTamperedOnesRejected(): List<DynamicTest> = builtInSchemes().flatMap { scheme ->
        listOf(
            DynamicTest.dynamicTest("$scheme: signed sample -> 204") {
                val before = receiver.deliveries.size
                assertEquals(0 to "204", send(scheme))
                val delivery = receiver.deliveries.drop(before).single()
                assertEquals(scheme, delivery.scheme)
                // The CLI's Slack sample is a slash command, which has no event type.
                assertEquals(scheme != "slack", delivery.eventTypes.isNotEmpty(), delivery.toString())
            },
            DynamicTest.dynamicTest("$scheme: tampered body -> 401") {
                val before = receiver.deliveries.size
                assertEquals(1 to "401", send(scheme, "--tamper"))
                assertEquals(before, receiver.deliveries.size)
            },
        )
    }

    @Test
    fun aBodyFileIsDeliveredByteForByte() {
        val file = File.createTempFile("hooksig-body", ".json")
        try {
            file.writeText("""{"events":[{"type":"profile.ready","id":"evt_kotlin"}]}""" + "\n")
            assertEquals(0 to "204", send("quiltt", "--body-file", file.path))
            assertEquals(file.readText(), receiver.deliveries.last().body)
        } finally {
            file.delete()
        }
    }

    @Test
    fun unknownEndpointIsNotFound() {
        assertEquals(1 to "404", send("quiltt", path = "/elsewhere"))
    }

    @AfterAll
    fun stop() = receiver.close()
}
