"""The replay guard: claim, then complete or release; memory, Redis and Python stores.

The Redis cases run against a real ``redis-server`` that the fixtures start
on a free loopback port and stop at the end (``apt-get install redis-server``;
scripts/test installs it).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Literal

import pytest

import hooksig
from conftest import Redis

SECRET = "github-replay-secret"
STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def github(body: bytes) -> dict[str, str]:
    return hooksig.sign("github", SECRET, body)


# ---------------------------------------------------------------- memory store


def test_claim_then_complete_or_release() -> None:
    verifier = hooksig.Verifier("github", SECRET, replay=hooksig.ReplayStore.memory())
    body = b'{"n": 1}'
    first = verifier.verify(github(body), body)
    assert first.replay_key is not None and first.replay_key.startswith("hooksig:replay:")
    with pytest.raises(hooksig.Replayed) as busy:
        verifier.verify(github(body), body)
    assert isinstance(busy.value, hooksig.VerificationError)
    assert (busy.value.code, busy.value.http_status, busy.value.completed) == ("replayed", 409, False)
    assert "being handled" in str(busy.value)
    verifier.release(first)
    retry = verifier.verify(github(body), body)
    assert retry == first
    verifier.complete(retry)
    with pytest.raises(hooksig.Replayed) as done:
        verifier.verify(github(body), body)
    assert done.value.completed is True
    assert "handled before" in str(done.value)
    # A tampered copy is still a signature mismatch: the guard runs after verification.
    with pytest.raises(hooksig.SignatureMismatch):
        verifier.verify(github(body), body + b" ")


def test_without_a_store_nothing_is_claimed() -> None:
    verifier = hooksig.Verifier("github", SECRET)
    body = b"{}"
    verified = verifier.verify(github(body), body)
    assert verified.replay_key is None and verifier.replay is None
    verifier.verify(github(body), body)
    verifier.complete(verified)  # nothing claimed, nothing to do
    assert "replay_key" not in repr(verified)


def test_replay_key_is_the_cores_for_every_binding() -> None:
    """``hooksig replay v1``, scheme, kind and the decoded signature or signed id, hashed:
    the key every binding (and the CLI) computes for the same request."""
    store = hooksig.ReplayStore.memory()
    body = b'{"same": "key"}'
    headers = github(body)
    verified = hooksig.Verifier("github", SECRET, replay=store).verify(headers, body)
    signature = bytes.fromhex(headers["X-Hub-Signature-256"].removeprefix("sha256="))
    digest = hashlib.sha256(b"hooksig replay v1\0github\0signature\0" + signature).hexdigest()
    assert verified.replay_key == f"hooksig:replay:{digest}"

    standard = hooksig.sign("standard", STANDARD_SECRET, body, webhook_id="msg_replay")
    verified = hooksig.Verifier("standard", STANDARD_SECRET, replay=store).verify(standard, body)
    digest = hashlib.sha256(b"hooksig replay v1\0standard\0id\0msg_replay").hexdigest()
    assert verified.replay_key == f"hooksig:replay:{digest}"
    # The signed id is the delivery: re-signed later with the same id, it is a copy.
    again = hooksig.sign("standard", STANDARD_SECRET, body, webhook_id="msg_replay", timestamp=int(time.time()) - 5)
    with pytest.raises(hooksig.Replayed):
        hooksig.Verifier("standard", STANDARD_SECRET, replay=store).verify(again, body)


def test_memory_store_is_bounded() -> None:
    verifier = hooksig.Verifier("github", SECRET, replay=hooksig.ReplayStore.memory(max_entries=3))
    bodies = [f'{{"n": {n}}}'.encode() for n in range(5)]
    for body in bodies:
        verifier.complete(verifier.verify(github(body), body))
    # The two oldest were dropped to make room; the three newest are still refused.
    verifier.verify(github(bodies[0]), bodies[0])
    for body in bodies[3:]:
        with pytest.raises(hooksig.Replayed):
            verifier.verify(github(body), body)


def test_memory_store_expires() -> None:
    verifier = hooksig.Verifier("github", SECRET, replay=hooksig.ReplayStore.memory(retention=timedelta(seconds=1)))
    body = b'{"short": true}'
    verifier.complete(verifier.verify(github(body), body))
    with pytest.raises(hooksig.Replayed):
        verifier.verify(github(body), body)
    time.sleep(1.1)
    verifier.verify(github(body), body)


def claims_of_sixteen_copies(verifiers: list[hooksig.Verifier], body: bytes) -> int:
    """How many of 16 copies of one delivery, verified at once by ``verifiers`` in turn, are claimed."""
    headers = github(body)
    barrier = threading.Barrier(16)

    def deliver(i: int) -> bool:
        barrier.wait()
        try:
            verifiers[i % len(verifiers)].verify(headers, body)
            return True
        except hooksig.Replayed:
            return False

    with ThreadPoolExecutor(16) as pool:
        return sum(pool.map(deliver, range(16)))


def test_sixteen_concurrent_copies_are_claimed_once() -> None:
    verifier = hooksig.Verifier("github", SECRET, replay=hooksig.ReplayStore.memory())
    assert claims_of_sixteen_copies([verifier], b'{"concurrent": true}') == 1


def test_store_arguments_are_checked() -> None:
    store = hooksig.ReplayStore.memory(max_entries=10, retention=90)
    assert (store.kind, store.retention, store.fail_open) == ("memory", 90.0, False)
    assert repr(store) == "ReplayStore.memory(max_entries=10, retention=90)"
    assert hooksig.ReplayStore.memory().retention == 7 * 24 * 3600
    assert hooksig.ReplayStore.memory(retention=timedelta(hours=1)).retention == 3600
    for bad in (0, -1):
        with pytest.raises((ValueError, OverflowError)):
            hooksig.ReplayStore.memory(max_entries=bad)
    for retention in (0, -5, float("nan"), float("inf"), "1 day"):
        with pytest.raises(ValueError):
            hooksig.ReplayStore.memory(retention=retention)  # type: ignore[arg-type]
    with pytest.raises(hooksig.ReplayStoreUnavailable):
        hooksig.ReplayStore.redis("http://not-redis")
    # A Redis URL may carry a password: no repr shows the URL.
    redis = hooksig.ReplayStore.redis("redis://:hunter2@127.0.0.1:1/0", timeout=0.5, fail_open=True)
    verifier = hooksig.Verifier("github", SECRET, replay=redis)
    assert "hunter2" not in repr(redis) and "hunter2" not in repr(verifier)
    assert repr(redis) == "ReplayStore.redis(timeout=0.5, retention=604800, fail_open=True)"
    assert repr(verifier).endswith(f", replay={redis!r})")
    assert verifier.replay is not None and verifier.replay.kind == "redis"


# ---------------------------------------------------------- stores in Python


class DictStore:
    """The smallest correct store: a dict behind a lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.keys: dict[str, str] = {}
        self.calls: list[tuple[str, str, float | None]] = []

    def claim(self, key: str, ttl_seconds: float) -> Literal["claimed", "in_progress", "completed"]:
        with self.lock:
            self.calls.append(("claim", key, ttl_seconds))
            if key in self.keys:
                return "completed" if self.keys[key] == "completed" else "in_progress"
            self.keys[key] = "in_progress"
            return "claimed"

    def complete(self, key: str, ttl_seconds: float) -> None:
        with self.lock:
            self.calls.append(("complete", key, ttl_seconds))
            self.keys[key] = "completed"

    def release(self, key: str) -> None:
        with self.lock:
            self.calls.append(("release", key, None))
            self.keys.pop(key, None)


