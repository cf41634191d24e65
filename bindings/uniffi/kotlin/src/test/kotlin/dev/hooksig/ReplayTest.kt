package dev.hooksig

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.File
import java.net.InetAddress
import java.net.InetSocketAddress
import java.net.ServerSocket
import java.net.Socket
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

/**
 * The replay guard through the jar: a verifier built with a [ReplayStore]
 * accepts each delivery once, over a memory store, a store written in Kotlin
 * and a real Redis server the test starts on a free loopback port
 * (`redis-server`, or `$HOOKSIG_REDIS_SERVER`) and stops.
 */
class ReplayTest {
    private val secret = "github-secret"

    private fun signed(body: String): Map<String, List<String>> =
        sign("github", secret, body.encodeToByteArray()).associate { it.name to listOf(it.value) }

    private fun guarded(store: ReplayStore) = Verifier("github", listOf(secret), replay = store)

    private fun codeOf(call: () -> Unit): String =
        try {
            call()
            "ok"
        } catch (e: HooksigException) {
            e.code
        }

    /** Claim, refuse the copy in flight, release, let the retry through, complete, refuse every later copy. */
    private fun claimCycle(store: ReplayStore, body: String) {
        val verifier = guarded(store)
        val headers = signed(body)
        val first = verifier.verify(headers, body)
        assertTrue(Regex("hooksig:replay:[0-9a-f]{64}").matches(first.replayKey!!), first.replayKey)
        val busy = assertThrows<HooksigException> { verifier.verify(headers, body) }
        assertEquals("replayed", busy.code)
        assertTrue(busy.message!!.contains("being handled"), busy.message)
        verifier.release(first)
        val retry = verifier.verify(headers, body)
        verifier.complete(retry)
        val done = assertThrows<HooksigException> { verifier.verify(headers, body) }
        assertTrue(done.message!!.contains("handled before"), done.message)
        assertTrue(!done.message!!.contains(secret))
        // A tampered copy fails verification before the store is asked.
        assertEquals("signature_mismatch", codeOf { verifier.verify(headers, "{\"tampered\":1}") })
    }

    /** 16 threads verify one delivery at once: exactly one is handled, every other copy is `replayed`. */
    private fun concurrentCopies(store: ReplayStore, body: String) {
        val verifier = guarded(store)
        val headers = signed(body)
        val gate = CountDownLatch(1)
        val pool = Executors.newFixedThreadPool(16)
        try {
            val outcomes = (1..16).map {
                pool.submit<String> {
                    gate.await()
                    codeOf { verifier.verify(headers, body) }
                }
            }
            gate.countDown()
            val codes = outcomes.map { it.get(60, TimeUnit.SECONDS) }
            assertEquals(1, codes.count { it == "ok" }, codes.toString())
            assertEquals(15, codes.count { it == "replayed" }, codes.toString())
        } finally {
            pool.shutdown()
        }
    }

    @Test
    fun memoryStoreAcceptsEachDeliveryOnce() {
        val store = ReplayStore.memory()
        claimCycle(store, "{\"m\":1}")
        concurrentCopies(store, "{\"m\":2}")
    }

    @Test
    fun memoryStoreIsBounded() {
        val verifier = guarded(ReplayStore.memory(maxEntries = 3u))
        val bodies = (0 until 5).map { "{\"e\":$it}" }
        for (body in bodies) verifier.complete(verifier.verify(signed(body), body))
        // Room for 3: the oldest was forgotten, the newest was not.
        assertEquals("replayed", codeOf { verifier.verify(signed(bodies[4]), bodies[4]) })
        assertEquals("ok", codeOf { verifier.verify(signed(bodies[0]), bodies[0]) })
    }

    @Test
    fun handleCompletesOnReturnAndReleasesOnThrow() {
        val verifier = guarded(ReplayStore.memory())
        val body = "{\"h\":1}"
        val failed = assertThrows<IllegalStateException> {
            verifier.handle(verifier.verify(signed(body), body)) { error("handler failed") }
        }
        assertEquals("handler failed", failed.message)
        assertEquals(7, verifier.handle(verifier.verify(signed(body), body)) { 7 }, "released: the retry is handled")
        val done = assertThrows<HooksigException> { verifier.verify(signed(body), body) }
        assertTrue(done.message!!.contains("handled before"), done.message)
    }

    @Test
    fun withoutAStoreNothingIsClaimed() {
        val verifier = Verifier("github", listOf(secret))
        val verified = verifier.verify(signed("{}"), "{}")
        assertNull(verified.replayKey)
        assertNull(verified.replayTtlMs)
        verifier.complete(verified)
        verifier.release(verified)
        assertEquals("ok", codeOf { verifier.verify(signed("{}"), "{}") })
    }

