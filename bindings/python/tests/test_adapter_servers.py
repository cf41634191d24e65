"""The adapters behind real servers, sent hostile bodies over raw sockets on 127.0.0.1.

Flask under Werkzeug's threaded server, Django under wsgiref (threaded), FastAPI
under uvicorn, each in a thread of this process: a body just under and just over
the cap, a chunked body past the cap that never ends (answered without waiting
for the end), a body another part of the app consumed, an upload abandoned
half-way; after each, the server still answers a good request.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any, Callable

import pytest

import hooksig
import test_adapters  # noqa: F401  (configures Django, whose URLs include this module's)
from hooksig.fastapi import Webhook  # at module level: FastAPI resolves the handlers' annotations here
from starlette.requests import Request

SECRET = "quiltt-server-secret"
VERIFIER = hooksig.Verifier("quiltt", SECRET)
CAP = 100_000
FRAMEWORKS = ["flask", "django", "fastapi"]
MULTIPART = b'--XyZ\r\nContent-Disposition: form-data; name="event"\r\n\r\naccount.verified\r\n--XyZ--\r\n'
MULTIPART_TYPE = "multipart/form-data; boundary=XyZ"


# --- the three apps -------------------------------------------------------------------------------


def _flask_app() -> Any:
    import flask

    from hooksig.flask import current_webhook, verify_webhook

    app = flask.Flask(__name__)

    def reads_form_first(view: Any) -> Any:
        @functools.wraps(view)
        def wrapper() -> Any:
            flask.request.form  # noqa: B018  (what a before_request hook or an outer decorator might do)
            return view()

        return wrapper

    def reads_json_first(view: Any) -> Any:
        @functools.wraps(view)
        def wrapper() -> Any:
            flask.request.get_json()
            return view()

        return wrapper

    @app.post("/hook")
    @verify_webhook(VERIFIER, max_body=CAP)
    def hook() -> str:
        return str(len(current_webhook().body))

    @app.post("/default")
    @verify_webhook(VERIFIER)
    def default() -> str:
        return str(len(current_webhook().body))

    @app.post("/consumed")
    @reads_form_first
    @verify_webhook(VERIFIER)
    def consumed() -> str:
        return "unreachable"

    @app.post("/read-first")
    @reads_json_first
    @verify_webhook(VERIFIER)
    def read_first() -> str:
        return str(flask.request.get_json()["n"])

    return app


def _django_views() -> list[Any]:
    from django.http import HttpRequest, HttpResponse
    from django.urls import path

    from hooksig.django import verify_webhook, webhook_of

    def reads_post_first(view: Any) -> Any:
        @functools.wraps(view)  # keeps csrf_exempt
        def wrapper(request: HttpRequest) -> Any:
            request.POST  # noqa: B018  (what a middleware or an outer decorator might do)
            return view(request)

        return wrapper

    def reads_body_first(view: Any) -> Any:
        @functools.wraps(view)
        def wrapper(request: HttpRequest) -> Any:
            request.body  # noqa: B018
            return view(request)

        return wrapper

    @verify_webhook(VERIFIER, max_body=CAP)
    def hook(request: HttpRequest) -> HttpResponse:
        return HttpResponse(str(len(webhook_of(request).body)))

    @verify_webhook(VERIFIER)
    def default(request: HttpRequest) -> HttpResponse:
        return HttpResponse(str(len(webhook_of(request).body)))

    @reads_post_first
    @verify_webhook(VERIFIER)
    def consumed(request: HttpRequest) -> HttpResponse:
        return HttpResponse("unreachable")

    @reads_body_first
    @verify_webhook(VERIFIER)
    def read_first(request: HttpRequest) -> HttpResponse:
        return HttpResponse(webhook_of(request).json()["n"])

    return [
        path("hook", hook),
        path("default", default),
        path("consumed", consumed),
        path("read-first", read_first),
    ]


urlpatterns = _django_views()  # included under /real/ by test_adapters.urlpatterns


def _fastapi_app() -> Any:
    from fastapi import Depends, FastAPI

    from hooksig.fastapi import verify_webhook

    app = FastAPI()
    capped, default = verify_webhook(VERIFIER, max_body=CAP), verify_webhook(VERIFIER)

    async def stream_first(request: Request) -> Webhook:
        async for _ in request.stream():  # what a logging middleware or another dependency might do
            pass
        return await default(request)

    async def json_first(request: Request) -> Webhook:
        await request.json()
        return await default(request)

    @app.post("/hook")
    async def hook(webhook: Webhook = Depends(capped)) -> int:
        return len(webhook.body)

    @app.post("/default")
    async def default_route(webhook: Webhook = Depends(default)) -> int:
        return len(webhook.body)

    @app.post("/consumed")
    async def consumed(webhook: Webhook = Depends(stream_first)) -> str:
        return "unreachable"

    @app.post("/read-first")
    async def read_first(request: Request, webhook: Webhook = Depends(json_first)) -> int:
        n: int = (await request.json())["n"]
        return n

    return app


# --- servers ----------------------------------------------------------------------------------------


def _serve_flask() -> Iterator[tuple[int, str]]:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, _flask_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port, ""
    server.shutdown()


def _serve_django() -> Iterator[tuple[int, str]]:
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.core.handlers.wsgi import WSGIHandler

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = make_server("127.0.0.1", 0, WSGIHandler(), server_class=Server, handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port, "/real"
    server.shutdown()
    server.server_close()


def _serve_fastapi() -> Iterator[tuple[int, str]]:
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(_fastapi_app(), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    yield sock.getsockname()[1], ""
    server.should_exit = True
    thread.join(10)
    sock.close()


SERVERS: dict[str, Callable[[], Iterator[tuple[int, str]]]] = {
    "flask": _serve_flask,
    "django": _serve_django,
    "fastapi": _serve_fastapi,
}


class Server:
    def __init__(self, framework: str, port: int, prefix: str) -> None:
        self.framework, self.port, self.prefix = framework, port, prefix

    def head(self, path: str, headers: dict[str, str], **extra: str) -> bytes:
        lines = [f"POST {self.prefix}{path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in {**headers, **extra}.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def post(self, path: str, body: bytes, content_type: str = "application/json") -> tuple[int, bytes]:
        """A signed request with its Content-Length; the status and body of the answer."""
        head = self.head(path, hooksig.sign("quiltt", SECRET, body), **{"Content-Type": content_type})
        head = head[:-2] + f"Content-Length: {len(body)}\r\n\r\n".encode()
        return self.exchange(head + body)

    def exchange(self, data: bytes, *, timeout: float = 10) -> tuple[int, bytes]:
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            sock.sendall(data)
            return read_response(sock)

    def code(self, body: bytes) -> str:
        """The error code of a rejection, as this framework's adapter answers it."""
        if self.framework == "fastapi":
            return str(__import__("json").loads(body)["detail"])
        return body.decode()

    def still_serves(self) -> None:
        assert self.post("/hook", b'{"n": 1}') == (200, b"8")