class SqliteStore:
    """The README's SQL store: one table, the primary key makes the claim atomic."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("CREATE TABLE IF NOT EXISTS replay (key TEXT PRIMARY KEY, state TEXT, expires REAL)")
        self.lock = threading.Lock()

    def claim(self, key: str, ttl_seconds: float) -> Literal["claimed", "in_progress", "completed"]:
        with self.lock:
            now = time.time()
            self.db.execute("DELETE FROM replay WHERE key = ? AND expires <= ?", (key, now))
            inserted = self.db.execute(
                "INSERT OR IGNORE INTO replay VALUES (?, 'in_progress', ?)", (key, now + ttl_seconds)
            ).rowcount
            if inserted:
                return "claimed"
            (state,) = self.db.execute("SELECT state FROM replay WHERE key = ?", (key,)).fetchone()
            return "completed" if state == "completed" else "in_progress"

    def complete(self, key: str, ttl_seconds: float) -> None:
        with self.lock:
            self.db.execute("REPLACE INTO replay VALUES (?, 'completed', ?)", (key, time.time() + ttl_seconds))

    def release(self, key: str) -> None:
        with self.lock:
            self.db.execute("DELETE FROM replay WHERE key = ?", (key,))


@pytest.mark.parametrize("kind", ["sqlite", "sqlite wrapped"])
def test_a_sql_store_written_in_python(kind: str, tmp_path: object) -> None:
    store = SqliteStore(os.path.join(str(tmp_path), "replay.db"))
    replay = store if kind == "sqlite" else hooksig.ReplayStore.custom(store, retention=60)
    verifier = hooksig.Verifier("github", SECRET, replay=replay)
    assert verifier.replay is not None and verifier.replay.kind == "custom"
    body = b'{"sql": 1}'
    first = verifier.verify(github(body), body)
    with pytest.raises(hooksig.Replayed) as busy:
        verifier.verify(github(body), body)
    assert busy.value.completed is False
    verifier.release(first)
    verifier.complete(verifier.verify(github(body), body))
    with pytest.raises(hooksig.Replayed) as done:
        verifier.verify(github(body), body)
    assert done.value.completed is True
    (ttl,) = store.db.execute("SELECT expires - ? FROM replay", (time.time(),)).fetchone()
    assert 0 < ttl <= (60 if kind == "sqlite wrapped" else 7 * 24 * 3600)


def test_a_python_store_gets_the_key_and_ttl() -> None:
    store = DictStore()
    verifier = hooksig.Verifier("standard", STANDARD_SECRET, replay=store)
    body = b"{}"
    now = int(time.time())
    verified = verifier.verify(hooksig.sign("standard", STANDARD_SECRET, body, webhook_id="m1", timestamp=now), body, now=now)
    verifier.complete(verified)
    # While the timestamp is accepted: until timestamp + tolerance, one second past it.
    assert store.calls == [("claim", verified.replay_key, 301.0), ("complete", verified.replay_key, 301.0)]


class Broken:
    def __init__(self, answer: object = None, error: BaseException | None = None) -> None:
        self.answer, self.error = answer, error

    def claim(self, key: str, ttl_seconds: float) -> object:
        if self.error is not None:
            raise self.error
        return self.answer

    def complete(self, key: str, ttl_seconds: float) -> None:
        raise ConnectionError("the database went away")

    def release(self, key: str) -> None:
        raise ConnectionError("the database went away")


@pytest.mark.parametrize(
    ("store", "reason"),
    [
        (Broken(error=ConnectionError("no route to db")), "the store's claim() raised ConnectionError: no route to db"),
        (Broken(answer="yes"), "the store's claim() returned 'yes', expected"),
        (Broken(answer=None), "the store's claim() returned None, expected"),
    ],
)
def test_a_failing_python_store_is_unavailable(store: Broken, reason: str) -> None:
    body = b"{}"
    verifier = hooksig.Verifier("github", SECRET, replay=store)  # type: ignore[arg-type]
    with pytest.raises(hooksig.ReplayStoreUnavailable) as error:
        verifier.verify(github(body), body)
    assert (error.value.code, error.value.http_status) == ("replay_store_unavailable", 503)
    assert reason in str(error.value)
    assert not isinstance(error.value, hooksig.VerificationError)
    # Failing open: accepted, unguarded, and nothing to settle.
    open_store = hooksig.ReplayStore.custom(store, fail_open=True)  # type: ignore[arg-type]
    verified = hooksig.Verifier("github", SECRET, replay=open_store).verify(github(body), body)
    assert verified.replay_key is None


def test_settling_with_a_failing_store_raises_unless_open() -> None:
    body = b"{}"
    store = DictStore()
    verified = hooksig.Verifier("github", SECRET, replay=store).verify(github(body), body)
    closed = hooksig.Verifier("github", SECRET, replay=Broken(answer="claimed"))  # type: ignore[arg-type]
    with pytest.raises(hooksig.ReplayStoreUnavailable, match="complete\\(\\) raised ConnectionError"):
        closed.complete(verified)
    with pytest.raises(hooksig.ReplayStoreUnavailable, match="release\\(\\) raised ConnectionError"):
        closed.release(verified)
    opened = hooksig.ReplayStore.custom(Broken(answer="claimed"), fail_open=True)  # type: ignore[arg-type]
    hooksig.Verifier("github", SECRET, replay=opened).complete(verified)
    with pytest.raises(ValueError, match="no replay store"):
        hooksig.Verifier("github", SECRET).complete(verified)


def test_an_object_without_the_methods_is_refused() -> None:
    with pytest.raises(ValueError, match="has no complete"):
        hooksig.Verifier("github", SECRET, replay=type("Half", (), {"claim": lambda self, k, t: "claimed"})())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="has no claim"):
        hooksig.Verifier("github", SECRET, replay=object())  # type: ignore[arg-type]


# ---------------------------------------------------------------- Redis store


def test_redis_claim_complete_release(redis: Redis) -> None:
    verifier = hooksig.Verifier("github", SECRET, replay=hooksig.ReplayStore.redis(redis.url))
    body = b'{"redis": 1}'
    first = verifier.verify(github(body), body)
    assert first.replay_key is not None
    assert redis.command("GET", first.replay_key) == "1"
    with pytest.raises(hooksig.Replayed) as busy:
        verifier.verify(github(body), body)
    assert busy.value.completed is False
    verifier.release(first)
    assert redis.command("EXISTS", first.replay_key) == 0
    verifier.complete(verifier.verify(github(body), body))
    assert redis.command("GET", first.replay_key) == "2"
    ttl = redis.command("PTTL", first.replay_key)
    assert isinstance(ttl, int) and 7 * 24 * 3600 * 1000 - 60_000 < ttl <= 7 * 24 * 3600 * 1000
    with pytest.raises(hooksig.Replayed) as done:
        verifier.verify(github(body), body)
    assert done.value.completed is True


def test_redis_key_is_the_clis(redis: Redis, cli: str, tmp_path: object) -> None:
    """Handled here, the same request is a copy to the CLI: both bindings store one key."""
    verifier = hooksig.Verifier("github", SECRET, replay=hooksig.ReplayStore.redis(redis.url))

    def cli_verify(headers: dict[str, str], body: bytes) -> subprocess.CompletedProcess[str]:
        path = os.path.join(str(tmp_path), "body.json")
        with open(path, "wb") as file:
            file.write(body)
        args = [cli, "verify", "--scheme", "github", "--secret-env", "SECRET", "--body-file", path]
        args += [f"--header={name}: {value}" for name, value in headers.items()]
        env = {**os.environ, "SECRET": SECRET}
        return subprocess.run([*args, "--replay-store", redis.url], env=env, capture_output=True, text=True)

    body = b'{"from": "python"}'
    headers = github(body)
    verifier.complete(verifier.verify(headers, body))
    result = cli_verify(headers, body)
    assert result.returncode == 1 and "replayed" in result.stdout + result.stderr, result
    # And the other way round: claimed by the CLI, a copy here.
    body = b'{"from": "cli"}'
    headers = github(body)
    assert cli_verify(headers, body).returncode == 0
    with pytest.raises(hooksig.Replayed) as copy:
        verifier.verify(headers, body)
    assert copy.value.completed is True


def test_redis_sixteen_copies_over_two_connections_claim_once(redis: Redis) -> None:
    verifiers = [hooksig.Verifier("github", SECRET, replay=hooksig.ReplayStore.redis(redis.url)) for _ in range(2)]
    assert claims_of_sixteen_copies(verifiers, b'{"copies": 16}') == 1


def test_redis_claims_expire(redis: Redis) -> None:
    verifier = hooksig.Verifier("github", SECRET, replay=hooksig.ReplayStore.redis(redis.url, retention=1))
    body = b'{"expires": true}'
    verified = verifier.verify(github(body), body)
    assert verified.replay_key is not None
    ttl = redis.command("PTTL", verified.replay_key)
    assert isinstance(ttl, int) and 0 < ttl <= 1000
    with pytest.raises(hooksig.Replayed):
        verifier.verify(github(body), body)
    time.sleep(1.1)
    verifier.verify(github(body), body)


def test_redis_stopped_mid_run_is_unavailable(redis: Redis) -> None:
    closed = hooksig.Verifier("github", SECRET, replay=hooksig.ReplayStore.redis(redis.url, timeout=1))
    opened = hooksig.Verifier("github", SECRET, replay=hooksig.ReplayStore.redis(redis.url, timeout=1, fail_open=True))
    body = b'{"n": 1}'
    claimed = closed.verify(github(body), body)
    redis.stop()
    body = b'{"n": 2}'
    with pytest.raises(hooksig.ReplayStoreUnavailable) as error:
        closed.verify(github(body), body)
    assert (error.value.code, error.value.http_status) == ("replay_store_unavailable", 503)
    assert "Redis" in str(error.value) and SECRET not in str(error.value)
    with pytest.raises(hooksig.ReplayStoreUnavailable):
        closed.complete(claimed)
    # Still verified first: a forged request is a mismatch, not a store error.
    with pytest.raises(hooksig.SignatureMismatch):
        closed.verify(github(body), body + b" ")
    assert opened.verify(github(body), body).replay_key is None


def test_redis_round_trip_releases_the_gil(redis: Redis) -> None:
    """Other threads run while a claim waits on Redis: a stalled server (SIGSTOP) holds
    one verify for its timeout, and a pure-Python loop goes on meanwhile."""
    verifier = hooksig.Verifier("github", SECRET, replay=hooksig.ReplayStore.redis(redis.url, timeout=1))
    body = b'{"gil": true}'
    verifier.verify(github(b"{}"), b"{}")  # connected
    counted = 0
    done = threading.Event()

    def count() -> None:
        nonlocal counted
        while not done.is_set():
            counted += 1

    redis.process.send_signal(19)  # SIGSTOP
    counter = threading.Thread(target=count)
    counter.start()
    try:
        start = time.monotonic()
        with pytest.raises(hooksig.ReplayStoreUnavailable):
            verifier.verify(github(body), body)
        waited = time.monotonic() - start
    finally:
        done.set()
        counter.join()
        redis.process.send_signal(18)  # SIGCONT
    assert 0.9 < waited < 3
    assert counted > 10_000


# ------------------------------------------------------------------- adapters

Post = Callable[[dict[str, str], bytes], tuple[int, str]]


class Handler:
    """The handler every adapter case wraps: counts calls, fails as told."""

    def __init__(self) -> None:
        self.calls = 0
        self.fail: Literal["", "raise", "500"] = ""

    def __call__(self) -> tuple[str, int]:
        self.calls += 1
        if self.fail == "raise":
            raise RuntimeError("the handler failed")
        return ("failed", 500) if self.fail == "500" else ("handled", 200)


def flask_receiver(verifier: hooksig.Verifier, handler: Handler) -> Post:
    import flask

    from hooksig.flask import verify_webhook

    app = flask.Flask(__name__)

    @app.post("/hook")
    @verify_webhook(verifier)
    def hook() -> tuple[str, int]:
        return handler()

    client = app.test_client()

    def post(headers: dict[str, str], body: bytes) -> tuple[int, str]:
        response = client.post("/hook", data=body, headers=headers)
        return response.status_code, response.text

    return post


def fastapi_receiver(verifier: hooksig.Verifier, handler: Handler) -> Post:
    from fastapi import Depends, FastAPI, HTTPException
    from fastapi.responses import PlainTextResponse
    from fastapi.testclient import TestClient

    from hooksig.fastapi import Webhook, verify_webhook

    app = FastAPI()

    @app.post("/hook")
    async def hook(webhook: Webhook = Depends(verify_webhook(verifier))) -> PlainTextResponse:
        text, status = handler()
        if status >= 500:
            raise HTTPException(status, text)  # FastAPI shows the dependency an exception, not a status
        return PlainTextResponse(text, status)

    client = TestClient(app, raise_server_exceptions=False)

    def post(headers: dict[str, str], body: bytes) -> tuple[int, str]:
        response = client.post("/hook", content=body, headers=headers)
        if response.headers["content-type"] == "application/json":
            return response.status_code, str(response.json()["detail"])
        return response.status_code, response.text

    return post


def django_receiver(verifier: hooksig.Verifier, handler: Handler, asynchronous: bool) -> Post:
    from test_adapters import _django

    _django()
    import asyncio

    from django.http import HttpRequest, HttpResponse
    from django.test import AsyncRequestFactory, RequestFactory

    from hooksig.django import verify_webhook

    def respond() -> HttpResponse:
        text, status = handler()
        return HttpResponse(text, status=status, content_type="text/plain")

    @verify_webhook(verifier)
    def sync_view(request: HttpRequest) -> HttpResponse:
        return respond()

    @verify_webhook(verifier)
    async def async_view(request: HttpRequest) -> HttpResponse:
        await asyncio.sleep(0)
        return respond()

    def post(headers: dict[str, str], body: bytes) -> tuple[int, str]:
        try:
            if asynchronous:
                request = AsyncRequestFactory().post("/hook", data=body, content_type="application/json", headers=headers)
                response = asyncio.run(async_view(request))
            else:
                request = RequestFactory().post("/hook", data=body, content_type="application/json", headers=headers)
                response = sync_view(request)
        except RuntimeError:
            return 500, "raised"
        return response.status_code, response.content.decode()

    return post


RECEIVERS: dict[str, Callable[[hooksig.Verifier, Handler], Post]] = {
    "flask": flask_receiver,
    "fastapi": fastapi_receiver,
    "django": lambda verifier, handler: django_receiver(verifier, handler, False),
    "django async": lambda verifier, handler: django_receiver(verifier, handler, True),
}


@pytest.mark.parametrize("store", ["memory", "redis"])
@pytest.mark.parametrize("framework", RECEIVERS)
def test_adapters_claim_complete_and_release(framework: str, store: str, request: pytest.FixtureRequest) -> None:
    server: Redis | None = request.getfixturevalue("redis") if store == "redis" else None
    replay = hooksig.ReplayStore.redis(server.url, timeout=1) if server else hooksig.ReplayStore.memory()
    verifier = hooksig.Verifier("github", SECRET, replay=replay)
    handler = Handler()
    post = RECEIVERS[framework](verifier, handler)

    body = b'{"adapter": 1}'
    assert post(github(body), body) == (200, "handled")
    # A copy of a handled delivery: 200, so that the sender stops, and the handler is not called.
    assert post(github(body), body) == (200, "replayed")
    assert handler.calls == 1

    # A failing handler releases the claim: the sender's retry is handled.
    for fail, n in (("raise", 2), ("500", 3)):
        body = f'{{"adapter": {n}}}'.encode()
        handler.fail = fail  # type: ignore[assignment]
        status, _ = post(github(body), body)
        assert status == 500
        handler.fail = ""
        assert post(github(body), body) == (200, "handled")
    assert handler.calls == 5

    # A copy while the first is being handled (claimed here, not settled): 409, retry later.
    body = b'{"adapter": "in progress"}'
    verifier.verify(github(body), body)
    assert post(github(body), body) == (409, "replayed")
    assert post(github(body), body + b" ") == (401, "signature_mismatch")
    assert handler.calls == 5

    if server is not None:
        server.stop()
        body = b'{"adapter": "redis down"}'
        assert post(github(body), body) == (503, "replay_store_unavailable")
        assert handler.calls == 5


@pytest.mark.parametrize("framework", ["fastapi", "django async"])
def test_async_adapters_wait_on_redis_off_the_event_loop(framework: str, redis: Redis) -> None:
    """A stalled Redis (SIGSTOP) holds a guarded webhook for the store's timeout;
    meanwhile the event loop goes on ticking every 10 ms."""
    import asyncio

    verifier = hooksig.Verifier("github", SECRET, replay=hooksig.ReplayStore.redis(redis.url, timeout=0.5))
    body = b'{"loop": "free"}'
    headers = github(body)

    async def fastapi_webhook() -> int:
        from starlette.exceptions import HTTPException
        from starlette.requests import Request

        from hooksig.fastapi import verify_webhook

        async def receive() -> dict[str, object]:
            return {"type": "http.request", "body": body, "more_body": False}

        scope = {"type": "http", "method": "POST", "path": "/", "query_string": b""}
        scope["headers"] = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        try:
            await verify_webhook(verifier)(Request(scope, receive)).__anext__()
        except HTTPException as error:
            return error.status_code
        return 200

    async def django_webhook() -> int:
        from test_adapters import _django

        _django()
        from django.http import HttpRequest, HttpResponse
        from django.test import AsyncRequestFactory

        from hooksig.django import verify_webhook

        @verify_webhook(verifier)
        async def view(request: HttpRequest) -> HttpResponse:
            return HttpResponse("handled")

        request = AsyncRequestFactory().post("/hook", data=body, content_type="application/json", headers=headers)
        response: HttpResponse = await view(request)
        return response.status_code

    async def probe() -> tuple[int, float, float]:
        ticks: list[float] = []
        done = asyncio.Event()

        async def tick() -> None:
            while not done.is_set():
                ticks.append(time.monotonic())
                await asyncio.sleep(0.01)

        ticker = asyncio.create_task(tick())
        start = time.monotonic()
        try:
            status = await (fastapi_webhook() if framework == "fastapi" else django_webhook())
        finally:
            done.set()
            await ticker
        return status, time.monotonic() - start, max(b - a for a, b in zip(ticks, ticks[1:]))

    redis.process.send_signal(19)  # SIGSTOP
    try:
        status, waited, longest_gap = asyncio.run(probe())
    finally:
        redis.process.send_signal(18)  # SIGCONT
    assert status == 503
    assert waited >= 0.45
    assert longest_gap < 0.25, f"the event loop stalled {longest_gap:.3f} s"
