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


def size_label(size: int) -> str:
    return f"{size >> 20} MiB" if size >= 1 << 20 else f"{size >> 10} KiB" if size >= 1 << 10 else f"{size} B"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--core", help="the core_verify binary (prints 'SCHEME SIZE NANOSECONDS')")
    parser.add_argument("--json", help="also write the measurements here")
    args = parser.parse_args()

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
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"rows": rows, "threads_speedup": threads, "processes_speedup": processes}, out, indent=1)


if __name__ == "__main__":
    main()
