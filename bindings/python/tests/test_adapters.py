"""The Flask, FastAPI/Starlette and Django adapters: 2xx for good, 401/400 with the code for bad."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import hooksig

SECRET = "quiltt-adapter-secret"
BODY = b'{"eventTypes":["connection.synced.successful.initial","account.verified"],"events":[{"type":"connection.synced.successful.initial","record":{"id":"conn_1"}},{"type":"account.verified","record":{"id":"acct_1"}}]}'
TYPES = ["connection.synced.successful.initial", "account.verified"]
VERIFIER = hooksig.Verifier("quiltt", SECRET)
ROUTES = hooksig.EventMatcher(["connection.synced.successful", "account"], scope=True)


def signed(body: bytes = BODY) -> dict[str, str]:
    return hooksig.sign("quiltt", SECRET, body)


# (request headers, request body, expected status, expected error code)
CASES = {
    "valid": (signed(), BODY, 200, None),
    "tampered": (signed(), BODY.replace(b"conn_1", b"conn_2"), 401, "signature_mismatch"),
    "unsigned": ({}, BODY, 401, "missing_header"),
    "old": (hooksig.sign("quiltt", SECRET, BODY, timestamp=1_600_000_000), BODY, 401, "timestamp_too_old"),
    "malformed timestamp": ({**signed(), "Quiltt-Timestamp": "yesterday"}, BODY, 400, "malformed_header"),
}


def handled(webhook: hooksig.Webhook) -> dict[str, Any]:
    return {
        "types": list(webhook.event_types),
        "routes": [ROUTES.matching(t) for t in webhook.event_types],
        "records": [e["record"]["id"] for e in webhook.json()["events"]],
        "key_index": webhook.verified.key_index,
    }


EXPECTED = {"types": TYPES, "routes": [[0], [1]], "records": ["conn_1", "acct_1"], "key_index": 0}


@pytest.mark.parametrize("case", CASES)
def test_flask(case: str) -> None:
    import flask

    from hooksig.flask import current_webhook, verify_webhook

    app = flask.Flask(__name__)

    @app.post("/hook/<tenant>")
    @verify_webhook(VERIFIER)
    def hook(tenant: str) -> Any:
        return {**handled(current_webhook()), "tenant": tenant}

    headers, body, status, code = CASES[case]
    response = app.test_client().post("/hook/acme", data=body, headers=headers)
    assert response.status_code == status
    if code is None:
        assert response.json == {**EXPECTED, "tenant": "acme"}
    else:
        assert (response.text, response.mimetype) == (code, "text/plain")


def test_flask_current_webhook_outside_a_decorated_view() -> None:
    import flask

    from hooksig.flask import current_webhook

    with flask.Flask(__name__).test_request_context("/"), pytest.raises(RuntimeError):
        current_webhook()


@pytest.mark.parametrize("case", CASES)
def test_fastapi(case: str) -> None:
    from fastapi import Depends, FastAPI
    from fastapi.testclient import TestClient

    from hooksig.fastapi import Webhook, verify_webhook

    app = FastAPI()

    @app.post("/hook")
    async def hook(webhook: Webhook = Depends(verify_webhook(VERIFIER))) -> dict[str, Any]:
        return handled(webhook)

    headers, body, status, code = CASES[case]
    response = TestClient(app).post("/hook", content=body, headers=headers)
    assert response.status_code == status
    assert response.json() == (EXPECTED if code is None else {"detail": code})


@pytest.mark.parametrize("case", CASES)
def test_starlette(case: str) -> None:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from hooksig.fastapi import verify_webhook

    verified = verify_webhook(VERIFIER)

    async def hook(request: Request) -> JSONResponse:
        return JSONResponse(handled(await verified(request)))

    app = Starlette(routes=[Route("/hook", hook, methods=["POST"])])
    headers, body, status, code = CASES[case]
    response = TestClient(app).post("/hook", content=body, headers=headers)
    assert response.status_code == status
    if code is None:
        assert response.json() == EXPECTED
    else:
        assert response.text == code


def _django() -> Any:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            ROOT_URLCONF=__name__,
            ALLOWED_HOSTS=["testserver", "127.0.0.1"],
            MIDDLEWARE=["django.middleware.csrf.CsrfViewMiddleware"],
            SECRET_KEY="django-test-only",
        )
        django.setup()
    return django


def _django_views() -> tuple[Any, Any]:
    from django.http import HttpRequest, JsonResponse

    from hooksig.django import verify_webhook, webhook_of

    @verify_webhook(VERIFIER)
    def sync_view(request: HttpRequest) -> JsonResponse:
        assert request.webhook is webhook_of(request)  # type: ignore[attr-defined]
        return JsonResponse(handled(webhook_of(request)))

    @verify_webhook(VERIFIER)
    async def async_view(request: HttpRequest) -> JsonResponse:
        await asyncio.sleep(0)
        return JsonResponse(handled(webhook_of(request)))

    return sync_view, async_view


_django()
from django.urls import include, path  # noqa: E402

urlpatterns = [
    path("sync", _django_views()[0]),
    path("async", _django_views()[1]),
    # The views test_adapter_servers.py runs under a real WSGI server.
    path("real/", include("test_adapter_servers")),
]


@pytest.mark.parametrize("view", ["sync", "async"])
@pytest.mark.parametrize("case", CASES)
def test_django(case: str, view: str) -> None:
    from django.test import AsyncClient, Client

    headers, body, status, code = CASES[case]
    if view == "sync":
        # enforce_csrf_checks: the decorated view must be CSRF-exempt, as a provider sends no token.
        response = Client(enforce_csrf_checks=True).post(
            "/sync", data=body, content_type="application/json", headers=headers
        )
    else:
        response = asyncio.run(
            AsyncClient(enforce_csrf_checks=True).post(
                "/async", data=body, content_type="application/json", headers=headers
            )
        )
    assert response.status_code == status
    if code is None:
        assert response.json() == EXPECTED
    else:
        assert response.content.decode() == code
