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
    val seconds = args.firstOrNull()?.toDouble() ?: 4.0
    val secret = "bench-secret-0123456789abcdef"
    println("%-8s %-34s %12s %10s %8s".format("body", "verifier", "ns/verify", "MB/s", "ratio"))
    for ((label, size) in listOf("256 B" to 256, "1 MiB" to (1 shl 20))) {
        val body = ByteArray(size) { ('a'.code + it % 26).toByte() }
        val headers = sign("github", secret, body).groupBy({ it.name }, { it.value })
        val verifier = Verifier("github", listOf(secret))
        val direct = ByteBuffer.allocateDirect(size).put(body).flip()
        val rows = timeInterleaved(
            seconds,
            listOf(
                "hooksig verify(ByteArray)" to { verifier.verify(headers, body).keyIndex },
                "hooksig verify(direct ByteBuffer)" to { verifier.verify(headers, direct).keyIndex },
                "hooksig verifyDirect (uniffi map)" to { verifier.verifyDirect(headers, direct).keyIndex },
                "javax.crypto.Mac hand-rolled" to { if (handRolled(secret, headers, body)) 0 else -1 },
            ),
        )
        val handNs = rows.last().second
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

/**
 * Median ns per call of each candidate over ~0.1 s rounds, after a warm-up.
 * Rounds alternate between candidates, so load from other processes on the
 * machine falls on all of them alike.
 */
private fun timeInterleaved(seconds: Double, candidates: List<Pair<String, () -> Int>>): List<Pair<String, Double>> {
    var sink = 0
    for ((_, call) in candidates) {
        val warm = System.nanoTime() + (seconds * 1e9 / candidates.size).toLong()
        while (System.nanoTime() < warm) sink += call()
    }
    val rounds = candidates.map { mutableListOf<Double>() }
    val end = System.nanoTime() + (seconds * 1e9).toLong()
    while (System.nanoTime() < end) {
        for ((i, candidate) in candidates.withIndex()) {
            var n = 0
            val start = System.nanoTime()
            while (System.nanoTime() - start < 100_000_000L) {
                sink += candidate.second()
                n++
            }
            rounds[i] += (System.nanoTime() - start).toDouble() / n
        }
    }
    check(sink == 0) { "a verification failed during the benchmark" }
    return candidates.mapIndexed { i, (name, _) -> name to rounds[i].sorted()[rounds[i].size / 2] }
}
