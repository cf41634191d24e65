"""The examples as documented: each receiver runs on a local port and `hooksig send` posts to it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import hooksig
from conftest import ROOT, Redis

EXAMPLES = ROOT / "examples"
NEW_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
OLD_SECRET = "whsec_" + "b2xkLXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm"
QUILTT_SECRET = "quiltt-example-secret"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_for(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the example exited with {server.returncode}:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the example did not listen on {port}:\n{log.read_text()}")


@pytest.fixture()
def serve(tmp_path: Path) -> Iterator[object]:
    servers: list[subprocess.Popen[bytes]] = []

    def start(directory: Path, command: list[str], env: dict[str, str]) -> str:
        port = _free_port()
        # A second process of the same example logs beside the first.
        log = tmp_path / (f"{directory.name}-{len(servers)}.log" if servers else f"{directory.name}.log")
        server = subprocess.Popen(
            [part.replace("{port}", str(port)) for part in command],
            cwd=directory,
            env={**os.environ, **env, "PORT": str(port)},
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        servers.append(server)
        _wait_for(port, server, log)
        return f"http://127.0.0.1:{port}"

    yield start
    for server in servers:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def send(cli: str, *args: str, secret: str) -> tuple[int, str]:
    result = subprocess.run(
        [cli, "send", *args],
        env={**os.environ, "HOOKSIG_TEST_SECRET": secret},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.returncode, result.stdout.strip()


def test_flask_quiltt_receiver(cli: str, serve: object, tmp_path: Path) -> None:
    url = serve(  # type: ignore[operator]
        EXAMPLES / "python-flask", [sys.executable, "app.py"], {"QUILTT_WEBHOOK_SECRET": QUILTT_SECRET}
    )
    endpoint = ["--scheme", "quiltt", "--secret-env", "HOOKSIG_TEST_SECRET", "--url", f"{url}/quiltt_webhook"]
    for event in ("connection.synced.successful", "connection.synced.successful.historical", "account.verified"):
        assert send(cli, *endpoint, "--event", event, secret=QUILTT_SECRET) == (0, "204")
    assert send(cli, *endpoint, "--tamper", secret=QUILTT_SECRET) == (1, "401")
    assert send(cli, *endpoint, secret="another-secret") == (1, "401")
    log = (tmp_path / "python-flask.log").read_text()
    assert "Connection with ID conn_1Kx3vBtPXAi has synced successfully!" in log
    assert "Account with ID conn_1Kx3vBtPXAi is ready for payment processing!" in log


def test_fastapi_standard_receiver_with_key_rotation(cli: str, serve: object) -> None:
    url = serve(  # type: ignore[operator]
        EXAMPLES / "python-fastapi",
        [sys.executable, "-m", "uvicorn", "app:app", "--host", "127.0.0.1", "--port", "{port}"],
        {"WEBHOOK_SECRET": NEW_SECRET, "WEBHOOK_SECRET_PREVIOUS": OLD_SECRET},
    )
    endpoint = ["--scheme", "standard", "--secret-env", "HOOKSIG_TEST_SECRET", "--url", f"{url}/webhooks"]
    assert send(cli, *endpoint, secret=NEW_SECRET) == (0, "200")
    assert send(cli, *endpoint, "--event", "customer.created", secret=OLD_SECRET) == (0, "200")
    assert send(cli, *endpoint, "--tamper", secret=NEW_SECRET) == (1, "401")
    assert send(cli, *endpoint, secret="whsec_" + "c29tZW9uZS1lbHNlcy1zZWNyZXQ=") == (1, "401")


def test_two_receivers_sharing_redis_handle_a_delivery_once(redis: Redis, serve: object, tmp_path: Path) -> None:
    env = {"WEBHOOK_SECRET": NEW_SECRET, "REDIS_URL": redis.url}
    command = [sys.executable, "app.py"]
    urls = [f"{serve(EXAMPLES / 'python-replay', command, env)}/webhooks" for _ in range(2)]  # type: ignore[operator]
    body = b'{"type":"invoice.paid","data":{}}'
    headers = hooksig.sign("standard", NEW_SECRET, body, webhook_id="msg_two_processes")

    def post(url: str, headers: dict[str, str] = headers) -> tuple[int, str]:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    # 16 copies at once, half to each process: one is handled, the others are copies.
    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(post, [urls[i % 2] for i in range(16)]))
    assert answers.count((200, "handled")) == 1, answers
    assert set(answers) <= {(200, "handled"), (200, "replayed"), (409, "replayed")}, answers
    # Handled by one process, a later copy is a copy to both.
    assert post(urls[0]) == post(urls[1]) == (200, "replayed")
    fresh = hooksig.sign("standard", NEW_SECRET, body, webhook_id="msg_after")
    assert post(urls[1], fresh) == (200, "handled")
    assert post(urls[0], fresh) == (200, "replayed")
    assert post(urls[0], {**fresh, "webhook-id": "msg_forged"}) == (401, "signature_mismatch")
    # Redis gone: refused with 503, never handled unguarded.
    redis.stop()
    gone = hooksig.sign("standard", NEW_SECRET, body, webhook_id="msg_redis_down")
    assert post(urls[0], gone) == (503, "replay_store_unavailable")
    logs = "".join(log.read_text() for log in tmp_path.glob("*.log"))
    assert logs.count("handled msg_two_processes (invoice.paid)") == 1, logs
