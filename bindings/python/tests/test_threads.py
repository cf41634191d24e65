"""One Verifier shared by many threads; the GIL is released while a large body is hashed."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import hooksig

SECRET = "github-secret"
NOW = 1_700_000_000


def test_one_verifier_many_threads() -> None:
    verifier = hooksig.Verifier("github", SECRET)
    bodies = [bytes([i]) * (i * 4099) for i in range(64)]
    signed = [(hooksig.sign("github", SECRET, body), body) for body in bodies]

    def check(index: int) -> bool:
        headers, body = signed[index]
        ok = verifier.verify(headers, body, now=NOW).key_index == 0
        try:
            verifier.verify(headers, body + b"x", now=NOW)
        except hooksig.SignatureMismatch:
            return ok
        return False

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(check, list(range(64)) * 4))


def test_other_threads_run_while_a_large_body_is_hashed() -> None:
    body = b"x" * (128 << 20)
    headers = hooksig.sign("github", SECRET, body)
    verifier = hooksig.Verifier("github", SECRET)
    inside = threading.Event()
    done = threading.Event()
    ticks_while_hashing = 0

    def verify() -> None:
        inside.set()
        verifier.verify(headers, body, now=NOW)
        done.set()

    worker = threading.Thread(target=verify)
    worker.start()
    inside.wait()
    # With the GIL held for the whole hash this loop could not run until `done`.
    while not done.is_set():
        ticks_while_hashing += 1
    worker.join()
    assert ticks_while_hashing > 0
