package dev.hooksig.tools

import dev.hooksig.Verifier
import dev.hooksig.sign
import dev.hooksig.verify
import java.nio.ByteBuffer
import java.security.MessageDigest
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec

/**
 * `bench.sh`: a timed loop (not a test) comparing `Verifier.verify` through
 * uniffi/JNA with the hand-rolled `javax.crypto.Mac` check a provider's docs
 * suggest, on GitHub-style requests (`X-Hub-Signature-256: sha256=<hex>`).
 * The ratio column is time per verify relative to the hand-rolled check.
 */
fun main(args: Array<String>) {
    val seconds = args.firstOrNull()?.toDouble() ?: 2.0
    val secret = "bench-secret-0123456789abcdef"
    println("%-8s %-34s %12s %10s %8s".format("body", "verifier", "ns/verify", "MB/s", "ratio"))
    for ((label, size) in listOf("256 B" to 256, "1 MiB" to (1 shl 20))) {
        val body = ByteArray(size) { ('a'.code + it % 26).toByte() }
        val headers = sign("github", secret, body).groupBy({ it.name }, { it.value })
        val verifier = Verifier("github", listOf(secret))
        val direct = ByteBuffer.allocateDirect(size).put(body).flip()
        val hooksigNs = timePerCall(seconds) { verifier.verify(headers, body).keyIndex }
        val directNs = timePerCall(seconds) { verifier.verifyDirect(headers, direct).keyIndex }
        val handNs = timePerCall(seconds) { if (handRolled(secret, headers, body)) 0 else -1 }
        val rows = listOf(
            "hooksig verify(ByteArray)" to hooksigNs,
            "hooksig verifyDirect(ByteBuffer)" to directNs,
            "javax.crypto.Mac hand-rolled" to handNs,
        )
        for ((name, ns) in rows) {
            println("%-8s %-34s %12.0f %10.1f %8.2f".format(label, name, ns, size / ns * 1e9 / 1e6, ns / handNs))
        }
        verifier.close()
    }
}

/** What a receiver snippet does: a fresh Mac per request, hex-decode, constant-time compare. */
private fun handRolled(secret: String, headers: Map<String, List<String>>, body: ByteArray): Boolean {
    val header = headers.entries.first { it.key.equals("X-Hub-Signature-256", ignoreCase = true) }.value.single()
    val expected = header.removePrefix("sha256=").chunked(2).map { it.toInt(16).toByte() }.toByteArray()
    val mac = Mac.getInstance("HmacSHA256")
    mac.init(SecretKeySpec(secret.encodeToByteArray(), "HmacSHA256"))
    return MessageDigest.isEqual(mac.doFinal(body), expected)
}

/** Median over rounds of ~0.1 s each, after a warm-up of the same length as the measurement. */
private fun timePerCall(seconds: Double, call: () -> Int): Double {
    var sink = 0
    val deadline = System.nanoTime() + (seconds * 1e9).toLong()
    while (System.nanoTime() < deadline) sink += call()
    val rounds = mutableListOf<Double>()
    val end = System.nanoTime() + (seconds * 1e9).toLong()
    while (System.nanoTime() < end) {
        var n = 0
        val start = System.nanoTime()
        while (System.nanoTime() - start < 100_000_000L) {
            sink += call()
            n++
        }
        rounds += (System.nanoTime() - start).toDouble() / n
    }
    check(sink == 0) { "a verification failed during the benchmark" }
    return rounds.sorted()[rounds.size / 2]
}