    /** A store written in Kotlin: a map behind a lock, which can be told to fail. */
    private class MapBackend : ReplayBackend {
        private val keys = HashMap<String, ReplayClaim>()
        @Volatile var down = false
        @Volatile var lastTtlMs = 0UL

        private fun <T> locked(call: () -> T): T {
            if (down) throw ReplayBackendException.Unavailable("the map is down")
            return synchronized(keys, call)
        }

        override fun claim(key: String, ttlMs: ULong): ReplayClaim = locked {
            lastTtlMs = ttlMs
            keys[key] ?: ReplayClaim.CLAIMED.also { keys[key] = ReplayClaim.IN_PROGRESS }
        }

        override fun complete(key: String, ttlMs: ULong) = locked { keys[key] = ReplayClaim.COMPLETED }

        override fun release(key: String) = locked { keys.remove(key); Unit }
    }

    @Test
    fun aKotlinBackendIsAStore() {
        val backend = MapBackend()
        val store = ReplayStore.custom(backend, retentionSeconds = 60u)
        claimCycle(store, "{\"k\":1}")
        assertEquals(60_000UL, backend.lastTtlMs, "a scheme without timestamps is kept for the retention")
        concurrentCopies(store, "{\"k\":2}")

        backend.down = true
        val down = assertThrows<HooksigException> { guarded(store).verify(signed("{\"k\":3}"), "{\"k\":3}") }
        assertEquals("replay_store_unavailable", down.code)
        assertTrue(down.message!!.contains("the map is down"), down.message)

        // Fail-open only when chosen: accepted unguarded, with no key to complete.
        val open = guarded(ReplayStore.custom(backend, failOpen = true))
        val verified = open.verify(signed("{\"k\":3}"), "{\"k\":3}")
        assertNull(verified.replayKey)
        open.complete(verified)
    }

    @Test
    fun anyExceptionFromABackendIsTheStoreFailing() {
        val throwing = object : ReplayBackend {
            override fun claim(key: String, ttlMs: ULong): ReplayClaim = throw IllegalStateException("pool closed")
            override fun complete(key: String, ttlMs: ULong) = Unit
            override fun release(key: String) = Unit
        }
        val verifier = guarded(ReplayStore.custom(throwing))
        assertEquals("replay_store_unavailable", codeOf { verifier.verify(signed("{}"), "{}") })
    }

    @Test
    fun aBadRedisUrlIsRefused() {
        val error = assertThrows<HooksigException> { ReplayStore.redis("http://example.com") }
        assertEquals("replay_store_unavailable", error.code)
    }

    @Test
    fun redisStoreAcceptsEachDeliveryOnceAndFailsClosedWhenStopped() {
        val port = ServerSocket(0, 1, InetAddress.getLoopbackAddress()).use { it.localPort }
        val server = ProcessBuilder(
            System.getenv("HOOKSIG_REDIS_SERVER") ?: "redis-server",
            "--port", "$port", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
        ).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(File("target/redis-server.log")).start()
        try {
            awaitPort(port, server)
            val url = "redis://127.0.0.1:$port/0"
            val store = ReplayStore.redis(url)
            claimCycle(store, "{\"r\":1}")
            concurrentCopies(store, "{\"r\":2}")
            // Another store on the same server (another process, in production) sees the same claims.
            assertEquals("replayed", codeOf { guarded(ReplayStore.redis(url)).verify(signed("{\"r\":2}"), "{\"r\":2}") })

            val verifier = guarded(store)
            val claimed = verifier.verify(signed("{\"r\":3}"), "{\"r\":3}")
            server.destroy()
            server.waitFor()
            // Stopped mid-run: refused, never accepted; completing the claim fails too.
            val down = assertThrows<HooksigException> { verifier.verify(signed("{\"r\":4}"), "{\"r\":4}") }
            assertEquals("replay_store_unavailable", down.code)
            assertTrue(!down.message!!.contains(secret))
            assertEquals("replay_store_unavailable", codeOf { verifier.complete(claimed) })
            // A bad request is still a verification failure, not a store error.
            assertEquals("signature_mismatch", codeOf { verifier.verify(signed("{\"r\":4}"), "{\"r\":5}") })
        } finally {
            server.destroy()
            server.waitFor()
        }
    }

    private fun awaitPort(port: Int, server: Process) {
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10)
        while (System.nanoTime() < deadline) {
            check(server.isAlive) { "redis-server exited (apt-get install redis-server)" }
            try {
                Socket().use { it.connect(InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200) }
                return
            } catch (_: java.io.IOException) {
                Thread.sleep(20)
            }
        }
        error("redis-server did not listen on $port")
    }
}
