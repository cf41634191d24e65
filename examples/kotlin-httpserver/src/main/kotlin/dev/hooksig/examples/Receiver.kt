package dev.hooksig.examples

import com.sun.net.httpserver.HttpExchange
import com.sun.net.httpserver.HttpServer
import dev.hooksig.HooksigException
import dev.hooksig.Verifier
import dev.hooksig.code
import dev.hooksig.eventTypes
import dev.hooksig.verify
import java.net.InetAddress
import java.net.InetSocketAddress
import java.util.concurrent.CopyOnWriteArrayList

/** One accepted delivery, as the application would queue it. */
data class Delivery(val scheme: String, val webhookId: String?, val eventTypes: List<String>, val body: String)

/**
 * A webhook receiver on the JDK's built-in HTTP server: `POST /webhooks/{scheme}`
 * answers 204 when the signature verifies and 401 (with the error code) when not.
 * One [Verifier] per scheme is built at start-up and shared by every request.
 */
class Receiver(private val verifiers: Map<String, Verifier>, port: Int = 0) : AutoCloseable {
    private val server = HttpServer.create(InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0)

    /** What was accepted, oldest first. */
    val deliveries: MutableList<Delivery> = CopyOnWriteArrayList()

    /** The port actually bound (useful when constructed with port 0). */
    val port: Int get() = server.address.port

    init {
        server.createContext("/") { exchange ->
            try {
                handle(exchange)
            } finally {
                exchange.close()
            }
        }
        server.start()
    }

    private fun handle(exchange: HttpExchange) {
        val scheme = exchange.requestURI.path.removePrefix("/webhooks/")
        val verifier = verifiers[scheme]
        if (exchange.requestMethod != "POST" || verifier == null) {
            return exchange.respond(404, "no webhook endpoint here")
        }
        // The raw bytes, before anything parses them: a re-serialized body never verifies.
        val body = exchange.requestBody.readAllBytes()
        try {
            // HttpExchange's Headers already is a Map<String, List<String>>.
            val verified = verifier.verify(exchange.requestHeaders, body)
            // Only now that the signature holds is the payload worth reading. Some
            // deliveries carry no event type (a Slack slash command): accept, route nothing.
            val types = try {
                eventTypes(scheme, exchange.requestHeaders, body)
            } catch (e: HooksigException) {
                emptyList()
            }
            deliveries += Delivery(scheme, verified.webhookId, types, body.decodeToString())
            exchange.respond(204, "")
        } catch (e: HooksigException) {
            exchange.respond(401, e.code)
        }
    }

    private fun HttpExchange.respond(status: Int, text: String) {
        val bytes = text.encodeToByteArray()
        sendResponseHeaders(status, if (bytes.isEmpty()) -1 else bytes.size.toLong())
        if (bytes.isNotEmpty()) responseBody.write(bytes)
    }

    override fun close() {
        server.stop(0)
        verifiers.values.forEach { it.close() }
    }
}

/** `java -cp ... dev.hooksig.examples.ReceiverKt quiltt 8000` with the secret in `HOOKSIG_SECRET`. */
fun main(args: Array<String>) {
    val scheme = args.getOrElse(0) { "quiltt" }
    val secret = System.getenv("HOOKSIG_SECRET") ?: error("set HOOKSIG_SECRET to the webhook secret")
    val receiver = Receiver(mapOf(scheme to Verifier(scheme, listOf(secret))), args.getOrElse(1) { "8000" }.toInt())
    println("listening on http://127.0.0.1:${receiver.port}/webhooks/$scheme")
}
