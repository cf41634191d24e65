"""Verification time of hooksig against what Python receivers use today.

Contenders, each against hooksig verifying the same scheme and body:

- the hand-rolled stdlib ``hmac`` snippet of Quiltt's Flask docs (scheme ``quiltt``);
- ``standardwebhooks`` (``json_parse=False``) and ``svix`` (scheme ``standard``);
- ``stripe.WebhookSignature.verify_header`` (scheme ``stripe``);
- ``hmac.digest`` of the stdlib (OpenSSL) over the same number of bytes: not a
  verifier, the floor that any HMAC-SHA256 verification of that body has;
- the Rust core without Python (``bench/core_verify.rs``, whose binary is passed
  with ``--core``; it runs right before hooksig's own measurement of the same
  scheme and size, so both see the same machine load).

Then the replay guard: time per request of a plain verify, and of verify +
claim + complete with a memory store and with a Redis store on loopback (a
``redis-server`` the benchmark starts on a free port), and the throughput of
one and of two processes sharing that Redis. ``--replay-only`` runs just that.

Ratios are hooksig's time divided by the contender's: below 1 means hooksig
is faster. Each time is the best of several rounds (the least disturbed by
other processes). Run through ``bench/run.sh``, which builds everything.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import multiprocessing
import shutil
import socket
import subprocess
import threading
import time
import timeit
from datetime import datetime
from typing import Callable

import standardwebhooks.webhooks
import stripe
import svix.webhooks

import hooksig

SIZES = [256, 4 << 10, 64 << 10, 1 << 20]
STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SECRET = "whsec_bench-secret-for-quiltt-and-stripe"


def body_of(size: int) -> bytes:
    """A JSON body of exactly ``size`` bytes (the JSON libraries' verify may parse it)."""
    head, tail = b'{"type":"invoice.paid","data":"', b'"}'
    return head + b"x" * (size - len(head) - len(tail)) + tail


def hand_rolled(secret: str) -> Callable[[dict[str, str], bytes], bool]:
    """The Flask snippet of Quiltt's docs, as written there (``!=`` and all)."""
    QUILTT_WEBHOOK_VERSION = "1"
    QUILTT_WEBHOOK_WINDOW = 300

    def verify(headers: dict[str, str], data: bytes) -> bool:
        timestamp = headers.get("Quiltt-Timestamp")
        if not timestamp or (datetime.now().timestamp() - int(timestamp)) > QUILTT_WEBHOOK_WINDOW:
            return False
        payload = data.decode()  # request.get_data(as_text=True)
        signature = hmac.new(
            secret.encode(), f"{QUILTT_WEBHOOK_VERSION}{timestamp}{payload}".encode(), hashlib.sha256
        ).digest()
        encoded_signature = base64.b64encode(signature).decode()
        return headers.get("Quiltt-Signature") == encoded_signature

    return verify


def best(call: Callable[[], object], rounds: int = 5) -> float:
    """Seconds per call, best of ``rounds`` rounds of about 0.2 s each."""
    timer = timeit.Timer(call)
    number, _ = timer.autorange()
    number = max(1, number)
    return min(timer.repeat(repeat=rounds, number=number)) / number


def contenders(size: int) -> list[tuple[str, str, Callable[[], object], Callable[[], object]]]:
    """(name, scheme, contender's verify, hooksig's verify of the same request)."""
    body = body_of(size)
    quiltt = hooksig.sign("quiltt", SECRET, body)
    standard = hooksig.sign("standard", STANDARD_SECRET, body)
    stripe_header = hooksig.sign("stripe", SECRET, body)["Stripe-Signature"]
    snippet = hand_rolled(SECRET)
    assert snippet(quiltt, body)
    q = hooksig.Verifier("quiltt", SECRET)
    s = hooksig.Verifier("standard", STANDARD_SECRET)
    st = hooksig.Verifier("stripe", SECRET)
    stripe_headers = {"Stripe-Signature": stripe_header}
    sw = standardwebhooks.webhooks.Webhook(STANDARD_SECRET)
    sv = svix.webhooks.Webhook(STANDARD_SECRET)
    text = body.decode()
    key = b"k" * 32
    return [
        ("stdlib hmac.digest", "(floor)", lambda: hmac.digest(key, body, "sha256"), lambda: s.verify(standard, body)),
        ("hand-rolled hmac", "quiltt", lambda: snippet(quiltt, body), lambda: q.verify(quiltt, body)),
        ("standardwebhooks", "standard", lambda: sw.verify(body, standard, json_parse=False), lambda: s.verify(standard, body)),
        ("svix", "standard", lambda: sv.verify(body, standard), lambda: s.verify(standard, body)),
        (
            "stripe",
            "stripe",
            lambda: stripe.WebhookSignature.verify_header(text, stripe_header, SECRET, 300),
            lambda: st.verify(stripe_headers, body),
        ),
    ]


_BODY = body_of(1 << 20)
_HEADERS = hooksig.sign("standard", STANDARD_SECRET, _BODY)
_VERIFIER = hooksig.Verifier("standard", STANDARD_SECRET)


def _verify_many(n: int) -> None:
    for _ in range(n):
        _VERIFIER.verify(_HEADERS, _BODY)


def parallel_speedup(worker: type[threading.Thread] | type[multiprocessing.Process], calls: int = 200) -> float:
    """Throughput of two workers verifying 1 MiB bodies over that of one (best of three runs each)."""

    def run(workers: int) -> float:
        started = [worker(target=_verify_many, args=(calls // workers,)) for _ in range(workers)]
        start = time.perf_counter()
        for w in started:
            w.start()
        for w in started:
            w.join()
        return calls / (time.perf_counter() - start)

    one = max(run(1) for _ in range(3))
    two = max(run(2) for _ in range(3))
    return two / one


def deliveries(count: int, size: int = 256, tag: str = "") -> list[tuple[dict[str, str], bytes]]:
    """``count`` distinct signed Standard Webhooks deliveries: a guard accepts each once."""
    body = body_of(size)
    return [(hooksig.sign("standard", STANDARD_SECRET, body, webhook_id=f"msg_{tag}{n}"), body) for n in range(count)]


def per_request(make_verifier: Callable[[], hooksig.Verifier], guarded: bool, count: int = 4000, rounds: int = 5) -> float:
    """Seconds per verify (+ claim + complete when ``guarded``), best of ``rounds``
    rounds of ``count`` distinct deliveries, each round with a fresh verifier and store."""
    times = []
    for r in range(rounds):
        verifier = make_verifier()
        batch = deliveries(count, tag=f"{time.time_ns()}_{r}_")
        start = time.perf_counter()
        for headers, body in batch:
            verified = verifier.verify(headers, body)
            if guarded:
                verifier.complete(verified)
        times.append((time.perf_counter() - start) / count)
    return min(times)


def _receive(url: str, batch: list[tuple[dict[str, str], bytes]], handled: multiprocessing.Queue[int]) -> None:
    verifier = hooksig.Verifier("standard", STANDARD_SECRET, replay=hooksig.ReplayStore.redis(url))
    verifier.verify(*deliveries(1, tag=f"warm{time.time_ns()}")[0])  # connected before the clock starts
    handled.put(0)
    count = 0
    for headers, body in batch:
        try:
            verifier.complete(verifier.verify(headers, body))
            count += 1
        except hooksig.Replayed:
            pass
    handled.put(count)


def shared_redis_throughput(url: str, processes: int, count: int = 8000) -> tuple[float, int]:
    """Deliveries per second that ``processes`` receivers sharing one Redis get
    through, each sent every delivery (as a provider's retries or two load-balanced
    copies would), and how many were handled in all (each exactly once: ``count``)."""
    batch = deliveries(count, tag=f"{time.time_ns()}_{processes}_")
    handled: multiprocessing.Queue[int] = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=_receive, args=(url, batch, handled)) for _ in range(processes)]
    for worker in workers:
        worker.start()
    for _ in workers:
        handled.get()  # each connected and warm
    start = time.perf_counter()
    total = sum(handled.get() for _ in workers)
    elapsed = time.perf_counter() - start
    for worker in workers:
        worker.join()
    return processes * count / elapsed, total


def replay_guard() -> dict[str, float]:
    """The replay guard's section of the report."""
    if shutil.which("redis-server") is None:
        raise SystemExit("redis-server is missing (bench/run.sh installs it)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"redis://127.0.0.1:{port}/0"
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        plain = per_request(lambda: hooksig.Verifier("standard", STANDARD_SECRET), guarded=False)
        memory = per_request(
            lambda: hooksig.Verifier("standard", STANDARD_SECRET, replay=hooksig.ReplayStore.memory()), guarded=True
        )
        redis = per_request(
            lambda: hooksig.Verifier("standard", STANDARD_SECRET, replay=hooksig.ReplayStore.redis(url)), guarded=True
        )
        one, handled_one = shared_redis_throughput(url, 1)
        two, handled_two = shared_redis_throughput(url, 2)
    finally:
        server.terminate()
        server.wait()
    print("replay guard, standard scheme, 256 B body, per request (best of 5 rounds of 4000 distinct deliveries):")
    print(f"  verify                                  {plain * 1e6:8.2f} µs")
    print(f"  verify + claim + complete, memory       {memory * 1e6:8.2f} µs")
    print(f"  verify + claim + complete, Redis (lo)   {redis * 1e6:8.2f} µs  (two round trips: SET NX PX, SET PX)")
    print("receivers sharing one Redis, each sent all of 8000 deliveries:")
    print(f"  1 process:   {one:9.0f} deliveries/s ({handled_one} handled)")
    print(f"  2 processes: {two:9.0f} deliveries/s ({handled_two} handled, each once)")
    return {
        "verify": plain,
        "memory": memory,
        "redis": redis,
        "shared_redis_1": one,
        "shared_redis_2": two,
    }


def size_label(size: int) -> str:
    return f"{size >> 20} MiB" if size >= 1 << 20 else f"{size >> 10} KiB" if size >= 1 << 10 else f"{size} B"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--core", help="the core_verify binary (prints 'SCHEME SIZE NANOSECONDS')")
    parser.add_argument("--json", help="also write the measurements here")
    parser.add_argument("--replay-only", action="store_true", help="measure the replay guard only")
    args = parser.parse_args()
    if args.replay_only:
        replay_guard()
        return

    def core(scheme: str, size: int) -> float:
        out = subprocess.run([args.core, scheme, str(size)], check=True, capture_output=True, text=True).stdout
        return int(out.split()[2]) / 1e9

    print(f"hooksig {hooksig.__version__}: time per verify, best of 5 rounds; ratio = hooksig / contender\n")
    print(f"{'body':>8}  {'contender':<18} {'scheme':<9} {'contender µs':>13} {'hooksig µs':>11} {'ratio':>7}")
    rows = []
    for size in SIZES:
        for name, scheme, theirs, ours in contenders(size):
            t_theirs, t_ours = best(theirs), best(ours)
            rows.append({"size": size, "contender": name, "scheme": scheme, "theirs": t_theirs, "ours": t_ours})
            print(f"{size_label(size):>8}  {name:<18} {scheme:<9} {t_theirs * 1e6:>13.2f} {t_ours * 1e6:>11.2f} {t_ours / t_theirs:>6.2f}×")
        for scheme in ("quiltt", "standard", "stripe") if args.core else ():
            verifier = hooksig.Verifier(scheme, STANDARD_SECRET)
            headers, body = hooksig.sign(scheme, STANDARD_SECRET, body_of(size)), body_of(size)
            t_core = core(scheme, size)
            ours = best(lambda: verifier.verify(headers, body))
            rows.append({"size": size, "contender": "Rust core", "scheme": scheme, "theirs": t_core, "ours": ours})
            print(f"{size_label(size):>8}  {'Rust core':<18} {scheme:<9} {t_core * 1e6:>13.2f} {ours * 1e6:>11.2f} {ours / t_core:>6.2f}×")
        print()
    threads = parallel_speedup(threading.Thread)
    processes = parallel_speedup(multiprocessing.Process)
    print(f"two threads verifying 1 MiB bodies: {threads:.2f}× the throughput of one (the GIL is released while hashing)")
    print(f"two processes, for comparison:      {processes:.2f}× (what this machine's free cores allow)")
    print()
    replay = replay_guard()
    if args.json:
        with open(args.json, "w") as out:
            json.dump(
                {"rows": rows, "threads_speedup": threads, "processes_speedup": processes, "replay": replay},
                out,
                indent=1,
            )


if __name__ == "__main__":
    main()