def read_response(sock: socket.socket) -> tuple[int, bytes]:
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
        head, found, rest = data.partition(b"\r\n\r\n")
        length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
        if found and length and len(rest) >= int(length.group(1)):
            break
    head, _, rest = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1."), data[:200]
    return int(head.split(b" ", 2)[1]), rest


@pytest.fixture(scope="module", params=FRAMEWORKS)
def server(request: pytest.FixtureRequest) -> Iterator[Server]:
    serving = SERVERS[request.param]()
    port, prefix = next(serving)
    yield Server(request.param, port, prefix)
    next(serving, None)


# --- the cases --------------------------------------------------------------------------------------


def test_body_just_under_and_just_over_the_cap(server: Server, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="hooksig")
    assert server.post("/hook", b"x" * CAP) == (200, str(CAP).encode())
    status, body = server.post("/hook", b"x" * (CAP + 1))
    assert (status, server.code(body)) == (413, "invalid_body")
    assert "larger than the 100000 bytes cap" in caplog.text
    assert "max_body=..." in caplog.text and "max_body=None" in caplog.text
    server.still_serves()


def test_content_length_past_the_cap_is_refused_before_the_body_is_sent(server: Server) -> None:
    # Only the headers go out: the answer must come without waiting for the 6 MiB.
    head = server.head("/default", hooksig.sign("quiltt", SECRET, b"{}"), **{"Content-Length": str(6 << 20)})
    status, body = server.exchange(head, timeout=5)
    assert (status, server.code(body)) == (413, "invalid_body")
    server.still_serves()


