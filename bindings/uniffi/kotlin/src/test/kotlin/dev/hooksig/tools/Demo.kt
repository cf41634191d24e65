package dev.hooksig.tools

import dev.hooksig.HooksigException
import dev.hooksig.Verifier
import dev.hooksig.builtInSchemes
import dev.hooksig.code
import dev.hooksig.diagnose
import dev.hooksig.sign
import dev.hooksig.verify
import kotlin.system.exitProcess

/** An event type each provider really sends, for the sample body. */
private val sampleEvent = mapOf(
    "quiltt" to "connection.synced.successful",
    "standard" to "invoice.paid",
    "bond" to "card.created",
    "tratta" to "customer.create",
    "stripe" to "invoice.paid",
    "github" to "push",
    "shopify" to "orders/create",
    "slack" to "app_mention",
)

/**
 * `demo.sh`: per built-in scheme, sign a sample event and verify it through the
 * Kotlin package, then tamper with the body and show the rejection code and
 * the `diagnose` sentence.
 */
fun main() {
    // Valid for every scheme: base64 after `whsec_` (standard), 16+ bytes (tratta).
    val secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    val now = System.currentTimeMillis() / 1000
    var unexpected = 0
    for (scheme in builtInSchemes()) {
        val event = sampleEvent[scheme] ?: "sample.event"
        val body = """{"type":"$event","id":"evt_kotlin_demo","amount":1200}""".encodeToByteArray()
        val headers = sign(scheme, secret, body, timestamp = now, eventType = event)
            .groupBy({ it.name }, { it.value })
        val verifier = Verifier(scheme, listOf(secret))
        val verified = verifier.verify(headers, body, now)
        println("Kotlin %-9s %-29s verified (secret #%d)".format(scheme, event, verified.keyIndex))

        val tampered = body.decodeToString().replace("1200", "2200").encodeToByteArray()
        try {
            verifier.verify(headers, tampered, now)
            unexpected++
            println("Kotlin %-9s tampered body ACCEPTED".format(scheme))
        } catch (e: HooksigException) {
            println("Kotlin %-9s tampered body -> %s: %s".format(scheme, e.code, verifier.diagnose(headers, tampered, now)))
        }
        verifier.close()
    }
    if (unexpected > 0) exitProcess(1)
}