def test_chunked_body_past_the_cap_is_refused_without_reading_to_its_end(server: Server) -> None:
    # Twice the cap in 10 KB chunks and no final chunk: a server reading to the end would hang.
    chunk = b"%x\r\n%s\r\n" % (10_000, b"x" * 10_000)
    head = server.head("/hook", hooksig.sign("quiltt", SECRET, b"{}"), **{"Transfer-Encoding": "chunked"})
    status, body = server.exchange(head + chunk * (2 * CAP // 10_000), timeout=5)
    if server.framework == "django":
        # Django under WSGI reads no body without Content-Length: said so, not verified as empty.
        assert (status, server.code(body)) == (411, "invalid_body")
    else:
        assert (status, server.code(body)) == (413, "invalid_body")
    server.still_serves()


def test_a_consumed_body_says_how_to_fix_it(server: Server, caplog: pytest.LogCaptureFixture) -> None:
    status, body = server.post("/consumed", MULTIPART, MULTIPART_TYPE)
    assert (status, server.code(body)) == (400, "invalid_body")
    fix = {
        "flask": "put @verify_webhook right above the view function",
        "django": "put @verify_webhook right above the view function",
        "fastapi": "let verify_webhook read it first",
    }[server.framework]
    warnings = [r.getMessage() for r in caplog.records if r.name == "hooksig" and r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "was consumed before hooksig could read it" in warnings[0] and fix in warnings[0]
    server.still_serves()


def test_a_body_read_and_kept_before_the_adapter_still_verifies(server: Server) -> None:
    # get_json() in Flask, request.body in Django, await request.json() in FastAPI keep a copy.
    assert server.post("/read-first", b'{"n": 7}') == (200, b"7")


def test_an_aborted_upload_gets_no_500_and_the_server_keeps_serving(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    # /default: 1 000 000 bytes is under its cap, so the server starts reading and waits for the rest.
    head = server.head("/default", hooksig.sign("quiltt", SECRET, b"{}"), **{"Content-Length": "1000000"})
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(head + b"0123456789")
        time.sleep(0.2)
    deadline = time.monotonic() + 5
    while "closed the connection after sending 10 bytes" not in caplog.text and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "closed the connection after sending 10 bytes of the 1000000" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info], caplog.text
    server.still_serves()


def test_default_cap(server: Server, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="hooksig")
    from hooksig.flask import DEFAULT_MAX_BODY

    assert DEFAULT_MAX_BODY == 5 * 1024 * 1024
    expected = DEFAULT_MAX_BODY if server.framework != "django" else 2_621_440
    head = server.head("/default", hooksig.sign("quiltt", SECRET, b"{}"))
    status, _ = server.exchange(head[:-2] + f"Content-Length: {expected + 1}\r\n\r\n".encode(), timeout=5)
    assert status == 413
    if server.framework == "django":
        # Django's own DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MiB) is the smaller limit, and the message says so.
        assert "DATA_UPLOAD_MAX_MEMORY_SIZE" in caplog.text
    status, body = server.post("/default", b"x" * expected)
    assert (status, body) == (200, str(expected).encode())


def test_max_body_must_be_a_size() -> None:
    from hooksig.flask import verify_webhook

    for wrong in (-1, 1.5, True, "5MB"):
        with pytest.raises(ValueError, match="max_body"):
            verify_webhook(VERIFIER, max_body=wrong)  # type: ignore[arg-type]


# --- the event loop ---------------------------------------------------------------------------------


def test_a_large_verify_does_not_block_the_event_loop() -> None:
    from starlette.concurrency import run_in_threadpool

    from hooksig.fastapi import verify_webhook

    body = b"x" * (48 << 20)
    headers = hooksig.sign("quiltt", SECRET, body)
    durations = []
    for _ in range(3):
        started = time.perf_counter()
        VERIFIER.verify(headers, body)
        durations.append(time.perf_counter() - started)
    inline = sorted(durations)[1]  # how long the loop would stall if the adapter verified inline

    async def probe() -> tuple[float, int]:
        scope = {
            "type": "http",
            "method": "POST",
            "path": "/",
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        }
        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        verified = verify_webhook(VERIFIER, max_body=None)
        # A running server has used its thread pool before (the first use costs ~50 ms of start-up).
        await run_in_threadpool(lambda: None)
        ticks: list[float] = []
        done = False

        async def ticker() -> None:
            while not done:
                ticks.append(time.perf_counter())
                await asyncio.sleep(0.001)

        task = asyncio.create_task(ticker())
        await asyncio.sleep(0.01)
        webhook = await verified(Request(scope, receive))
        ticks.append(time.perf_counter())  # the gap up to now counts too (the ticker may not tick again)
        done = True
        await task
        gaps = [b - a for a, b in zip(ticks, ticks[1:])]
        return max(gaps), webhook.verified.key_index

    # The worst gap between ticks of a 1 ms ticker on the same loop; on a busy machine the
    # scheduler alone can add a few ms, so the best of three tries counts.
    for _ in range(3):
        worst_gap, key_index = asyncio.run(probe())
        assert key_index == 0
        if worst_gap < inline / 4:
            break
    # Inline, the loop would stall for the whole verify; offloaded, it keeps ticking.
    print(f"worst loop gap {worst_gap * 1e3:.1f} ms, verify inline {inline * 1e3:.1f} ms")
    assert worst_gap < inline / 4, (worst_gap, inline)
